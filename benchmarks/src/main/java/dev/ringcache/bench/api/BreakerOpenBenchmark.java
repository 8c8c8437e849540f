package dev.ringcache.bench.api;

import dev.ringcache.api.CacheKey;
import dev.ringcache.api.CacheMetrics;
import dev.ringcache.api.EntryTimes;
import dev.ringcache.api.Lookup;
import dev.ringcache.api.NodeState;
import dev.ringcache.api.PutOutcome;
import dev.ringcache.api.ShardedCache;
import dev.ringcache.api.micrometer.MicrometerCacheMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What an operation costs on a node whose circuit breaker is open (DESIGN.md §5: "while it is open
 * the node costs nothing"): {@link ShardedCache#get}, {@link ShardedCache#put} (skipped), {@link
 * ShardedCache#getOrLease} and {@link ShardedCache#putFromLoad} on a cache whose only node is down,
 * beside the same calls on a healthy in-process node for scale, in one JMH run.
 *
 * <p>{@code node}:
 *
 * <ul>
 *   <li>{@code redis-down}, {@code memcached-down}: a {@code redis://} or {@code memcached://} node
 *       ({@code timeout=100ms}) on a loopback port where nothing listens. The benchmark holds the
 *       port with a bound socket that never listens, so connections are refused and no server
 *       started meanwhile (by a test, say) can take the port. The start-up ping finds the node
 *       unreachable; {@link #setUp()} waits, with a deadline, until the node is {@link
 *       NodeState#DOWN}, and checks that each operation gives its fallback (a miss, a miss without
 *       a lease, {@link PutOutcome#SKIPPED}); {@link #tearDown()} fails the run if the node was
 *       not down all along. The background probe keeps running, once a second, as in use.
 *   <li>{@code local-up}: a healthy {@code local://} node holding every key, the baseline.
 * </ul>
 *
 * <p>{@code metrics}: {@code none} ({@link CacheMetrics#NONE}) or {@code micrometer} (a {@link
 * MicrometerCacheMetrics} on a {@link SimpleMeterRegistry}; an open breaker counts each operation
 * it does not send).
 *
 * <p>Each invocation uses the next of {@value #KEY_COUNT} {@link CacheKey}s of 51 to 59 bytes
 * ({@code shop:com.example.Order:-:com.example.Order#L1000042}). Run it from the project root with
 * {@code -prof gc} to see what each operation allocates:
 *
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar BreakerOpenBenchmark -prof gc
 * }</pre>
 *
 * <p>Not thread-safe (one instance per JMH thread).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(1)
public class BreakerOpenBenchmark {
  /** Keys used in turn; a power of two. */
  static final int KEY_COUNT = 1024;
  private static final int MIN_KEY = 40;
  private static final int MAX_KEY = 60;
  private static final EntryTimes TIMES = EntryTimes.of(Duration.ofMinutes(1), Duration.ofHours(1));
  private static final Duration TTL = Duration.ofHours(1);
  private static final long VERSION = 1;
  private static final Duration DOWN_DEADLINE = Duration.ofSeconds(20);

  @Param({"redis-down", "memcached-down", "local-up"})
  public String node;

  @Param({"none", "micrometer"})
  public String metrics;

  private final byte[][] keys = new byte[KEY_COUNT][];
  private byte[] value = new byte[0];
  private int next;
  private @Nullable Socket heldPort;
  private ShardedCache cache;
  private String nodeId = "";
  private boolean down;

  @Setup
  public void setUp() throws IOException, InterruptedException {
    try {
      start();
    } catch (IOException | InterruptedException | RuntimeException e) {
      try {
        stop(); // JMH runs no tear-down after a failed set-up
      } catch (IOException | RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private void start() throws IOException, InterruptedException {
    Random random = new Random(42);
    String[] types = {"com.example.Order", "com.example.Customer", "com.example.OrderLine",
        "com.example.Product"};
    for (int i = 0; i < KEY_COUNT; i++) {
      String type = types[random.nextInt(types.length)];
      keys[i] = CacheKey.of("shop", type, null, type, 1_000_000L + random.nextInt(9_000_000))
          .bytes();
      if (keys[i].length < MIN_KEY || keys[i].length > MAX_KEY) {
        throw new IllegalStateException("key of " + keys[i].length + " bytes, not " + MIN_KEY
            + " to " + MAX_KEY);
      }
    }
    value = new byte[200]; // a small entity's state, as in ShardedCacheGetBenchmark
    random.nextBytes(value);

    ShardedCache.Builder builder = ShardedCache.builder().metrics(metrics());
    down = !node.equals("local-up");
    if (down) {
      // Bound, never listening, no SO_REUSEADDR: a connection is refused, and no server can bind
      // the port while the benchmark holds it.
      Socket socket = new Socket();
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      heldPort = socket;
      String scheme = switch (node) {
        case "redis-down" -> "redis";
        case "memcached-down" -> "memcached";
        default -> throw new IllegalArgumentException("unknown node " + node);
      };
      builder.nodes(scheme + "://127.0.0.1:" + socket.getLocalPort() + "?timeout=100ms");
    } else {
      builder.nodes("local://bench-breaker-baseline");
    }
    ShardedCache c = builder.build();
    cache = c;
    nodeId = c.nodeIds().get(0);
    if (down) {
      awaitState(c, NodeState.DOWN);
      for (byte[] key : keys) {
        c.put(key, value, TTL);
        if (c.get(key) != null || c.getOrLease(key, true, TIMES).kind() != Lookup.Kind.MISS
            || c.putFromLoad(key, value, VERSION, null, false, TIMES) != PutOutcome.SKIPPED) {
          throw new IllegalStateException("node " + nodeId + " is down, but an operation did not "
              + "give its fallback");
        }
      }
    } else {
      for (byte[] key : keys) {
        c.put(key, value, TTL);
        if (c.get(key) == null || !c.getOrLease(key, true, TIMES).isHit()) {
          throw new IllegalStateException("the baseline's values are not in place");
        }
      }
    }
  }

  @TearDown
  public void tearDown() throws IOException {
    try {
      if (cache != null && down && cache.nodeState(nodeId) != NodeState.DOWN) {
        throw new IllegalStateException("node " + nodeId + " is " + cache.nodeState(nodeId)
            + " at the end: these figures are not of an open breaker");
      }
    } finally {
      stop();
    }
  }

  private void stop() throws IOException {
    try {
      if (cache != null) {
        cache.close();
      }
    } finally {
      if (heldPort != null) {
        heldPort.close();
      }
    }
  }

  @Benchmark
  public byte @Nullable [] get() {
    return cache.get(nextKey());
  }

  @Benchmark
  public void put() {
    cache.put(nextKey(), value, TTL);
  }

  @Benchmark
  public Lookup getOrLease() {
    return cache.getOrLease(nextKey(), true, TIMES);
  }

  @Benchmark
  public PutOutcome putFromLoad() {
    return cache.putFromLoad(nextKey(), value, VERSION, null, false, TIMES);
  }

  private byte[] nextKey() {
    next = (next + 1) & (KEY_COUNT - 1);
    return keys[next];
  }

  private CacheMetrics metrics() {
    return switch (metrics) {
      case "none" -> CacheMetrics.NONE;
      case "micrometer" -> new MicrometerCacheMetrics(new SimpleMeterRegistry());
      default -> throw new IllegalArgumentException("unknown metrics " + metrics);
    };
  }

  private void awaitState(ShardedCache c, NodeState wanted) throws InterruptedException {
    long deadline = System.nanoTime() + DOWN_DEADLINE.toNanos();
    while (c.nodeState(nodeId) != wanted) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("node " + nodeId + " is " + c.nodeState(nodeId)
            + ", not " + wanted + ", " + DOWN_DEADLINE.toSeconds() + " s after the start");
      }
      Thread.sleep(10); // polling a condition with a deadline
    }
  }
}
