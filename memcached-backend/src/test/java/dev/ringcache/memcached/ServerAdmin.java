package dev.ringcache.memcached;

import dev.ringcache.api.testing.LineConnection;
import dev.ringcache.api.testing.TestServer;
import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A look at a memcached server over its text protocol, without a client library: counters, raw
 * items, remaining lifetimes, stored keys. The caller owns and closes it. Not thread-safe.
 */
final class ServerAdmin implements AutoCloseable {
  private final LineConnection connection;

  private ServerAdmin(LineConnection connection) {
    this.connection = connection;
  }

  static ServerAdmin of(TestServer server) {
    try {
      return new ServerAdmin(LineConnection.open(server, Duration.ofSeconds(2)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The general counters ({@code stats}). */
  Map<String, Long> stats() {
    Map<String, Long> stats = new HashMap<>();
    for (String line : lines("stats")) {
      String[] parts = line.split(" ");
      try {
        stats.put(parts[1], Long.parseLong(parts[2]));
      } catch (NumberFormatException e) {
        // versions and such
      }
    }
    return stats;
  }

  void resetStats() {
    expect("RESET", "stats reset");
  }

  /** Stores raw bytes (text) with the given client flags, as another application would. */
  void set(String key, int flags, String data) {
    expect("STORED", "set " + key + " " + Integer.toUnsignedString(flags) + " 0 " + data.length(),
        data);
  }

  /**
   * Stores raw bytes with the given client flags ({@code set} over a connection of its own,
   * byte for byte).
   */
  void setBytes(TestServer server, String key, int flags, byte[] data) {
    try (Socket socket = new Socket(server.host(), server.port())) {
      socket.setSoTimeout(2_000);
      OutputStream out = socket.getOutputStream();
      out.write(("set " + key + " " + Integer.toUnsignedString(flags) + " 0 " + data.length
          + "\r\n").getBytes(US_ASCII));
      out.write(data);
      out.write("\r\n".getBytes(US_ASCII));
      out.flush();
      byte[] reply = socket.getInputStream().readNBytes(8);
      if (!new String(reply, US_ASCII).equals("STORED\r\n")) {
        throw new IllegalStateException("set " + key + " -> " + new String(reply, US_ASCII));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The item's remaining lifetime in seconds ({@code mg key t}); -1 if it never expires. */
  Long ttlSeconds(String key) {
    String reply = send("mg " + key + " t");
    if (reply.equals("EN")) {
      return null;
    }
    if (!reply.startsWith("HD t")) {
      throw new IllegalStateException("mg " + key + " t -> " + reply);
    }
    return Long.parseLong(reply.substring(4).split(" ")[0]);
  }

  /** The keys of every item the server holds ({@code lru_crawler metadump all}), percent-encoded. */
  List<String> keys() {
    List<String> keys = new ArrayList<>();
    for (String line : lines("lru_crawler metadump all")) {
      if (line.startsWith("key=")) {
        keys.add(line.substring(4, line.indexOf(' ')));
      }
    }
    return keys;
  }

  private List<String> lines(String command) {
    List<String> lines = new ArrayList<>();
    try {
      connection.write(command);
      for (String line = connection.readLine(); !line.equals("END"); line = connection.readLine()) {
        lines.add(line);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return lines;
  }

  private void expect(String reply, String... lines) {
    String got = send(lines);
    if (!got.equals(reply)) {
      throw new IllegalStateException(String.join(" / ", lines) + " -> " + got);
    }
  }

  String send(String... lines) {
    try {
      return connection.send(lines);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
