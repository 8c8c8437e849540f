package dev.ringcache.bench.hibernate;

import dev.ringcache.api.testing.TestServer;
import dev.ringcache.api.testing.TestServers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.Jedis;

/**
 * The redis-server and memcached of a run. {@link HibernateCacheComparison} starts one of each and
 * hands them to every JMH fork through the system properties {@value #REDIS} and {@value
 * #MEMCACHED} ({@code host:port}), so that ringcache and Redisson use the very same Redis. A JMH
 * run started without them (plain {@code java -jar benchmarks.jar HibernateCacheBenchmark})
 * starts the servers its provider needs here, as local processes on free loopback ports (never the
 * system's 6379 or 11211), and stops them on {@link #close()}.
 *
 * <p>The servers are the test fixtures of cache-api's test-jar ({@link TestServers}), run as
 * local processes: containers would put a proxy between the client and the server.
 *
 * <p>The creator owns it and closes it. Not thread-safe.
 */
final class BenchServers implements AutoCloseable {
  /** System property: the Redis to use, {@code host:port}. */
  static final String REDIS = "ringcache.bench.redis";
  /** System property: the Memcached to use, {@code host:port}. */
  static final String MEMCACHED = "ringcache.bench.memcached";

  private static final int TIMEOUT_MILLIS = 5_000;

  private final @Nullable InetSocketAddress redis;
  private final @Nullable InetSocketAddress memcached;
  private final List<TestServer> started;

  private BenchServers(@Nullable InetSocketAddress redis, @Nullable InetSocketAddress memcached,
      List<TestServer> started) {
    this.redis = redis;
    this.memcached = memcached;
    this.started = started;
  }

  /** A Redis and a Memcached started here, for a whole comparison. */
  static BenchServers startBoth() {
    return start(true, true);
  }

  /**
   * The servers {@code provider} needs: those named by the system properties, else started here.
   */
  static BenchServers forProvider(Provider provider) {
    InetSocketAddress givenRedis = address(REDIS);
    InetSocketAddress givenMemcached = address(MEMCACHED);
    boolean startRedis = provider.usesRedis() && givenRedis == null;
    boolean startMemcached = provider.usesMemcached() && givenMemcached == null;
    BenchServers own = start(startRedis, startMemcached);
    return new BenchServers(givenRedis != null ? givenRedis : own.redis,
        givenMemcached != null ? givenMemcached : own.memcached, own.started);
  }

  /**
   * The same servers reached at other addresses ({@code host:port}, e.g. a
   * {@link dev.ringcache.api.testing.RoundTripProxy}; null keeps the server's own): a view that
   * owns and stops nothing.
   */
  BenchServers through(@Nullable String redisHostPort, @Nullable String memcachedHostPort) {
    return new BenchServers(redisHostPort != null ? parse(REDIS, redisHostPort) : redis,
        memcachedHostPort != null ? parse(MEMCACHED, memcachedHostPort) : memcached,
        new ArrayList<>());
  }

  private static BenchServers start(boolean redis, boolean memcached) {
    if (System.getProperty("ringcache.test.containers") == null) {
      System.setProperty("ringcache.test.containers", "false");
    }
    List<TestServer> started = new ArrayList<>();
    InetSocketAddress redisAddress = null;
    InetSocketAddress memcachedAddress = null;
    try {
      if (redis) {
        TestServer server = TestServers.redis().start();
        started.add(server);
        redisAddress = new InetSocketAddress(server.host(), server.port());
      }
      if (memcached) {
        TestServer server = TestServers.memcached().start();
        started.add(server);
        memcachedAddress = new InetSocketAddress(server.host(), server.port());
      }
    } catch (RuntimeException e) {
      started.forEach(TestServer::close);
      throw e;
    }
    return new BenchServers(redisAddress, memcachedAddress, started);
  }

  private static @Nullable InetSocketAddress address(String property) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      return null;
    }
    return parse(property, value);
  }

  private static InetSocketAddress parse(String property, String value) {
    int colon = value.lastIndexOf(':');
    if (colon < 1) {
      throw new IllegalArgumentException("-D" + property + "=" + value + ": expected host:port");
    }
    return new InetSocketAddress(value.substring(0, colon),
        Integer.parseInt(value.substring(colon + 1)));
  }

  /** The Redis, {@code host:port}. */
  String redisAddress() {
    InetSocketAddress a = require(redis, "Redis");
    return a.getHostString() + ":" + a.getPort();
  }

  /** The Memcached, {@code host:port}. */
  String memcachedAddress() {
    InetSocketAddress a = require(memcached, "Memcached");
    return a.getHostString() + ":" + a.getPort();
  }

  /** A new single-connection client of the Redis, for the benchmark's own commands. */
  Jedis redisClient() {
    InetSocketAddress a = require(redis, "Redis");
    return new Jedis(a.getHostString(), a.getPort(), TIMEOUT_MILLIS);
  }

  /** Empties the servers, so that a provider starts from an empty cache. */
  void flush() {
    if (redis != null) {
      try (Jedis client = redisClient()) {
        client.flushAll();
      }
    }
    if (memcached != null) {
      String reply = memcachedCommand("flush_all").get(0);
      if (!reply.equals("OK")) {
        throw new IllegalStateException("memcached flush_all answered " + reply);
      }
    }
  }

  /**
   * Memcached's counters ({@code stats}): name to value. The {@code stats} command itself counts
   * in none of the command counters.
   */
  Map<String, Long> memcachedStats() {
    Map<String, Long> stats = new HashMap<>();
    for (String line : memcachedCommand("stats")) {
      String[] parts = line.split(" ");
      if (parts.length == 3 && parts[0].equals("STAT") && parts[2].matches("\\d+")) {
        stats.put(parts[1], Long.parseLong(parts[2]));
      }
    }
    return stats;
  }

  /** Sends one text-protocol command; returns the reply's lines (up to END for stats). */
  private List<String> memcachedCommand(String command) {
    InetSocketAddress a = require(memcached, "Memcached");
    try (Socket socket = new Socket()) {
      socket.connect(a, TIMEOUT_MILLIS);
      socket.setSoTimeout(TIMEOUT_MILLIS);
      OutputStream out = socket.getOutputStream();
      out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in = new BufferedReader(
          new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      List<String> lines = new ArrayList<>();
      for (String line; (line = in.readLine()) != null; ) {
        lines.add(line);
        if (!line.startsWith("STAT ")) {
          break; // END after stats, or the one-line reply of anything else
        }
      }
      return lines;
    } catch (IOException e) {
      throw new UncheckedIOException("memcached " + command + " at " + a + " failed", e);
    }
  }

  private static InetSocketAddress require(@Nullable InetSocketAddress address, String what) {
    if (address == null) {
      throw new IllegalStateException("this run has no " + what);
    }
    return address;
  }

  /** Stops the servers started here; servers given by the system properties are left alone. */
  @Override
  public void close() {
    for (TestServer server : started) {
      server.close();
    }
    started.clear();
  }
}
