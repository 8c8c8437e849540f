package dev.ringcache.bench.api;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.ringcache.api.EntryTimes;
import dev.ringcache.api.Lookup;
import dev.ringcache.api.ShardedCache;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import redis.clients.jedis.RedisClient;

/**
 * A read of one cached value from one Redis node: ringcache's {@link ShardedCache#get} (one HMGET of
 * the record's type and value) and protocol read {@link ShardedCache#getOrLease} (one EVALSHA)
 * beside a raw Jedis {@code GET} of the same bytes, in one JMH run, single-threaded, on loopback.
 *
 * <p>The benchmark starts its own {@code redis-server} on a free loopback port and stops it at the
 * end (the system's Redis on 6379 is never touched). Run it from the project root after {@code mvn
 * -B -pl benchmarks -am package -DskipTests}:
 *
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar ShardedCacheGetBenchmark
 * }</pre>
 *
 * <p>Not thread-safe (one instance per JMH thread).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ShardedCacheGetBenchmark {
  private static final byte[] KEY = "ringcache:bench:com.example.Order#123456".getBytes(UTF_8);
  private static final byte[] RAW_KEY = "raw:com.example.Order#123456".getBytes(UTF_8);
  private static final EntryTimes TIMES = EntryTimes.of(Duration.ofMinutes(1), Duration.ofHours(1));

  private Process server;
  private ShardedCache cache;
  private RedisClient jedis;

  @Setup
  public void setUp() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    server = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind",
        "127.0.0.1", "--save", "", "--appendonly", "no")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    jedis = RedisClient.create("127.0.0.1", port);
    awaitReady();
    byte[] value = new byte[200]; // about the size of a small entity's state
    new Random(1).nextBytes(value);
    cache = ShardedCache.builder().nodes("redis://127.0.0.1:" + port).build();
    cache.put(KEY, value, Duration.ofHours(1));
    jedis.set(RAW_KEY, value);
    if (cache.get(KEY) == null || jedis.get(RAW_KEY) == null
        || !cache.getOrLease(KEY, false, TIMES).isHit()) {
      throw new IllegalStateException("the benchmark's values are not in place");
    }
  }

  @TearDown
  public void tearDown() throws InterruptedException {
    if (cache != null) {
      cache.close();
    }
    if (jedis != null) {
      jedis.close();
    }
    if (server != null) {
      server.destroy();
      if (!server.waitFor(10, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  @Benchmark
  public byte[] ringcacheGet() {
    return cache.get(KEY);
  }

  @Benchmark
  public Lookup ringcacheGetOrLease() {
    return cache.getOrLease(KEY, true, TIMES);
  }

  @Benchmark
  public byte[] jedisGet() {
    return jedis.get(RAW_KEY);
  }

  private void awaitReady() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try {
        if ("PONG".equals(jedis.ping())) {
          return;
        }
      } catch (RuntimeException e) {
        if (!server.isAlive()) {
          throw new IOException("redis-server exited with " + server.exitValue()
              + "; is it installed (./run-tests installs it)?", e);
        }
        if (System.nanoTime() > deadline) {
          throw new IOException("redis-server did not answer within 20 s", e);
        }
      }
      Thread.sleep(20); // polling a condition with a deadline
    }
  }
}
