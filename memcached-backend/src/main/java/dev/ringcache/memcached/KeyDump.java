package dev.ringcache.memcached;

import static java.nio.charset.StandardCharsets.US_ASCII;

import dev.ringcache.api.CacheTimeoutException;
import dev.ringcache.api.NodeUnavailableException;
import dev.ringcache.api.NodeUsage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Arrays;

/**
 * Counts a Memcached server's items under a key prefix with the text command {@code lru_crawler
 * metadump all}, on a connection of its own (spymemcached speaks only the binary protocol, which
 * has no such command). The server answers one line per live item, {@code key=<uri-encoded key>
 * ... size=<bytes> ...}, then {@code END}. A server that requires SASL refuses text commands, so
 * the caller does not ask one.
 *
 * <p>Immutable and thread-safe (each call opens and closes its own connection).
 */
final class KeyDump {
  private final String nodeId;
  private final String host;
  private final int port;
  private final int connectTimeoutMillis;
  /** The longest silence between two lines of the dump. */
  private final int readTimeoutMillis;

  KeyDump(String nodeId, String host, int port, int connectTimeoutMillis, int readTimeoutMillis) {
    this.nodeId = nodeId;
    this.host = host;
    this.port = port;
    this.connectTimeoutMillis = connectTimeoutMillis;
    this.readTimeoutMillis = readTimeoutMillis;
  }

  /** The items whose key starts with {@code prefix}; {@link NodeUsage#unknown} if the server
   * cannot dump its keys now (the crawler is busy or disabled). */
  NodeUsage usage(byte[] prefix) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), connectTimeoutMillis);
      socket.setSoTimeout(readTimeoutMillis);
      OutputStream out = socket.getOutputStream();
      out.write("lru_crawler metadump all\r\n".getBytes(US_ASCII));
      out.flush();
      BufferedReader in = new BufferedReader(
          new InputStreamReader(socket.getInputStream(), US_ASCII), 1 << 16);
      long entries = 0;
      long bytes = 0;
      for (String line = in.readLine(); ; line = in.readLine()) {
        if (line == null) {
          throw new NodeUnavailableException("memcached node " + nodeId
              + " closed the connection during a key dump");
        }
        if (line.equals("END")) {
          return new NodeUsage(nodeId, entries, bytes);
        }
        if (!line.startsWith("key=")) {
          return NodeUsage.unknown(nodeId); // BUSY, ERROR: the crawler cannot dump now
        }
        int end = line.indexOf(' ');
        byte[] key = decode(line.substring(4, end < 0 ? line.length() : end));
        if (startsWith(key, prefix)) {
          entries++;
          bytes += sizeOf(line);
        }
      }
    } catch (SocketTimeoutException e) {
      throw new CacheTimeoutException("memcached node " + nodeId + " did not go on with its key "
          + "dump within " + readTimeoutMillis + " ms", e);
    } catch (IOException e) {
      throw new NodeUnavailableException("memcached node " + nodeId + " could not dump its keys: "
          + e.getMessage(), e);
    }
  }

  /** The {@code size=} field of a dump line, or 0 if it has none. */
  private static long sizeOf(String line) {
    int at = line.indexOf(" size=");
    if (at < 0) {
      return 0;
    }
    int start = at + 6;
    int end = line.indexOf(' ', start);
    return Long.parseLong(line.substring(start, end < 0 ? line.length() : end));
  }

  /** The bytes of a key as Memcached writes it in a dump: {@code %XX} for most punctuation. */
  static byte[] decode(String encoded) {
    byte[] out = new byte[encoded.length()];
    int n = 0;
    for (int i = 0; i < encoded.length(); i++) {
      char c = encoded.charAt(i);
      if (c == '%' && i + 2 < encoded.length()) {
        out[n++] = (byte) Integer.parseInt(encoded.substring(i + 1, i + 3), 16);
        i += 2;
      } else {
        out[n++] = (byte) c;
      }
    }
    return Arrays.copyOf(out, n);
  }

  private static boolean startsWith(byte[] key, byte[] prefix) {
    return key.length >= prefix.length
        && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }
}
