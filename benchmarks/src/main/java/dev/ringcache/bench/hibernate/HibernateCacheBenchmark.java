package dev.ringcache.bench.hibernate;

import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Hibernate operations per second under each {@link Provider}, single-threaded, a new session
 * and transaction per operation ({@link Operation} says what each includes). Each trial opens a
 * {@link Library} (tables created and filled, caches warmed, the operation checked to hit or miss
 * as named) on empty servers.
 *
 * <p>Run it through {@link HibernateCacheComparison}, which gives every fork the same redis-server
 * and memcached and counts the commands of each operation; alone, each fork starts the servers its
 * provider needs:
 *
 * <pre>{@code
 * taskset -c 1 java -jar benchmarks/target/benchmarks.jar HibernateCacheBenchmark \
 *     -p provider=RINGCACHE_REDIS
 * }</pre>
 *
 * <p>On one CPU ({@code taskset}; the database follows, see {@link SameCpus}) a round trip costs
 * the same to every server and varies little; on a two-vCPU virtual machine left to itself it
 * jumps by a factor of three to four between a wake-up on the same vCPU and one on the other,
 * within a trial. The JIT compiler threads alone may use every CPU ({@link
 * SameCpus#freeCompilerThreads}): on the benchmark's CPU they took longer than the warm-up.
 *
 * <p>Not thread-safe (one instance per JMH thread).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 4, time = 2)
@Fork(1)
@Threads(1)
public class HibernateCacheBenchmark {
  @Param({"NO_CACHE", "RINGCACHE_REDIS", "RINGCACHE_MEMCACHED", "RINGCACHE_LOCAL", "REDISSON",
      "JCACHE_CAFFEINE"})
  public Provider provider = Provider.NO_CACHE;

  private BenchServers servers;
  private Library library;
  private long calls;

  @Setup(Level.Trial)
  public void setUp(BenchmarkParams params) {
    String benchmark = params.getBenchmark();
    Operation operation = operationOf(benchmark.substring(benchmark.lastIndexOf('.') + 1));
    SameCpus.freeCompilerThreads();
    servers = BenchServers.forProvider(provider);
    try {
      library = Library.open(provider, servers, EnumSet.of(operation));
      library.check(operation);
      library.statistics().setStatisticsEnabled(false); // as an application runs by default
    } catch (RuntimeException e) {
      if (library != null) {
        library.close();
      }
      servers.close();
      throw e;
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    try {
      if (library != null) {
        library.close();
      }
    } finally {
      if (servers != null) {
        servers.close();
      }
    }
  }

  /** The operation a benchmark method measures. */
  static Operation operationOf(String method) {
    return switch (method) {
      case "findHit" -> Operation.FIND_HIT;
      case "missThenPut" -> Operation.MISS_THEN_PUT;
      case "update" -> Operation.UPDATE;
      case "collection" -> Operation.COLLECTION;
      case "cachedQuery" -> Operation.QUERY;
      default -> throw new IllegalArgumentException("no operation for benchmark " + method);
    };
  }

  /** Evicts the book the next {@link #missThenPut} finds: before each call, not measured. */
  @State(Scope.Thread)
  public static class Evicted {
    long call;

    @Setup(Level.Invocation)
    public void evict(HibernateCacheBenchmark bench) {
      call = bench.calls++;
      Operation.MISS_THEN_PUT.prepare(bench.library, call);
    }
  }

  @Benchmark
  public Object findHit() {
    return Operation.FIND_HIT.run(library, calls++);
  }

  @Benchmark
  public Object missThenPut(Evicted evicted) {
    return Operation.MISS_THEN_PUT.run(library, evicted.call);
  }

  @Benchmark
  public Object update() {
    return Operation.UPDATE.run(library, calls++);
  }

  @Benchmark
  public Object collection() {
    return Operation.COLLECTION.run(library, calls++);
  }

  @Benchmark
  public Object cachedQuery() {
    return Operation.QUERY.run(library, calls++);
  }
}
