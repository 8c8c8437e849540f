package dev.ringcache.bench.hibernate;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;

/**
 * Counts the commands a Redis runs, as the server sees them: through {@code MONITOR}, which tells
 * a command a client sent (each one a request on the wire) from one a script ran inside the
 * server, and through {@code INFO commandstats}, which counts both alike. {@link #mark()} puts a
 * marker ({@code ECHO}) into the command stream and returns the tallies up to it, so that the
 * difference of two marks is exactly what ran between them.
 *
 * <p>Not counted: the markers and the {@code INFO} calls of this class, and {@code PING}, which
 * clients send in the background (Redisson checks each of its connections every 30 s) and no
 * operation causes.
 *
 * <p>The creator owns it and closes it. Not thread-safe: one thread marks.
 */
final class RedisMonitor implements AutoCloseable {
  private static final String MARKER = "ringcache-bench-mark-";
  private static final Set<String> IGNORED = Set.of("echo", "info", "ping", "monitor");
  private static final long WAIT_SECONDS = 10;

  /** The commands run up to a mark: sent by clients, run by scripts, and INFO's total. */
  record Tally(Map<String, Long> sent, Map<String, Long> inScripts, long commandstats) {}

  private final Socket monitor;
  private final Jedis admin;
  private final Thread reader;
  private final BlockingQueue<Object> marks = new LinkedBlockingQueue<>();
  private long markers;

  // Only the reader thread touches these.
  private final Map<String, Long> sent = new TreeMap<>();
  private final Map<String, Long> inScripts = new TreeMap<>();

  RedisMonitor(BenchServers servers) {
    String[] address = servers.redisAddress().split(":");
    admin = servers.redisClient();
    monitor = new Socket();
    try {
      monitor.connect(new InetSocketAddress(address[0], Integer.parseInt(address[1])), 5_000);
      OutputStream out = monitor.getOutputStream();
      out.write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in = new BufferedReader(
          new InputStreamReader(monitor.getInputStream(), StandardCharsets.UTF_8));
      String ok = in.readLine();
      if (!"+OK".equals(ok)) {
        throw new IllegalStateException("MONITOR answered " + ok);
      }
      reader = new Thread(() -> read(in), "redis-monitor");
      reader.setDaemon(true);
      reader.start();
    } catch (IOException e) {
      close();
      throw new UncheckedIOException(e);
    }
  }

  /** Marks the command stream here; returns what ran before the mark. */
  Tally mark() {
    String marker = MARKER + ++markers;
    admin.echo(marker);
    long commandstats = commandstats();
    try {
      Object seen = marks.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      if (seen instanceof RuntimeException e) {
        throw e;
      }
      if (!(seen instanceof MarkSeen m) || !m.marker().equals(marker)) {
        throw new IllegalStateException("MONITOR did not show " + marker + ", but " + seen);
      }
      return new Tally(m.sent(), m.inScripts(), commandstats);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for " + marker, e);
    }
  }

  private record MarkSeen(String marker, Map<String, Long> sent, Map<String, Long> inScripts) {}

  /** The calls of every command in INFO commandstats, but those this class ignores. */
  private long commandstats() {
    long calls = 0;
    for (String line : admin.info("commandstats").split("\r?\n")) {
      if (!line.startsWith("cmdstat_")) {
        continue;
      }
      String name = line.substring("cmdstat_".length(), line.indexOf(':'));
      if (!IGNORED.contains(name)) {
        calls += Long.parseLong(line.replaceAll("^[^:]*:calls=(\\d+),.*", "$1"));
      }
    }
    return calls;
  }

  /**
   * Reads MONITOR's lines, {@code +1700000000.000000 [0 127.0.0.1:41234] "evalsha" "..." ...}
   * for a client's command and {@code [0 lua]} for a script's.
   */
  private void read(BufferedReader in) {
    try {
      for (String line; (line = in.readLine()) != null; ) {
        int close = line.indexOf("] \"");
        if (!line.startsWith("+") || close < 0) {
          continue;
        }
        int start = close + 3;
        int end = line.indexOf('"', start);
        String command = line.substring(start, end).toLowerCase(Locale.ROOT);
        if (command.equals("echo") && line.contains(MARKER)) {
          String marker = line.substring(line.indexOf(MARKER), line.lastIndexOf('"'));
          marks.add(new MarkSeen(marker, Map.copyOf(sent), Map.copyOf(inScripts)));
        } else if (!IGNORED.contains(command)) {
          boolean script = line.substring(0, close).endsWith(" lua");
          (script ? inScripts : sent).merge(command, 1L, Long::sum);
        }
      }
    } catch (IOException e) {
      if (!monitor.isClosed()) {
        marks.add(new UncheckedIOException("MONITOR connection failed", e));
      }
    }
  }

  @Override
  public void close() {
    try {
      monitor.close();
    } catch (IOException e) {
      // closing: nothing to do
    }
    admin.close();
  }
}
