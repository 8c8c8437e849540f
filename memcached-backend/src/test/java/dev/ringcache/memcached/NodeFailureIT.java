package dev.ringcache.memcached;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ringcache.api.CacheOperation;
import dev.ringcache.api.CacheStatistics;
import dev.ringcache.api.EntryTimes;
import dev.ringcache.api.Lookup;
import dev.ringcache.api.NodeState;
import dev.ringcache.api.ShardedCache;
import dev.ringcache.api.Unlock;
import dev.ringcache.api.testing.TestServer;
import dev.ringcache.api.testing.TestServerGroup;
import dev.ringcache.api.testing.TestServers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Nodes that crash and hang under a concurrent workload (DESIGN.md §5), on a ring of two {@code
 * redis-server} and two {@code memcached} processes: writers lock, commit to a simulated database
 * and unlock with their value; readers read through the entry protocol and check every hit
 * against the newest version whose commit had returned before the read began. While it runs,
 * servers are killed and restarted, and frozen with SIGSTOP for longer than the timeout.
 *
 * <p>No exception may reach the caller; no read may return a value older than a commit that
 * returned before it began — in particular none that missed an invalidation while its node was
 * frozen; and once a node's breaker is open, operations on it cost no network wait. Bounded: about
 * 20 s, loopback only.
 */
class NodeFailureIT {
  private static final int KEYS = 48;
  private static final Duration TIMEOUT = Duration.ofMillis(100);
  private static final EntryTimes TIMES = EntryTimes.of(Duration.ofSeconds(5),
      Duration.ofMinutes(1));
  /** Longer than any operation that did not wait for a dead or frozen node. */
  private static final long SLOW_NANOS = TimeUnit.MILLISECONDS.toNanos(60);

  private static TestServerGroup redis;
  private static TestServerGroup memcached;

  @BeforeAll
  static void startServers() {
    redis = TestServers.redis().start(2);
    memcached = TestServers.memcached().start(2);
  }

  @AfterAll
  static void stopServers() {
    if (redis != null) {
      redis.close();
    }
    if (memcached != null) {
      memcached.close();
    }
  }

  @Test
  void crashesAndHangs_neverReachTheCaller_norServeAValueThatMissedAnInvalidation()
      throws Exception {
    List<String> uris = new ArrayList<>();
    for (TestServer s : redis) {
      uris.add(s.uri() + "?timeout=" + TIMEOUT.toMillis() + "ms");
    }
    for (TestServer s : memcached) {
      uris.add(s.uri() + "?timeout=" + TIMEOUT.toMillis() + "ms");
    }
    CacheStatistics statistics = new CacheStatistics();
    try (ShardedCache cache = ShardedCache.builder().nodes(uris).metrics(statistics)
        .probeInterval(Duration.ofMillis(50)).quarantine(Duration.ofMillis(500)).build()) {
      Workload workload = new Workload(cache);
      ExecutorService threads = Executors.newFixedThreadPool(4);
      List<Future<?>> running = new ArrayList<>();
      try {
        for (int w = 0; w < 2; w++) {
          int writer = w;
          running.add(threads.submit(() -> workload.write(writer)));
          running.add(threads.submit(workload::read));
        }
        pauseFor(1500); // warm: values cached on every node

        fault(workload, cache, memcached.get(0), true);
        fault(workload, cache, redis.get(0), false);
        fault(workload, cache, redis.get(1), true);
        fault(workload, cache, memcached.get(1), false);
      } finally {
        workload.stop.set(true);
        for (Future<?> f : running) {
          f.get(30, TimeUnit.SECONDS);
        }
        threads.shutdownNow();
      }

      assertThat(workload.exceptions).as("exceptions that reached the caller").isEmpty();
      assertThat(workload.staleReads).as("reads older than a commit that had returned").isEmpty();
      assertThat(workload.hits.get()).as("the cache served hits").isGreaterThan(500);
      assertThat(workload.commits.get()).as("writers committed").isGreaterThan(200);
      for (String id : cache.nodeIds()) {
        await(() -> cache.nodeState(id) == NodeState.UP || cache.nodeState(id) == NodeState.NO_PUTS,
            id + " is back");
      }
      // After everything: every key reads as its newest committed version, or misses.
      for (int k = 0; k < KEYS; k++) {
        Lookup last = cache.getOrLease(key(k), false, TIMES);
        if (last.isHit()) {
          assertThat(version(last.value())).as("key " + k)
              .isGreaterThanOrEqualTo(workload.committed.get(k));
        }
      }
      for (Map.Entry<String, FaultReport> e : workload.faults.entrySet()) {
        FaultReport r = e.getValue();
        System.out.printf("%s: %d ops on the node while it was out, %d not sent, %d waited >60ms,"
            + " quarantines %d%n", e.getKey(), r.ops.get(), r.notSent(statistics, e.getKey()),
            r.slow.get(), statistics.node(e.getKey()).quarantines());
        assertThat(r.ops.get()).as(e.getKey() + ": the workload used the node while it was out")
            .isGreaterThan(20);
        // Only the calls already on their way when the node stopped answering, and those that
        // tripped the breaker, wait for the timeout; after that no call waits.
        assertThat(r.slow.get()).as(e.getKey() + ": calls that waited on the broken node")
            .isLessThanOrEqualTo(24);
        assertThat(r.notSent(statistics, e.getKey())).as(e.getKey() + ": calls not sent")
            .isGreaterThan(0);
      }
    }
  }

  @Test
  void aHungNode_underReadsOnly_costsNoWaitOnceItsBreakerIsOpen_andServesAgainUncleared()
      throws Exception {
    TestServer server = memcached.get(0);
    String uri = server.uri() + "?timeout=" + TIMEOUT.toMillis() + "ms";
    CacheStatistics statistics = new CacheStatistics();
    try (ShardedCache cache = ShardedCache.builder().nodes(uri).metrics(statistics)
        .probeInterval(Duration.ofMillis(50)).build()) {
      for (int k = 0; k < KEYS; k++) {
        cache.put(key(k), value(k), Duration.ofMinutes(1));
      }
      String id = cache.nodeIds().get(0);
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger slow = new AtomicInteger();
      AtomicInteger reads = new AtomicInteger();
      Queue<String> exceptions = new ConcurrentLinkedQueue<>();
      ExecutorService readers = Executors.newFixedThreadPool(2);
      server.pause();
      try {
        for (int t = 0; t < 2; t++) {
          readers.submit(() -> {
            while (!stop.get()) {
              long started = System.nanoTime();
              try {
                cache.get(key(ThreadLocalRandom.current().nextInt(KEYS)));
              } catch (RuntimeException e) {
                exceptions.add(e.toString());
              }
              reads.incrementAndGet();
              if (System.nanoTime() - started > SLOW_NANOS) {
                slow.incrementAndGet();
              }
            }
          });
        }
        pauseFor(1500);
      } finally {
        stop.set(true);
        readers.shutdown();
        assertThat(readers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        server.resume();
      }
      assertThat(exceptions).isEmpty();
      assertThat(reads.get()).isGreaterThan(1000);
      // The reads on their way when it froze, and those that tripped the breaker, waited; no more.
      assertThat(slow.get()).as("reads that waited on the frozen node").isLessThanOrEqualTo(8);
      assertThat(statistics.node(id).operation(CacheOperation.GET).notAttempted())
          .isGreaterThan(1000);
      await(() -> cache.nodeState(id) == NodeState.UP, id + " is up");
      assertThat(statistics.node(id).quarantines()).as("no invalidation was missed").isZero();
      assertThat(cache.get(key(7))).as("a node that missed nothing keeps its values")
          .isEqualTo(value(7));
    }
  }

  @Test
  void theCacheStarts_whenEveryServerIsDown_andUsesThemOnceTheyStart() throws Exception {
    try (TestServer r = TestServers.redis().start(); TestServer m = TestServers.memcached().start()) {
      r.kill();
      m.kill();
      long start = System.nanoTime();
      try (ShardedCache cache = ShardedCache.builder()
          .nodes(r.uri() + "?timeout=100ms", m.uri() + "?timeout=100ms")
          .probeInterval(Duration.ofMillis(50)).build()) {
        assertThat(System.nanoTime() - start).as("starting does not wait for the servers")
            .isLessThan(TimeUnit.SECONDS.toNanos(3));
        for (String id : cache.nodeIds()) {
          assertThat(cache.nodeState(id)).isEqualTo(NodeState.DOWN);
        }
        for (int k = 0; k < 20; k++) {
          assertThat(cache.get(key(k))).isNull();
          cache.put(key(k), value(k), Duration.ofMinutes(1));
          assertThat(cache.getOrLease(key(k), true, TIMES)).isEqualTo(Lookup.miss());
        }
        r.restart();
        m.restart();
        for (String id : cache.nodeIds()) {
          await(() -> cache.nodeState(id) == NodeState.UP, id + " is up");
        }
        for (int k = 0; k < 20; k++) {
          cache.put(key(k), value(k), Duration.ofMinutes(1));
          assertThat(cache.get(key(k))).isEqualTo(value(k));
        }
      }
    }
  }

  /** Breaks one server (hang or crash) for a while, then brings it back and lets it recover. */
  private static void fault(Workload workload, ShardedCache cache, TestServer server, boolean hang)
      throws InterruptedException {
    String id = idOf(cache, server);
    FaultReport report = new FaultReport();
    workload.faults.put(id, report);
    if (hang) {
      server.pause();
    } else {
      server.kill();
    }
    workload.broken.set(id);
    workload.report.set(report);
    pauseFor(hang ? 1500 : 1000);
    workload.broken.set(null);
    if (hang) {
      server.resume();
    } else {
      server.restart();
    }
    pauseFor(1500); // the probe brings it back; the workload reads what it holds
  }

  private static String idOf(ShardedCache cache, TestServer server) {
    String hostPort = server.host() + ":" + server.port();
    for (String id : cache.nodeIds()) {
      if (id.equals(hostPort)) {
        return id;
      }
    }
    throw new AssertionError("no node " + hostPort + " in " + cache.nodeIds());
  }

  /** Readers and writers over {@link #KEYS} keys and a simulated database of versions. */
  private static final class Workload {
    final ShardedCache cache;
    final AtomicBoolean stop = new AtomicBoolean();
    /** The database: each key's committed version. */
    final AtomicLongArray database = new AtomicLongArray(KEYS);
    /** Per key, the newest version whose commit (with its after-completion unlock) returned. */
    final AtomicLongArray committed = new AtomicLongArray(KEYS);
    final ReentrantLock[] rows = new ReentrantLock[KEYS];
    final Queue<String> exceptions = new ConcurrentLinkedQueue<>();
    final Queue<String> staleReads = new ConcurrentLinkedQueue<>();
    final AtomicLong hits = new AtomicLong();
    final AtomicLong commits = new AtomicLong();
    final AtomicReference<String> broken = new AtomicReference<>();
    final AtomicReference<FaultReport> report = new AtomicReference<>();
    final Map<String, FaultReport> faults = new ConcurrentHashMap<>();

    Workload(ShardedCache cache) {
      this.cache = cache;
      for (int k = 0; k < KEYS; k++) {
        rows[k] = new ReentrantLock();
      }
    }

    void write(int writer) {
      int n = 0;
      while (!stop.get()) {
        int k = ThreadLocalRandom.current().nextInt(KEYS);
        String lockId = "w" + writer + "-" + (n++);
        try {
          long started = System.nanoTime();
          cache.lock(key(k), lockId, TIMES);
          boolean rollback = ThreadLocalRandom.current().nextInt(10) == 0;
          long version = 0;
          if (!rollback) {
            rows[k].lock(); // the row lock of the database, held until its commit
            try {
              version = database.incrementAndGet(k);
            } finally {
              rows[k].unlock();
            }
          }
          cache.unlock(key(k), rollback ? Unlock.rolledBack(lockId)
              : Unlock.committedValue(lockId, value(version), version), TIMES);
          observe(k, started);
          if (!rollback) {
            long v = version;
            committed.accumulateAndGet(k, v, Math::max); // commit() has returned
            commits.incrementAndGet();
          }
          sleepMicros(500);
        } catch (RuntimeException e) {
          exceptions.add("write: " + e);
        }
      }
    }

    void read() {
      while (!stop.get()) {
        int k = ThreadLocalRandom.current().nextInt(KEYS);
        try {
          long floor = committed.get(k);
          long started = System.nanoTime();
          Lookup found = cache.getOrLease(key(k), true, TIMES);
          observe(k, started);
          if (found.isHit()) {
            hits.incrementAndGet();
            long v = version(found.value());
            if (v < floor) {
              staleReads.add("key " + k + " read version " + v + " after version " + floor
                  + " was committed, from node " + cache.nodeIdFor(key(k)) + " ("
                  + cache.nodeState(cache.nodeIdFor(key(k))) + ")");
            }
          } else if (found.kind() == Lookup.Kind.LEASED) {
            long v = database.get(k); // a committed read of the database
            cache.putFromLoad(key(k), value(v), v, found.leaseToken(), false, TIMES);
          }
        } catch (RuntimeException e) {
          exceptions.add("read: " + e);
        }
      }
    }

    /** Counts the calls on a broken node while it is broken, and those that waited on it. */
    private void observe(int k, long started) {
      String out = broken.get();
      if (out != null && out.equals(cache.nodeIdFor(key(k)))) {
        FaultReport r = report.get();
        r.ops.incrementAndGet();
        if (System.nanoTime() - started > SLOW_NANOS) {
          r.slow.incrementAndGet();
        }
      }
    }
  }

  /** What happened on one broken node while it was broken. */
  private static final class FaultReport {
    final AtomicInteger ops = new AtomicInteger();
    final AtomicInteger slow = new AtomicInteger();

    long notSent(CacheStatistics statistics, String id) {
      long n = 0;
      for (CacheOperation op : CacheOperation.values()) {
        n += statistics.node(id).operation(op).notAttempted();
      }
      return n;
    }
  }

  private static byte[] key(int k) {
    return ("failure-it:k" + k).getBytes(UTF_8);
  }

  private static byte[] value(long version) {
    return ("v" + version).getBytes(UTF_8);
  }

  private static long version(byte[] value) {
    return Long.parseLong(new String(value, UTF_8).substring(1));
  }

  private static void sleepMicros(long micros) {
    try {
      TimeUnit.MICROSECONDS.sleep(micros); // pacing the workload, not waiting for a condition
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void pauseFor(long millis) throws InterruptedException {
    Thread.sleep(millis); // the length of a fault scenario, not a wait for a condition
  }

  private static void await(java.util.function.BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + ": not within 15 s");
      }
      Thread.sleep(20); // polling a condition with a deadline
    }
  }
}
