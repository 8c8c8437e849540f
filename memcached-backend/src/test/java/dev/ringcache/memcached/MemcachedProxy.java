package dev.ringcache.memcached;

import static java.nio.charset.StandardCharsets.US_ASCII;

import dev.ringcache.api.testing.TestServer;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A proxy in front of a memcached server that reads the binary protocol's requests on their way
 * and lets a test act on each before it goes on: delay it, do something to the server first,
 * change its CAS, or answer it itself. Responses pass back whole. Each client connection gets a
 * connection of its own to the server.
 *
 * <p>The test that starts it owns it and closes it. Thread-safe.
 */
final class MemcachedProxy implements AutoCloseable {
  static final int GET = 0x00;
  static final int SET = 0x01;
  static final int ADD = 0x02;
  static final int SASL_AUTH = 0x21;

  private static final int HEADER = 24;

  /** What a test does with each request, on the connection's thread, before it goes on. */
  @FunctionalInterface
  interface Hook {
    void before(Request request) throws Exception;
  }

  /** One request frame. Not thread-safe: the connection's. */
  static final class Request {
    private final byte[] frame;
    private byte[] answer;

    private Request(byte[] frame) {
      this.frame = frame;
    }

    int opcode() {
      return frame[1] & 0xFF;
    }

    String key() {
      ByteBuffer b = ByteBuffer.wrap(frame);
      int keyLength = b.getShort(2) & 0xFFFF;
      int extras = frame[4] & 0xFF;
      return new String(frame, HEADER + extras, keyLength, US_ASCII);
    }

    long cas() {
      return ByteBuffer.wrap(frame).getLong(16);
    }

    /** Whether it is a compare-and-set: a set with a CAS. */
    boolean isCas() {
      return opcode() == SET && cas() != 0;
    }

    void setCas(long cas) {
      ByteBuffer.wrap(frame).putLong(16, cas);
    }

    /** Answers the request here with {@code status} and {@code message}: it is not sent on. */
    void answer(int status, String message) {
      byte[] body = message.getBytes(US_ASCII);
      ByteBuffer b = ByteBuffer.allocate(HEADER + body.length);
      b.put((byte) 0x81).put(frame[1]).putShort((short) 0).put((byte) 0).put((byte) 0)
          .putShort((short) status).putInt(body.length).putInt(ByteBuffer.wrap(frame).getInt(12))
          .putLong(0).put(body);
      answer = b.array();
    }
  }

  private final TestServer server;
  private final ServerSocket listener;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile Hook hook = request -> {};

  private MemcachedProxy(TestServer server) throws IOException {
    this.server = server;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    daemon("proxy-accept", this::accept);
  }

  static MemcachedProxy inFrontOf(TestServer server) {
    try {
      return new MemcachedProxy(server);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code memcached://127.0.0.1:port}, with {@code userInfo} ({@code user:password@}). */
  String uri(String userInfo) {
    return "memcached://" + userInfo + "127.0.0.1:" + listener.getLocalPort();
  }

  void hook(Hook hook) {
    this.hook = hook;
  }

  @Override
  public void close() {
    try {
      listener.close();
    } catch (IOException e) {
      // closing anyway
    }
    for (Socket socket : sockets) {
      try {
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket upstream = new Socket(server.host(), server.port());
        sockets.add(client);
        sockets.add(upstream);
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        OutputStream toClient = client.getOutputStream();
        daemon("proxy-requests", () -> pumpRequests(client.getInputStream(),
            upstream.getOutputStream(), toClient), client, upstream);
        daemon("proxy-responses", () -> pump(upstream.getInputStream(), toClient), client,
            upstream);
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void pumpRequests(InputStream in, OutputStream toServer, OutputStream toClient)
      throws Exception {
    DataInputStream frames = new DataInputStream(in);
    while (true) {
      Request request = new Request(readFrame(frames));
      hook.before(request);
      if (request.answer != null) {
        write(toClient, request.answer);
      } else {
        write(toServer, request.frame);
      }
    }
  }

  private static void pump(InputStream in, OutputStream out) throws IOException {
    DataInputStream frames = new DataInputStream(in);
    while (true) {
      write(out, readFrame(frames));
    }
  }

  private static byte[] readFrame(DataInputStream in) throws IOException {
    byte[] header = new byte[HEADER];
    in.readFully(header);
    int body = ByteBuffer.wrap(header).getInt(8);
    byte[] frame = new byte[HEADER + body];
    System.arraycopy(header, 0, frame, 0, HEADER);
    in.readFully(frame, HEADER, body);
    return frame;
  }

  /** Whole frames only: answers made here and the server's never interleave. */
  private static void write(OutputStream out, byte[] frame) throws IOException {
    synchronized (out) {
      out.write(frame);
      out.flush();
    }
  }

  @FunctionalInterface
  private interface Work {
    void run() throws Exception;
  }

  /** Runs {@code work} on a thread of its own; when it ends, {@code pair} is closed. */
  private static void daemon(String name, Work work, Socket... pair) {
    Thread thread = new Thread(() -> {
      try {
        work.run();
      } catch (EOFException | SocketException e) {
        // a side closed
      } catch (Exception e) {
        throw new IllegalStateException(e);
      } finally {
        for (Socket socket : pair) { // one side gone: the other ends too, as on a real link
          try {
            socket.close();
          } catch (IOException e) {
            // closing anyway
          }
        }
      }
    }, name);
    thread.setDaemon(true);
    thread.start();
  }
}
