package dev.ringcache.memcached;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ringcache.api.EntryTimes;
import dev.ringcache.api.Lookup;
import dev.ringcache.api.NodeUnavailableException;
import dev.ringcache.api.NodeUri;
import dev.ringcache.api.PutOutcome;
import dev.ringcache.api.ShardedCache;
import dev.ringcache.api.Unlock;
import dev.ringcache.api.UnlockOutcome;
import dev.ringcache.api.spi.CacheNode;
import dev.ringcache.api.spi.CacheNodeContract;
import dev.ringcache.api.spi.EntryRecord;
import dev.ringcache.api.spi.NodeEvents;
import dev.ringcache.api.testing.TestServer;
import dev.ringcache.api.testing.TestServers;
import java.net.URLDecoder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The memcached node against the node contract on a real memcached, and what is particular to it. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MemcachedNodeIT extends CacheNodeContract {
  private static TestServer server;

  @BeforeAll
  static void startServer() {
    server = TestServers.memcached().start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Override
  protected CacheNode openNode() {
    return open(NodeEvents.NONE);
  }

  private static CacheNode open(NodeEvents events) {
    return new MemcachedNodeProvider().open(NodeUri.parse(server.uri()), events);
  }

  private String text(byte[] key) {
    return new String(key, US_ASCII);
  }

  // ---- round trips

  @Test
  void aPlainGetIsOneRequest_aHitOne_andAStepThatWritesTwo() {
    byte[] k = key("round-trips");
    byte[] other = key("round-trips-other");
    node.put(k, bytes("warm"), 60_000); // the first use also measures the server's clock
    try (ServerAdmin admin = ServerAdmin.of(server)) {
      admin.resetStats();
      assertThat(node.get(k)).isEqualTo(bytes("warm"));
      assertRequests(admin, 1, 0, 0);

      admin.resetStats();
      assertThat(node.lock(other, "tx", LONG)).isFalse();
      assertRequests(admin, 1, 1, 0); // gets finds nothing: add

      admin.resetStats();
      assertThat(node.unlock(other, Unlock.committedValue("tx", bytes("new"), 2), LONG))
          .isEqualTo(UnlockOutcome.WROTE_VALUE);
      assertRequests(admin, 1, 1, 1); // gets, then cas over the lock

      admin.resetStats();
      assertThat(node.getOrLease(other, true, "n", LONG)).isEqualTo(Lookup.hit(bytes("new"), 2));
      assertRequests(admin, 1, 0, 0);

      admin.resetStats();
      assertThat(node.putFromLoad(other, bytes("old"), 1, null, false, LONG))
          .isEqualTo(PutOutcome.REJECTED_PRESENT);
      assertRequests(admin, 1, 0, 0); // a refusal writes nothing

      List<byte[]> keys = List.of(key("b1"), key("b2"), key("b3"), key("b4"));
      admin.resetStats();
      node.putAll(keys, keys, 60_000);
      assertRequests(admin, 0, 4, 0);
      admin.resetStats();
      assertThat(node.getAll(keys)).containsExactlyElementsOf(keys);
      assertRequests(admin, 4, 0, 0); // memcached counts each key of the one batch
    }
  }

  @Test
  void increment_isOneRequest_andTheCounterIsMemcachedsOwn() {
    byte[] k = key("counter");
    node.ping(); // the first use measures the server's clock
    try (ServerAdmin admin = ServerAdmin.of(server)) {
      admin.resetStats();
      assertThat(node.increment(k, 41, 60_000)).isEqualTo(41);
      assertThat(node.increment(k, 41, 60_000)).isEqualTo(42);
      // The first increment made the item itself (no miss, no get, no set), the second counted.
      assertThat(admin.stats()).as("counters since reset")
          .containsEntry("total_items", 1L).containsEntry("incr_hits", 1L)
          .containsEntry("incr_misses", 0L).containsEntry("cmd_get", 0L)
          .containsEntry("cmd_set", 0L).containsEntry("cmd_touch", 0L);
      assertThat(admin.send("incr " + text(k) + " 0")).as("a decimal memcached counts itself")
          .isEqualTo("42");
    }
  }

  private static void assertRequests(ServerAdmin admin, long gets, long sets, long casHits) {
    Map<String, Long> stats = admin.stats();
    assertThat(stats).as("counters since reset")
        .containsEntry("cmd_get", gets).containsEntry("cmd_set", sets)
        .containsEntry("cas_hits", casHits).containsEntry("cas_misses", 0L)
        .containsEntry("cas_badval", 0L).containsEntry("cmd_touch", 0L)
        .containsEntry("cmd_flush", 0L).containsEntry("delete_hits", 0L)
        .containsEntry("delete_misses", 0L);
  }

  // ---- contention

  @Test
  void lockersOfSeveralClientsRacingOnOneKey_loseNoLockId_andTheirRetriesAreReported()
      throws Exception {
    // One node per racer, as in several JVMs: they race by compare-and-set only.
    CountingEvents events = new CountingEvents();
    byte[] k = key("racing-lockers");
    int racers = 4;
    int locks = 25;
    List<CacheNode> clients = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(racers);
    try {
      for (int r = 0; r < racers; r++) {
        clients.add(open(events));
        clients.get(r).ping();
      }
      Set<String> locked = ConcurrentHashMap.newKeySet();
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> tasks = new ArrayList<>();
      for (int r = 0; r < racers; r++) {
        CacheNode client = clients.get(r);
        String racer = "r" + r + "-";
        tasks.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < locks; i++) {
            try {
              client.lock(k, racer + i, LONG);
              locked.add(racer + i);
            } catch (NodeUnavailableException e) {
              // lost the race sixteen times: it wrote nothing
              assertThat(e).hasMessageContaining("contention");
            }
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> task : tasks) {
        task.get(60, TimeUnit.SECONDS);
      }
      EntryRecord record = Objects.requireNonNull(node.inspect(k));
      assertThat(record.lockIds()).as("a lost update would drop ids")
          .containsExactlyInAnyOrderElementsOf(locked);
      assertThat(locked.size()).isGreaterThan(racers * locks * 9 / 10);
      assertThat(record.generation()).isEqualTo(locked.size());
      assertThat(events.count("retried:lock")).as("the racers did collide").isPositive();
    } finally {
      pool.shutdownNow();
      clients.forEach(CacheNode::close);
    }
  }

  @Test
  void aDropRacingAnotherClientsLock_neverRemovesTheLock() throws Exception {
    // Two clients, as two JVMs: their steps on a key are ordered by compare-and-set only. Each
    // round one drops the value both saw while the other locks the key; whichever goes first,
    // the lock must be there afterwards (a drop's delete carries the CAS it read).
    CountingEvents events = new CountingEvents();
    CacheNode dropper = open(events);
    CacheNode locker = open(events);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      dropper.ping();
      locker.ping();
      int dropped = 0;
      for (int round = 0; round < 300; round++) {
        byte[] k = key("drop-racing-lock-" + round);
        byte[] v = bytes("v" + round);
        String lockId = "w" + round;
        node.putFromLoad(k, v, round, null, false, LONG);
        CountDownLatch start = new CountDownLatch(1);
        Future<Boolean> drop = pool.submit(() -> {
          start.await();
          return dropper.dropValue(k, v);
        });
        Future<Boolean> lock = pool.submit(() -> {
          start.await();
          return locker.lock(k, lockId, LONG);
        });
        start.countDown();
        dropped += drop.get(30, TimeUnit.SECONDS) ? 1 : 0;
        lock.get(30, TimeUnit.SECONDS);
        EntryRecord after = Objects.requireNonNull(node.inspect(k), "round " + round);
        assertThat(after.state()).as("round %d", round).isEqualTo(EntryRecord.State.LOCKED);
        assertThat(after.lockIds()).as("round %d", round).containsExactly(lockId);
      }
      assertThat(dropped).as("some drops went first").isPositive();
    } finally {
      pool.shutdownNow();
      dropper.close();
      locker.close();
    }
  }

  @Test
  void threadsOfOneClient_takeTurnsOnAKey_insteadOfRacing() throws Exception {
    CountingEvents events = new CountingEvents();
    CacheNode shared = open(events);
    byte[] k = key("turns");
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<?>> tasks = new ArrayList<>();
      for (int t = 0; t < 6; t++) {
        int thread = t;
        tasks.add(pool.submit(() -> {
          for (int i = 0; i < 50; i++) {
            String id = "t" + thread + "-" + i;
            shared.lock(k, id, LONG);
            shared.unlock(k, Unlock.committedValue(id, bytes(id), 1), LONG);
          }
          return null;
        }));
      }
      for (Future<?> task : tasks) {
        task.get(60, TimeUnit.SECONDS);
      }
      assertThat(events.all()).as("no compare-and-set was lost").isEmpty();
    } finally {
      pool.shutdownNow();
      shared.close();
    }
  }

  // ---- items that are not ours

  @Test
  void foreignItems_readAsAbsent_areCounted_andAStepThatWritesReplacesThemByCas() {
    CountingEvents events = new CountingEvents();
    CacheNode counted = open(events);
    byte[] plain = key("foreign-plain");
    byte[] flagged = key("foreign-flagged");
    try (ServerAdmin admin = ServerAdmin.of(server)) {
      admin.set(text(plain), 0, "someone else's value");
      admin.set(text(flagged), ItemTranscoder.FLAGS, "our flags, not our bytes");
      assertThat(counted.get(plain)).isNull();
      assertThat(counted.getAll(List.of(plain, flagged))).containsExactly(null, null);
      assertThat(counted.inspect(plain)).isNull();
      assertThat(counted.getOrLease(flagged, false, "n", LONG)).isEqualTo(Lookup.miss());
      assertThat(events.all()).containsEntry("unreadable:get", 1)
          .containsEntry("unreadable:get-all", 2).containsEntry("unreadable:get-or-lease", 1);

      admin.resetStats();
      assertThat(counted.getOrLease(plain, true, "n", LONG)).isEqualTo(Lookup.leased("1:n"));
      assertRequests(admin, 1, 1, 1);
      assertThat(counted.lock(flagged, "w", LONG)).isFalse();
      assertThat(counted.inspect(plain).state()).isEqualTo(EntryRecord.State.LEASE);
      assertThat(counted.inspect(flagged).state()).isEqualTo(EntryRecord.State.LOCKED);
      assertThat(events.count("unreadable:lock")).isEqualTo(1);
      assertThat(events.count("retried:get-or-lease") + events.count("retried:lock")).isZero();
    } finally {
      counted.close();
    }
  }

  @Test
  void aRecordOfOursWrittenWithOtherFlags_isNotOurs() {
    CountingEvents events = new CountingEvents();
    CacheNode counted = open(events);
    byte[] k = key("other-flags");
    byte[] record = RecordFormat.encode(EntryRecord.ofValue(bytes("v"), 1,
        counted.clockMillis() + 60_000));
    try (ServerAdmin admin = ServerAdmin.of(server)) {
      admin.setBytes(server, text(k), ItemTranscoder.FLAGS, record);
      assertThat(counted.get(k)).as("our flags and bytes").isEqualTo(bytes("v"));
      admin.setBytes(server, text(k), 0, record);
      assertThat(counted.get(k)).as("another application's item").isNull();
      assertThat(events.count("unreadable:get")).isEqualTo(1);
    } finally {
      counted.close();
    }
  }

  @Test
  void aBatchWithTheSameKeyTwice_answersBoth() {
    byte[] k = key("twice");
    node.put(k, bytes("v"), 60_000);
    assertThat(node.getAll(List.of(k, key("absent"), k)))
        .containsExactly(bytes("v"), null, bytes("v"));
  }

  // ---- expiry at the server

  @Test
  void itemsLiveOneSecondLongerAtTheServer_thanTheirRecords() {
    byte[] value = key("exptime-value");
    byte[] lock = key("exptime-lock");
    try (ServerAdmin admin = ServerAdmin.of(server)) {
      // Memcached's clock ticks once a second; retry until no tick fell between write and read.
      for (int attempt = 0; ; attempt++) {
        long before = admin.stats().get("time");
        node.put(value, bytes("v"), 9_500);
        node.lock(lock, "w" + attempt, LONG); // a lock lives 2 min
        Long valueTtl = admin.ttlSeconds(text(value));
        Long lockTtl = admin.ttlSeconds(text(lock));
        if (admin.stats().get("time") == before) {
          assertThat(valueTtl).as("ceil(9.5 s) + 1 s").isEqualTo(11);
          assertThat(lockTtl).as("120 s + 1 s").isEqualTo(121);
          return;
        }
        assertThat(attempt).as("a quiet second to measure in").isLessThan(5);
      }
    }
  }

  @Test
  void aCounterLivesOneSecondLongerAtTheServer_thanAsked_asRecordsDo() {
    try (ServerAdmin admin = ServerAdmin.of(server)) {
      // Memcached's clock ticks once a second; retry until no tick fell between write and read.
      for (int attempt = 0; ; attempt++) {
        byte[] counter = key("exptime-counter-" + attempt);
        long before = admin.stats().get("time");
        node.increment(counter, 1, 9_500);
        node.increment(counter, 1, 60_000); // an increment leaves the lifetime as it was
        Long ttl = admin.ttlSeconds(text(counter));
        if (admin.stats().get("time") == before) {
          assertThat(ttl).as("ceil(9.5 s) + 1 s").isEqualTo(11);
          return;
        }
        assertThat(attempt).as("a quiet second to measure in").isLessThan(5);
      }
    }
  }

  @Test
  void aValuePastItsTime_isAMiss_whileMemcachedStillHoldsTheItem() {
    byte[] k = key("past-its-time");
    long expiresAt = node.clockMillis() + 300;
    try (ServerAdmin admin = ServerAdmin.of(server)) {
      // An item memcached never expires, holding a record that expires in 300 ms.
      admin.setBytes(server, text(k), ItemTranscoder.FLAGS,
          RecordFormat.encode(EntryRecord.ofValue(bytes("v"), 1, expiresAt)));
      assertThat(node.get(k)).as("not before its time").isEqualTo(bytes("v"));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (node.get(k) != null) { // by the lower bound of the server's time: a little later
        assertThat(System.nanoTime() - deadline).as("a miss within 5 s").isNegative();
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
      }
      assertThat(node.clockMillis()).as("past its time").isGreaterThan(expiresAt);
      assertThat(admin.ttlSeconds(text(k))).as("memcached still holds it").isEqualTo(-1L);
    }
    assertThat(node.getAll(List.of(k))).containsExactly((byte[]) null);
    assertThat(node.getOrLease(k, false, "n", LONG)).isEqualTo(Lookup.miss());
    assertThat(node.inspect(k)).isNull();
  }

  @Test
  void aRecordThatMayNotHaveExpiredAtTheServerYet_isStillLive() {
    CacheNode fresh = openNode(); // one measurement of the clock: its bounds are 1 s apart
    try {
      byte[] k = key("maybe-expired");
      fresh.ping();
      // Past its time by the upper bound of the server's time, but not by the lower one.
      long expiresAt = fresh.clockMillis() - 100;
      try (ServerAdmin admin = ServerAdmin.of(server)) {
        admin.setBytes(server, text(k), ItemTranscoder.FLAGS,
            RecordFormat.encode(EntryRecord.restore(EntryRecord.State.TOMBSTONE, null, 5,
                List.of(), false, Lookup.NO_VERSION, Lookup.NO_VERSION, false, 1, null,
                expiresAt)));
      }
      assertThat(fresh.putFromLoad(k, bytes("stale"), 4, null, false, LONG))
          .as("the tombstone still blocks a stale put").isEqualTo(PutOutcome.REJECTED_TOMBSTONE);
      assertThat(fresh.inspect(k)).isNotNull();
      assertThat(fresh.getOrLease(k, true, "n", LONG).kind()).as("a lease replaces it")
          .isEqualTo(Lookup.Kind.LEASED);
      assertThat(Objects.requireNonNull(fresh.inspect(k)).expiresAtMillis())
          .as("never shorter than the tombstone's own time").isGreaterThan(expiresAt);
    } finally {
      fresh.close();
    }
  }

  @Test
  void lifetimesOver30Days_areGivenToMemcachedAsAbsoluteTimes() {
    byte[] k = key("forty-days");
    byte[] year = key("a-year");
    long fortyDays = Duration.ofDays(40).toMillis();
    node.put(k, bytes("v"), fortyDays);
    node.put(year, bytes("y"), EntryTimes.MAX_TTL.toMillis());
    // Sent as relative seconds, memcached would read them as times in 1970: gone at once.
    assertThat(node.get(k)).isEqualTo(bytes("v"));
    assertThat(node.get(year)).isEqualTo(bytes("y"));
    try (ServerAdmin admin = ServerAdmin.of(server)) {
      assertThat(admin.ttlSeconds(text(k))).isBetween(fortyDays / 1000 - 2, fortyDays / 1000 + 3);
    }
  }

  @Test
  void aLockJoiningARecordThatExpiresPast2038_isWritten_toLiveAsLongAsMemcachedAllows() {
    byte[] k = key("past-2038");
    long year2500 = 16_725_225_600_000L;
    EntryRecord far = EntryRecord.restore(EntryRecord.State.LOCKED, null, Lookup.NO_VERSION,
        List.of("old"), false, Lookup.NO_VERSION, Lookup.NO_VERSION, false, 1, null, year2500);
    try (ServerAdmin admin = ServerAdmin.of(server)) {
      admin.setBytes(server, text(k), ItemTranscoder.FLAGS, RecordFormat.encode(far));
      assertThat(node.lock(k, "w", LONG)).as("another writer holds it").isTrue();
      EntryRecord joined = Objects.requireNonNull(node.inspect(k));
      assertThat(joined.lockIds()).containsExactly("old", "w");
      assertThat(joined.expiresAtMillis()).isEqualTo(year2500);
      long untilJanuary2038 = ItemExpiry.MAX_ABSOLUTE_SECONDS - admin.stats().get("time");
      assertThat(admin.ttlSeconds(text(k))).isBetween(untilJanuary2038 - 5, untilJanuary2038);
    }
  }

  @Test
  void theNodesClock_isTheServers() {
    node.ping();
    try (ServerAdmin admin = ServerAdmin.of(server)) {
      long serverMillis = admin.stats().get("time") * 1000;
      // The server's time is in whole seconds and lags its tick: within two seconds.
      assertThat(node.clockMillis()).isBetween(serverMillis - 2_000, serverMillis + 2_000);
    }
  }

  // ---- keys

  @Test
  void keysMemcachedCannotTake_roundTripThroughAShardedCache_underADigest() {
    node.clear();
    List<byte[]> keys = List.of(bytes("with a space"), bytes("control\u0001\r\nchars"),
        "ключ, non-ASCII".getBytes(UTF_8), new byte[] {0, (byte) 0xFF, 0x7F}, bytes("k".repeat(300)),
        bytes("p".repeat(250) + " "), bytes("plain:key"));
    EntryTimes times = LONG;
    try (ShardedCache cache = ShardedCache.builder().nodes(server.uri()).build();
        ServerAdmin admin = ServerAdmin.of(server)) {
      for (byte[] k : keys) {
        cache.put(k, k, Duration.ofMinutes(1));
        assertThat(cache.get(k)).as(Arrays.toString(k)).isEqualTo(k);
      }
      List<byte[]> stored = storedKeys(admin, keys.size());
      int digested = 0;
      for (byte[] s : stored) {
        assertThat(node.acceptsKey(s)).as(new String(s, UTF_8)).isTrue();
        digested += new String(s, US_ASCII).contains("#sha256:") ? 1 : 0;
      }
      assertThat(digested).isEqualTo(keys.size() - 1);

      List<byte[]> values = new ArrayList<>();
      for (byte[] k : keys) {
        values.add(bytes("batch-" + Arrays.hashCode(k)));
      }
      cache.putAll(keys, values, Duration.ofMinutes(1));
      assertThat(cache.getAll(keys)).containsExactlyElementsOf(values);

      for (byte[] k : keys) {
        cache.delete(k);
        Lookup lease = cache.getOrLease(k, true, times);
        assertThat(lease.kind()).isEqualTo(Lookup.Kind.LEASED);
        assertThat(cache.putFromLoad(k, bytes("loaded"), 1, lease.leaseToken(), false, times))
            .isEqualTo(PutOutcome.STORED);
        assertThat(cache.lock(k, "tx", times)).isFalse();
        assertThat(cache.unlock(k, Unlock.committedValue("tx", k, 2), times))
            .isEqualTo(UnlockOutcome.WROTE_VALUE);
        assertThat(cache.getOrLease(k, true, times)).isEqualTo(Lookup.hit(k, 2));
      }
    }
  }

  @Test
  void aDigestedKeysValue_isCheckedAgainstTheWholeKey() {
    node.clear();
    byte[] a = bytes("key a with spaces");
    byte[] b = bytes("key b with spaces");
    try (ShardedCache cache = ShardedCache.builder().nodes(server.uri()).build();
        ServerAdmin admin = ServerAdmin.of(server)) {
      cache.put(a, bytes("value of a"), Duration.ofMinutes(1));
      byte[] digestOfA = storedKeys(admin, 1).get(0);
      cache.delete(a);
      cache.put(b, bytes("value of b"), Duration.ofMinutes(1));
      byte[] digestOfB = storedKeys(admin, 1).get(0);
      // Another key's framed value under a's digest, as a digest collision would put it there.
      node.put(digestOfA, Objects.requireNonNull(node.get(digestOfB)), 60_000);
      assertThat(cache.get(a)).isNull();
      assertThat(cache.get(b)).isEqualTo(bytes("value of b"));
    }
  }

  /**
   * The keys the server holds, once it lists {@code count}: one crawl of memcached's LRUs can miss
   * an item that moves between them meanwhile, the next finds it.
   */
  private static List<byte[]> storedKeys(ServerAdmin admin, int count) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (true) {
      List<String> listed = admin.keys();
      if (listed.size() >= count || System.nanoTime() > deadline) {
        assertThat(listed).as("keys the server lists").hasSize(count);
        List<byte[]> keys = new ArrayList<>();
        for (String encoded : listed) {
          keys.add(URLDecoder.decode(encoded, UTF_8).getBytes(UTF_8));
        }
        return keys;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }

  @Test
  void keysOutsidePrintableAscii_areNotAccepted_andNotSentAsTheyAre() {
    assertThat(node.acceptsKey(bytes("printable:~!"))).isTrue();
    assertThat(node.acceptsKey(new byte[0])).isFalse();
    assertThat(node.acceptsKey(bytes("a b"))).isFalse();
    assertThat(node.acceptsKey(bytes("tab\t"))).isFalse();
    assertThat(node.acceptsKey(new byte[] {'a', 0x7F})).isFalse();
    assertThat(node.acceptsKey("é".getBytes(UTF_8))).isFalse();
    assertThatThrownBy(() -> node.get(bytes("a b"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("printable ASCII");
  }

  // ---- closing

  @Test
  void aClosedNode_failsWithNodeUnavailable_andEndsItsIoThread() throws InterruptedException {
    Set<Thread> before = MemcachedNodeProviderTest.ioThreads();
    CacheNode closing = openNode();
    closing.put(key("closing"), bytes("v"), 60_000);
    Set<Thread> mine = MemcachedNodeProviderTest.ioThreads();
    mine.removeAll(before);
    assertThat(mine).as("one IO thread per node").hasSize(1);
    assertThat(mine.iterator().next().isDaemon()).isTrue();
    closing.close();
    closing.close();
    assertThatThrownBy(() -> closing.get(key("closing")))
        .isInstanceOf(NodeUnavailableException.class).hasMessageContaining("closed");
    assertThatThrownBy(() -> closing.lock(key("closing"), "w", LONG))
        .isInstanceOf(NodeUnavailableException.class).hasMessageContaining("closed");
    assertThatThrownBy(closing::ping).isInstanceOf(NodeUnavailableException.class);
    Thread io = mine.iterator().next();
    io.join(5_000);
    assertThat(io.isAlive()).as("the IO thread ends with its node").isFalse();
  }
}
