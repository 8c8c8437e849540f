package dev.ringcache.bench.memcached;

import static java.nio.charset.StandardCharsets.US_ASCII;

import dev.ringcache.api.CacheKey;
import dev.ringcache.api.EntryTimes;
import dev.ringcache.api.Lookup;
import dev.ringcache.api.ShardedCache;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.spy.memcached.CachedData;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.transcoders.Transcoder;
import org.jspecify.annotations.Nullable;
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

/**
 * A read of one cached value from one memcached server, in one JMH run, single-threaded, on
 * loopback:
 *
 * <ul>
 *   <li>{@code ringcacheGet}: {@link ShardedCache#get} on one {@code memcached://} node (ring
 *       lookup, one binary {@code get} of the key's record, the record decoded); {@code
 *       ringcacheGetMiss}: the same for a key that holds nothing;
 *   <li>{@code spymemcachedGet}, {@code spymemcachedGetMiss}: a raw spymemcached {@link
 *       MemcachedClient} (binary protocol, the same operation timeout and connection settings as
 *       the node's client) getting a key that holds the same value bytes, through a transcoder
 *       that passes the bytes as they are;
 *   <li>{@code ringcacheGetOrLease}: the protocol read ({@link ShardedCache#getOrLease}; one
 *       {@code gets}, nothing written on a hit), for information.
 * </ul>
 *
 * <p>The value is {@value #VALUE_SIZE} random bytes; ringcache's item holds them in its record
 * (26 bytes more). Keys are {@link CacheKey}s of 51 bytes, all four distinct and of the same
 * length. The benchmark starts its own {@code memcached} on a free loopback port ({@code -U 0 -m
 * 64}) and stops it at the end, also when the set-up fails; it never touches port 11211. Run it
 * from the project root:
 *
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar MemcachedGetBenchmark
 * }</pre>
 *
 * <p>On a small virtual machine the time a thread takes to wake on another CPU swamps the
 * difference measured here (benchmarks/RESULTS.md): there, run the JVM and the server it starts
 * on one CPU, {@code taskset -c 1 java -jar …}.
 *
 * <p>Not thread-safe (one instance per JMH thread).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(1)
public class MemcachedGetBenchmark {
  static final int VALUE_SIZE = 100;
  private static final int TIMEOUT_MILLIS = 500;
  private static final byte[] KEY = key(1_234_567);
  private static final byte[] MISSING_KEY = key(1_234_568);
  private static final String RAW_KEY = new String(key(7_654_321), US_ASCII);
  private static final String RAW_MISSING_KEY = new String(key(7_654_322), US_ASCII);
  private static final EntryTimes TIMES = EntryTimes.of(Duration.ofMinutes(1), Duration.ofHours(1));
  private static final Duration READY_DEADLINE = Duration.ofSeconds(20);

  private @Nullable Process server;
  private ShardedCache cache;
  private MemcachedClient spymemcached;

  @Setup
  public void setUp() throws IOException, InterruptedException {
    try {
      start();
    } catch (IOException | InterruptedException | RuntimeException e) {
      stop(); // JMH runs no tear-down after a failed set-up
      throw e;
    }
  }

  private void start() throws IOException, InterruptedException {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    List<String> command = new ArrayList<>(List.of("memcached", "-p", Integer.toString(port),
        "-l", "127.0.0.1", "-U", "0", "-m", "64"));
    if ("root".equals(System.getProperty("user.name"))) {
      command.addAll(List.of("-u", "root")); // memcached refuses to run as root without it
    }
    server = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    awaitReady(port);

    byte[] value = new byte[VALUE_SIZE];
    new Random(1).nextBytes(value);
    cache = ShardedCache.builder()
        .nodes("memcached://127.0.0.1:" + port + "?timeout=" + TIMEOUT_MILLIS + "ms").build();
    cache.put(KEY, value, Duration.ofHours(1));

    // The connection settings of the node's own client (MemcachedNode), so that the two differ
    // only in what ringcache does around the get.
    spymemcached = new MemcachedClient(new ConnectionFactoryBuilder()
        .setProtocol(ConnectionFactoryBuilder.Protocol.BINARY)
        .setOpTimeout(TIMEOUT_MILLIS)
        .setShouldOptimize(false)
        .setUseNagleAlgorithm(false)
        .setDaemon(true)
        .build(), List.of(new InetSocketAddress("127.0.0.1", port)));
    try {
      if (!spymemcached.set(RAW_KEY, 3600, value, BytesAsTheyAre.INSTANCE)
          .get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("spymemcached could not set its value");
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("spymemcached could not set its value", e);
    }
    if (!Arrays.equals(cache.get(KEY), value)
        || !Arrays.equals(spymemcached.get(RAW_KEY, BytesAsTheyAre.INSTANCE), value)
        || cache.get(MISSING_KEY) != null
        || spymemcached.get(RAW_MISSING_KEY, BytesAsTheyAre.INSTANCE) != null
        || !cache.getOrLease(KEY, true, TIMES).isHit()) {
      throw new IllegalStateException("the benchmark's values are not in place");
    }
  }

  @TearDown
  public void tearDown() throws InterruptedException {
    stop();
  }

  private void stop() throws InterruptedException {
    try {
      if (cache != null) {
        cache.close();
      }
      if (spymemcached != null) {
        spymemcached.shutdown(1, TimeUnit.SECONDS);
      }
    } finally {
      Process p = server;
      if (p != null) {
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
    }
  }

  @Benchmark
  public byte @Nullable [] ringcacheGet() {
    return cache.get(KEY);
  }

  @Benchmark
  public byte @Nullable [] ringcacheGetMiss() {
    return cache.get(MISSING_KEY);
  }

  @Benchmark
  public Lookup ringcacheGetOrLease() {
    return cache.getOrLease(KEY, true, TIMES);
  }

  @Benchmark
  public byte @Nullable [] spymemcachedGet() {
    return spymemcached.get(RAW_KEY, BytesAsTheyAre.INSTANCE);
  }

  @Benchmark
  public byte @Nullable [] spymemcachedGetMiss() {
    return spymemcached.get(RAW_MISSING_KEY, BytesAsTheyAre.INSTANCE);
  }

  private static byte[] key(long id) {
    return CacheKey.of("shop", "com.example.Order", null, "com.example.Order", id).bytes();
  }

  /** Waits, with a deadline, until the server answers {@code version}. */
  private void awaitReady(int port) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + READY_DEADLINE.toNanos();
    @Nullable IOException last = null;
    while (true) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        socket.setSoTimeout(1000);
        OutputStream out = socket.getOutputStream();
        out.write("version\r\n".getBytes(US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        if (new String(in.readNBytes(8), US_ASCII).equals("VERSION ")) {
          return;
        }
      } catch (IOException e) {
        last = e;
      }
      Process p = server;
      if (p != null && !p.isAlive()) {
        throw new IOException("memcached exited with " + p.exitValue()
            + "; is it installed (./run-tests installs it)?", last);
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IOException("memcached did not answer within " + READY_DEADLINE.toSeconds()
            + " s", last);
      }
      Thread.sleep(20); // polling a condition with a deadline
    }
  }

  /**
   * Passes item bytes as they are, with no flags: the raw client's counterpart of the node's own
   * transcoder.
   *
   * <p>Immutable and thread-safe.
   */
  static final class BytesAsTheyAre implements Transcoder<byte[]> {
    static final BytesAsTheyAre INSTANCE = new BytesAsTheyAre();

    @Override
    public boolean asyncDecode(CachedData d) {
      return false;
    }

    @Override
    public CachedData encode(byte[] item) {
      return new CachedData(0, item, getMaxSize());
    }

    @Override
    public byte[] decode(CachedData d) {
      return d.getData();
    }

    @Override
    public int getMaxSize() {
      return CachedData.MAX_SIZE;
    }
  }
}
