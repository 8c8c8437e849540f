package dev.ringcache.api.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Objects;

/**
 * A raw TCP connection to a server that speaks a line-based text protocol: Redis inline commands
 * ({@code PING}, {@code SET k v}, {@code DBSIZE}) or the Memcached text protocol ({@code version},
 * {@code get k}). Lets a test look at a server without a client library. Each line sent ends with
 * CRLF; each reply read is one line without its CRLF. The caller owns and closes it.
 * Not thread-safe.
 */
public final class LineConnection implements AutoCloseable {
  private static final int MAX_LINE = 64 * 1024;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private LineConnection(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  /**
   * Connects to {@code server}; both the connect and every later read give up after
   * {@code timeout}.
   */
  public static LineConnection open(TestServer server, Duration timeout) throws IOException {
    Objects.requireNonNull(server, "server");
    return open(server.host(), server.port(), timeout);
  }

  /**
   * Connects to {@code host:port}; both the connect and every later read give up after
   * {@code timeout} with a {@link java.net.SocketTimeoutException}.
   */
  public static LineConnection open(String host, int port, Duration timeout) throws IOException {
    Objects.requireNonNull(host, "host");
    int millis = Math.toIntExact(Math.max(1, timeout.toMillis()));
    Socket socket = new Socket();
    try {
      socket.connect(new InetSocketAddress(host, port), millis);
      socket.setSoTimeout(millis);
      socket.setTcpNoDelay(true);
      return new LineConnection(socket);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /**
   * Sends each of {@code lines} followed by CRLF and returns the first reply line. Memcached's
   * storage commands take their data as a second line: {@code send("set k 0 0 1", "v")}.
   */
  public String send(String... lines) throws IOException {
    write(lines);
    return readLine();
  }

  /** Sends each of {@code lines} followed by CRLF, without reading a reply. */
  public void write(String... lines) throws IOException {
    StringBuilder text = new StringBuilder();
    for (String line : lines) {
      text.append(line).append("\r\n");
    }
    out.write(text.toString().getBytes(UTF_8));
    out.flush();
  }

  /**
   * Reads the next reply line, without its line end.
   *
   * @throws java.net.SocketTimeoutException if nothing complete arrives within the timeout
   * @throws EOFException if the server closes the connection first
   */
  public String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed by " + socket.getRemoteSocketAddress()
            + (line.size() > 0 ? " after '" + line.toString(UTF_8) + "'" : ""));
      }
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r'
            ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, length, UTF_8);
      }
      if (line.size() >= MAX_LINE) {
        throw new IOException("reply line longer than " + MAX_LINE + " bytes");
      }
      line.write(b);
    }
  }

  /** Sends raw bytes, for binary protocols. */
  void writeBytes(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Reads exactly {@code n} raw bytes, for binary protocols. */
  byte[] readBytes(int n) throws IOException {
    byte[] bytes = in.readNBytes(n);
    if (bytes.length < n) {
      throw new EOFException("connection closed by " + socket.getRemoteSocketAddress()
          + " after " + bytes.length + " of " + n + " bytes");
    }
    return bytes;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
