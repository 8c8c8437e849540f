package dev.ringcache.api;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ringcache.api.FaultyNodeProvider.Fault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Failure handling of the router (DESIGN.md §5) over in-process nodes made to fail: reads miss,
 * puts are skipped, undelivered invalidations quarantine, breakers stop network attempts, probes
 * bring nodes back, and a quarantined node is cleared before it serves.
 */
class ShardedCacheFailureTest {
  private static final Duration TTL = Duration.ofMinutes(5);
  private static final EntryTimes TIMES = EntryTimes.of(Duration.ofMinutes(1), TTL);
  private static final Duration QUARANTINE = Duration.ofSeconds(2);
  private static int run;

  private final String tag = "fail" + (++run) + "-";
  private final List<ShardedCache> caches = new ArrayList<>();
  private final RecordingMetrics metrics = new RecordingMetrics();

  @AfterEach
  void closeCaches() {
    caches.forEach(ShardedCache::close);
  }

  private String name(String node) {
    return tag + node;
  }

  private ShardedCache cache(String... nodes) {
    List<String> uris = new ArrayList<>();
    for (String node : nodes) {
      uris.add("faulty://" + name(node));
    }
    ShardedCache cache = ShardedCache.builder().nodes(uris).metrics(metrics)
        .probeInterval(Duration.ofMillis(20)).quarantine(QUARANTINE).build();
    caches.add(cache);
    return cache;
  }

  @Test
  void metrics_nameTheRegionOfEachKey_severalForAMixedBatch_andNoneForOtherKeys() {
    CacheStatistics statistics = new CacheStatistics();
    ShardedCache cache = ShardedCache.builder().nodes(List.of("faulty://" + name("a")))
        .metrics(statistics).build();
    caches.add(cache);
    byte[] order = CacheKey.of("shop", "com.example.Order", null, "Order", 1L).bytes();
    byte[] customer = CacheKey.of("shop", "cust omers", null, "Customer", 1L).bytes();
    cache.get(order);
    cache.get(order);
    cache.get(customer);
    cache.get(bytes("plain-key"));
    cache.getAll(List.of(order, customer));
    cache.getAll(List.of(order, order));

    assertThat(statistics.regionNames())
        .containsExactlyInAnyOrder("com.example.Order", "cust%20omers", "-", "*");
    assertThat(statistics.region("com.example.Order").get(CacheOperation.GET).count())
        .isEqualTo(2);
    assertThat(statistics.region("com.example.Order").get(CacheOperation.GET_ALL).count())
        .isEqualTo(1);
    assertThat(statistics.region("cust%20omers").get(CacheOperation.GET).count()).isEqualTo(1);
    assertThat(statistics.region(CacheMetrics.NO_REGION).get(CacheOperation.GET).count())
        .isEqualTo(1);
    assertThat(statistics.region(CacheMetrics.SEVERAL_REGIONS).get(CacheOperation.GET_ALL)
        .count()).isEqualTo(1);

    FaultyNodeProvider.set(name("a"), Fault.UNAVAILABLE);
    for (int i = 0; i < 5; i++) {
      cache.get(order);
    }
    assertThat(statistics.region("com.example.Order").get(CacheOperation.GET).notAttempted())
        .as("once the breaker opened").isPositive();
  }

  @Test
  void usage_countsEachNodesKeys_andANodeThatFailsIsUnknown_withoutTrippingItsBreaker() {
    ShardedCache cache = cache("a", "b");
    for (int i = 0; i < 40; i++) {
      cache.put(bytes("app:r:k" + i), bytes("v"), TTL);
      cache.put(bytes("other:r:k" + i), bytes("v"), TTL);
    }
    List<NodeUsage> usage = cache.usage(bytes("app:"));
    assertThat(usage).map(NodeUsage::nodeId).containsExactlyElementsOf(cache.nodeIds());
    assertThat(usage).allMatch(NodeUsage::known);
    assertThat(usage.stream().mapToLong(NodeUsage::entries).sum()).isEqualTo(40);
    assertThat(usage).allMatch(u -> u.entries() > 0, "both nodes own some of 40 keys");

    FaultyNodeProvider.set(name("a"), Fault.UNAVAILABLE);
    List<NodeUsage> partial = cache.usage(bytes("app:"));
    assertThat(partial.get(cache.nodeIds().indexOf(name("a")))).isEqualTo(
        NodeUsage.unknown(name("a")));
    assertThat(partial.get(cache.nodeIds().indexOf(name("b"))).known()).isTrue();
    assertThat(cache.nodeState(name("a"))).as("statistics do not judge a node")
        .isEqualTo(NodeState.UP);
  }

  @Test
  void aNodeThatFails_givesMissesAndSkipsPuts_neverAnException() {
    ShardedCache cache = cache("a");
    byte[] k = bytes("k");
    cache.put(k, bytes("v"), TTL);
    FaultyNodeProvider.set(name("a"), Fault.UNAVAILABLE);
    assertThat(cache.get(k)).isNull();
    assertThat(cache.getAll(List.of(k, bytes("k2")))).containsExactly(null, null);
    cache.put(k, bytes("v2"), TTL);
    cache.putAll(List.of(k), List.of(bytes("v3")), TTL);
    assertThat(cache.getOrLease(k, true, TIMES)).isEqualTo(Lookup.miss());
    assertThat(cache.putFromLoad(k, bytes("v"), 1, null, false, TIMES))
        .isEqualTo(PutOutcome.SKIPPED);
    assertThat(cache.afterInsert(k, bytes("v"), 1, TIMES)).isEqualTo(InsertOutcome.SKIPPED);
    assertThat(cache.nodeState(name("a"))).isEqualTo(NodeState.DOWN);
  }

  @Test
  void increment_onANodeThatFails_isEmpty_andOpensTheBreaker_butNeverQuarantines() {
    ShardedCache cache = cache("a");
    byte[] k = bytes("stamp");
    assertThat(cache.increment(k, 1, TTL)).hasValue(1);
    FaultyNodeProvider.set(name("a"), Fault.UNAVAILABLE);
    for (int i = 0; i < ShardedCache.DEFAULT_FAILURE_THRESHOLD - 1; i++) {
      assertThat(cache.increment(k, 1, TTL)).isEmpty();
    }
    assertThat(cache.nodeState(name("a"))).as("below the threshold").isEqualTo(NodeState.UP);
    assertThat(cache.increment(k, 1, TTL)).isEmpty();
    assertThat(cache.nodeState(name("a"))).as("down, as after failed reads")
        .isEqualTo(NodeState.DOWN);
    int reached = FaultyNodeProvider.calls(name("a"));
    assertThat(cache.increment(k, 1, TTL)).isEmpty();
    assertThat(FaultyNodeProvider.calls(name("a"))).as("no call while open").isEqualTo(reached);
    assertThat(cache.nodeState(name("a"))).isEqualTo(NodeState.DOWN);
    FaultyNodeProvider.set(name("a"), Fault.NONE);
    await(() -> cache.nodeState(name("a")) == NodeState.UP);
    assertThat(cache.increment(k, 1, TTL)).as("not cleared: the counter goes on").hasValue(2);
  }

  @Test
  void dropValue_onANodeThatFails_isFalse_andOpensTheBreaker_butNeverQuarantines() {
    ShardedCache cache = cache("a");
    byte[] k = bytes("k");
    cache.putFromLoad(k, bytes("old"), 1, null, false, TIMES);
    FaultyNodeProvider.set(name("a"), Fault.UNAVAILABLE);
    for (int i = 0; i < ShardedCache.DEFAULT_FAILURE_THRESHOLD; i++) {
      assertThat(cache.dropValue(k, bytes("old"))).isFalse();
    }
    assertThat(cache.nodeState(name("a"))).as("down, as after failed reads, not quarantined")
        .isEqualTo(NodeState.DOWN);
    FaultyNodeProvider.set(name("a"), Fault.NONE);
    await(() -> cache.nodeState(name("a")) == NodeState.UP);
    assertThat(cache.get(k)).as("not cleared: a drop is not an invalidation")
        .isEqualTo(bytes("old"));
    assertThat(cache.dropValue(k, bytes("old"))).isTrue();
  }

  @Test
  void dropValue_isServed_byANodeThatTakesNoPuts() {
    ShardedCache cache = cache("a");
    FaultyNodeProvider.set(name("a"), Fault.UNAVAILABLE);
    cache.evict(bytes("k"), TIMES);
    FaultyNodeProvider.set(name("a"), Fault.NONE);
    await(() -> cache.nodeState(name("a")) == NodeState.NO_PUTS);
    byte[] k = bytes("k2");
    assertThat(cache.lock(k, "w", TIMES)).isFalse();
    assertThat(cache.unlock(k, Unlock.committedValue("w", bytes("v"), 1), TIMES))
        .isEqualTo(UnlockOutcome.WROTE_VALUE);
    assertThat(cache.dropValue(k, bytes("v"))).isTrue();
    assertThat(cache.get(k)).isNull();
  }

  @Test
  void increment_isServed_byANodeThatTakesNoPuts() {
    ShardedCache cache = cache("a");
    FaultyNodeProvider.set(name("a"), Fault.UNAVAILABLE);
    cache.evict(bytes("k"), TIMES);
    FaultyNodeProvider.set(name("a"), Fault.NONE);
    await(() -> cache.nodeState(name("a")) == NodeState.NO_PUTS);
    assertThat(cache.increment(bytes("stamp"), 5, TTL)).hasValue(5);
    assertThat(cache.increment(bytes("stamp"), 5, TTL)).hasValue(6);
  }

  @Test
  void theBreaker_opensAfterTheThreshold_andThenNoCallReachesTheNode() {
    ShardedCache cache = cache("a");
    FaultyNodeProvider.set(name("a"), Fault.UNAVAILABLE);
    for (int i = 0; i < ShardedCache.DEFAULT_FAILURE_THRESHOLD - 1; i++) {
      cache.get(bytes("k"));
    }
    assertThat(cache.nodeState(name("a"))).as("below the threshold").isEqualTo(NodeState.UP);
    cache.get(bytes("k"));
    assertThat(cache.nodeState(name("a"))).isEqualTo(NodeState.DOWN);
    int reached = FaultyNodeProvider.calls(name("a"));
    for (int i = 0; i < 1000; i++) {
      assertThat(cache.get(bytes("k" + i))).isNull();
      cache.put(bytes("k" + i), bytes("v"), TTL);
    }
    assertThat(FaultyNodeProvider.calls(name("a"))).as("no call while open").isEqualTo(reached);
    assertThat(metrics.notAttempted.get()).isEqualTo(2000);
  }

  @Test
  void aTimeout_opensTheBreakerAtOnce() {
    ShardedCache cache = cache("a");
    FaultyNodeProvider.set(name("a"), Fault.TIMEOUT);
    cache.get(bytes("k"));
    assertThat(cache.nodeState(name("a"))).isEqualTo(NodeState.DOWN);
  }

  @Test
  void aNodeThatWasOnlyDown_servesItsEntriesAgain_whenItAnswers() {
    ShardedCache cache = cache("a");
    cache.put(bytes("k"), bytes("v"), TTL);
    FaultyNodeProvider.set(name("a"), Fault.TIMEOUT);
    assertThat(cache.get(bytes("k"))).isNull();
    FaultyNodeProvider.set(name("a"), Fault.NONE);
    await(() -> cache.nodeState(name("a")) == NodeState.UP);
    assertThat(cache.get(bytes("k"))).as("no invalidation was missed").isEqualTo(bytes("v"));
  }

  @Test
  void anUndeliveredInvalidation_quarantines_andTheNodeIsClearedBeforeItServes() {
    // The node stops answering (as under SIGSTOP) while holding v1; a writer's lock and unlock
    // cannot reach it. When it answers again it still holds v1 — which must never be served.
    ShardedCache cache = cache("a");
    byte[] k = bytes("k");
    cache.put(k, bytes("v1"), TTL);
    FaultyNodeProvider.set(name("a"), Fault.UNAVAILABLE);
    assertThat(cache.lock(k, "w1", TIMES)).isFalse();
    assertThat(cache.nodeState(name("a"))).isEqualTo(NodeState.QUARANTINED);
    assertThat(cache.unlock(k, Unlock.committedValue("w1", bytes("v2"), 2), TIMES))
        .isEqualTo(UnlockOutcome.NOT_DELIVERED);
    FaultyNodeProvider.set(name("a"), Fault.NONE);
    await(() -> cache.nodeState(name("a")) == NodeState.NO_PUTS);
    assertThat(cache.get(k)).as("the value that missed its invalidation is gone").isNull();
    assertThat(cache.getOrLease(k, false, TIMES)).isEqualTo(Lookup.miss());
    assertThat(metrics.states).containsSubsequence(NodeState.QUARANTINED, NodeState.NO_PUTS);
  }

  @Test
  void eachKindOfInvalidation_quarantinesWhenUndelivered() {
    for (String kind : List.of("lock", "unlock", "evict", "delete")) {
      ShardedCache cache = cache(kind);
      FaultyNodeProvider.set(name(kind), Fault.UNAVAILABLE);
      byte[] k = bytes("k");
      switch (kind) {
        case "lock":
          cache.lock(k, "w", TIMES);
          break;
        case "unlock":
          assertThat(cache.unlock(k, Unlock.rolledBack("w"), TIMES))
              .isEqualTo(UnlockOutcome.NOT_DELIVERED);
          break;
        case "evict":
          assertThat(cache.evict(k, TIMES)).isEqualTo(EvictOutcome.NOT_DELIVERED);
          break;
        default:
          assertThat(cache.delete(k)).isFalse();
          break;
      }
      assertThat(cache.nodeState(name(kind))).as(kind).isEqualTo(NodeState.QUARANTINED);
    }
  }

  @Test
  void lockAllAndUnlockAll_onAFailingNode_giveItsKeysFalseAndNotDelivered_andQuarantineIt() {
    ShardedCache cache = cache("a", "b", "c");
    List<byte[]> keys = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      keys.add(bytes("key" + i));
      cache.lock(keys.get(i), "other", TIMES); // so that every delivered lock answers true
    }
    FaultyNodeProvider.set(name("b"), Fault.UNAVAILABLE);
    List<Boolean> locked = cache.lockAll(keys, "w", TIMES);
    assertThat(cache.nodeState(name("b"))).isEqualTo(NodeState.QUARANTINED);
    List<Unlock> unlocks = new ArrayList<>();
    keys.forEach(k -> unlocks.add(Unlock.rolledBack("w")));
    List<UnlockOutcome> unlocked = cache.unlockAll(keys, unlocks, TIMES);
    for (int i = 0; i < keys.size(); i++) {
      boolean onB = cache.nodeIdFor(keys.get(i)).equals(name("b"));
      assertThat(locked.get(i)).as("key%d", i).isEqualTo(!onB);
      assertThat(unlocked.get(i)).as("key%d", i)
          .isEqualTo(onB ? UnlockOutcome.NOT_DELIVERED : UnlockOutcome.STILL_LOCKED);
    }
    assertThat(locked).contains(false).contains(true);
    assertThat(cache.nodeState(name("a"))).isEqualTo(NodeState.UP);
    assertThat(cache.nodeState(name("c"))).isEqualTo(NodeState.UP);
  }

  @Test
  void lockAllAndUnlockAll_onANodeWhoseBreakerIsOpen_sendNothing_andQuarantineIt() {
    for (String kind : List.of("lockAll", "unlockAll")) {
      ShardedCache cache = cache(kind);
      FaultyNodeProvider.set(name(kind), Fault.TIMEOUT);
      cache.get(bytes("k"));
      assertThat(cache.nodeState(name(kind))).isEqualTo(NodeState.DOWN);
      int reached = FaultyNodeProvider.calls(name(kind));
      List<byte[]> keys = List.of(bytes("k1"), bytes("k2"));
      if (kind.equals("lockAll")) {
        assertThat(cache.lockAll(keys, "w", TIMES)).containsExactly(false, false);
      } else {
        assertThat(cache.unlockAll(keys, List.of(Unlock.rolledBack("w"), Unlock.rolledBack("w")),
            TIMES)).containsOnly(UnlockOutcome.NOT_DELIVERED).hasSize(2);
      }
      assertThat(FaultyNodeProvider.calls(name(kind))).as(kind).isEqualTo(reached);
      assertThat(cache.nodeState(name(kind))).as(kind).isEqualTo(NodeState.QUARANTINED);
    }
  }

  @Test
  void anInterruptedCallerOfLockAll_waitsForEveryNodesBatch_andKeepsItsInterrupt()
      throws Exception {
    ShardedCache cache = cache("a", "b");
    List<byte[]> keys = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      keys.add(bytes("key" + i));
      cache.lock(keys.get(i), "other", TIMES); // so that every delivered lock answers true
    }
    for (String node : List.of("a", "b")) {
      FaultyNodeProvider.BATCH_GATES.put(name(node), new CountDownLatch(1));
    }
    AtomicReference<List<Boolean>> locked = new AtomicReference<>();
    AtomicBoolean interruptKept = new AtomicBoolean();
    Thread caller = new Thread(() -> {
      locked.set(cache.lockAll(keys, "w", TIMES));
      interruptKept.set(Thread.currentThread().isInterrupted());
    });
    try {
      caller.start();
      await(() -> FaultyNodeProvider.BATCH_THREADS.containsKey(name("a"))
          && FaultyNodeProvider.BATCH_THREADS.containsKey(name("b")));
      // One batch runs in the caller's thread, the other on a thread of the cache's: the
      // caller, interrupted, finishes its own and must then wait for the other.
      String own = FaultyNodeProvider.BATCH_THREADS.get(name("a")) == caller ? "a" : "b";
      String other = own.equals("a") ? "b" : "a";
      caller.interrupt();
      FaultyNodeProvider.BATCH_GATES.get(name(own)).countDown();
      await(() -> FaultyNodeProvider.BATCHES_PASSED.contains(name(own))
          && (caller.getState() == Thread.State.WAITING || !caller.isAlive()));
      FaultyNodeProvider.BATCH_GATES.get(name(other)).countDown();
      caller.join(10_000);
      assertThat(caller.isAlive()).isFalse();
      assertThat(locked.get()).as("every node's answer, none given up on").hasSize(40)
          .containsOnly(true);
      assertThat(interruptKept).isTrue();
      assertThat(cache.nodeState(name(own))).isEqualTo(NodeState.UP);
      assertThat(cache.nodeState(name(other))).isEqualTo(NodeState.UP);
    } finally {
      FaultyNodeProvider.BATCH_GATES.values().forEach(CountDownLatch::countDown);
      FaultyNodeProvider.BATCH_GATES.clear();
      FaultyNodeProvider.BATCH_THREADS.clear();
      FaultyNodeProvider.BATCHES_PASSED.clear();
      caller.join(10_000);
    }
  }

  @Test
  void aPutInWhichTheNodeLostARecord_quarantinesLikeAnUndeliveredInvalidation() {
    ShardedCache cache = cache("a");
    FaultyNodeProvider.set(name("a"), Fault.RECORD_LOST);
    assertThat(cache.putFromLoad(bytes("k"), bytes("v"), 1, null, false, TIMES))
        .isEqualTo(PutOutcome.SKIPPED);
    assertThat(cache.nodeState(name("a"))).isEqualTo(NodeState.QUARANTINED);
  }

  @Test
  void anInterruptedCaller_isNotCountedAgainstTheNode() {
    ShardedCache cache = cache("a");
    FaultyNodeProvider.set(name("a"), Fault.TIMEOUT);
    Thread.currentThread().interrupt();
    try {
      assertThat(cache.get(bytes("k"))).isNull();
      assertThat(cache.nodeState(name("a"))).isEqualTo(NodeState.UP);
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void anInvalidationNotSentBecauseTheBreakerWasOpen_quarantinesToo() {
    ShardedCache cache = cache("a");
    cache.put(bytes("k"), bytes("v1"), TTL);
    FaultyNodeProvider.set(name("a"), Fault.TIMEOUT);
    cache.get(bytes("k"));
    assertThat(cache.nodeState(name("a"))).isEqualTo(NodeState.DOWN);
    int reached = FaultyNodeProvider.calls(name("a"));
    cache.evict(bytes("k"), TIMES);
    assertThat(FaultyNodeProvider.calls(name("a"))).isEqualTo(reached);
    assertThat(cache.nodeState(name("a"))).isEqualTo(NodeState.QUARANTINED);
    FaultyNodeProvider.set(name("a"), Fault.NONE);
    await(() -> cache.nodeState(name("a")) != NodeState.QUARANTINED);
    assertThat(cache.get(bytes("k"))).isNull();
  }

  @Test
  void aClearedNode_takesNoPuts_forTheQuarantinePeriod_butServesProtocolSteps() {
    ShardedCache cache = cache("a");
    byte[] k = bytes("k");
    FaultyNodeProvider.set(name("a"), Fault.UNAVAILABLE);
    cache.evict(k, TIMES);
    FaultyNodeProvider.set(name("a"), Fault.NONE);
    await(() -> cache.nodeState(name("a")) == NodeState.NO_PUTS);
    long clearedAt = System.nanoTime();
    cache.put(k, bytes("early"), TTL);
    assertThat(cache.putFromLoad(k, bytes("early"), 1, null, false, TIMES))
        .isEqualTo(PutOutcome.SKIPPED);
    assertThat(cache.afterInsert(k, bytes("early"), 1, TIMES)).isEqualTo(InsertOutcome.SKIPPED);
    if (System.nanoTime() - clearedAt < QUARANTINE.toNanos()) {
      assertThat(cache.get(k)).as("no put landed during the quarantine").isNull();
    }
    assertThat(cache.lock(k, "w", TIMES)).as("invalidations are delivered").isFalse();
    assertThat(cache.unlock(k, Unlock.committedValue("w", bytes("v2"), 2), TIMES))
        .isEqualTo(UnlockOutcome.WROTE_VALUE);
    assertThat(cache.get(k)).isEqualTo(bytes("v2"));
    await(() -> cache.nodeState(name("a")) == NodeState.UP);
    cache.put(bytes("k2"), bytes("late"), TTL);
    assertThat(cache.get(bytes("k2"))).isEqualTo(bytes("late"));
  }

  @Test
  void theCacheStarts_whenEveryNodeIsDown_andServesMissesUntilTheyReturn() {
    FaultyNodeProvider.set(name("a"), Fault.UNAVAILABLE);
    FaultyNodeProvider.set(name("b"), Fault.UNAVAILABLE);
    ShardedCache cache = cache("a", "b");
    assertThat(cache.nodeState(name("a"))).isEqualTo(NodeState.DOWN);
    assertThat(cache.nodeState(name("b"))).isEqualTo(NodeState.DOWN);
    assertThat(cache.get(bytes("k"))).isNull();
    cache.put(bytes("k"), bytes("v"), TTL);
    assertThat(FaultyNodeProvider.calls(name("a")) + FaultyNodeProvider.calls(name("b"))).isZero();
    FaultyNodeProvider.set(name("a"), Fault.NONE);
    FaultyNodeProvider.set(name("b"), Fault.NONE);
    await(() -> cache.nodeState(name("a")) == NodeState.UP
        && cache.nodeState(name("b")) == NodeState.UP);
    cache.put(bytes("k"), bytes("v"), TTL);
    assertThat(cache.get(bytes("k"))).isEqualTo(bytes("v"));
  }

  @Test
  void aNodeThatRefusesItsCredentials_failsTheStart_withAClearError() {
    FaultyNodeProvider.set(name("a"), Fault.REFUSED);
    assertThatThrownBy(() -> cache("a", "b")).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("refused");
  }

  @Test
  void aRemoval_clearsTheRemainingNodes_whichTakeNoPutsForTheQuarantinePeriod() {
    ShardedCache cache = cache("a", "b", "c");
    for (int i = 0; i < 50; i++) {
      cache.put(bytes("key" + i), bytes("v"), TTL);
    }
    cache.removeNode(name("c"));
    for (String id : List.of(name("a"), name("b"))) {
      assertThat(cache.nodeState(id)).isEqualTo(NodeState.NO_PUTS);
    }
    for (int i = 0; i < 50; i++) {
      assertThat(cache.get(bytes("key" + i))).isNull();
      assertThat(cache.putFromLoad(bytes("key" + i), bytes("v"), 1, null, false, TIMES))
          .isEqualTo(PutOutcome.SKIPPED);
    }
    // key1 may be on either node, and each ends its ban on its own clock: wait for both.
    await(() -> cache.nodeState(name("a")) == NodeState.UP
        && cache.nodeState(name("b")) == NodeState.UP);
    assertThat(cache.putFromLoad(bytes("key1"), bytes("v"), 1, null, false, TIMES))
        .isEqualTo(PutOutcome.STORED);
  }

  @Test
  void addingThenRemovingANode_neverServesWhatTheOldOwnerHeldFromBefore() {
    // a holds v1 for k; b joins and takes k; a writer commits v2 through b; b leaves and k goes
    // back to a, which must not serve v1.
    ShardedCache cache = cache("a");
    String added = cache.addNode("faulty://" + name("b"));
    byte[] k = null;
    for (int i = 0; k == null; i++) {
      if (cache.nodeIdFor(bytes("key" + i)).equals(added)) {
        k = bytes("key" + i);
      }
    }
    cache.node(name("a")).afterInsert(k, bytes("v1"), 1, TIMES); // what a held before b joined
    assertThat(cache.lock(k, "w1", TIMES)).isFalse();
    cache.unlock(k, Unlock.committedValue("w1", bytes("v2"), 2), TIMES);
    cache.removeNode(added);
    assertThat(cache.getOrLease(k, false, TIMES).isHit()).as("v1 missed the commit of v2")
        .isFalse();
  }

  @Test
  void aTimeoutWhileANodeTakesNoPuts_doesNotEndItsQuarantinePeriod() {
    ShardedCache cache = cache("a");
    byte[] k = bytes("k");
    FaultyNodeProvider.set(name("a"), Fault.UNAVAILABLE);
    cache.evict(k, TIMES);
    FaultyNodeProvider.set(name("a"), Fault.NONE);
    await(() -> cache.nodeState(name("a")) == NodeState.NO_PUTS);
    FaultyNodeProvider.set(name("a"), Fault.TIMEOUT);
    cache.get(bytes("other"));
    assertThat(cache.nodeState(name("a"))).isEqualTo(NodeState.DOWN);
    FaultyNodeProvider.set(name("a"), Fault.NONE);
    await(() -> cache.nodeState(name("a")) != NodeState.DOWN);
    assertThat(cache.nodeState(name("a"))).isEqualTo(NodeState.NO_PUTS);
    assertThat(cache.putFromLoad(k, bytes("stale"), 1, null, false, TIMES))
        .isEqualTo(PutOutcome.SKIPPED);
  }

  @Test
  void aPutSentBeforeTheQuarantine_neverLandsAfterTheClearing() throws Exception {
    ShardedCache cache = cache("a");
    byte[] k = bytes("k");
    CountDownLatch gate = new CountDownLatch(1);
    FaultyNodeProvider.putEntered = new CountDownLatch(1);
    FaultyNodeProvider.putGate = gate;
    ExecutorService loader = Executors.newSingleThreadExecutor();
    try {
      // A loader read v1 before a writer's commit; its put is on its way, held up.
      Future<PutOutcome> put = loader.submit(
          () -> cache.putFromLoad(k, bytes("v1-stale"), 1, null, false, TIMES));
      assertThat(FaultyNodeProvider.putEntered.await(10, TimeUnit.SECONDS)).isTrue();
      FaultyNodeProvider.putGate = null; // later puts pass
      // The writer's lock cannot be delivered: quarantined. Then the node answers again.
      FaultyNodeProvider.set(name("a"), Fault.UNAVAILABLE);
      cache.lock(k, "w", TIMES);
      FaultyNodeProvider.set(name("a"), Fault.NONE);
      Thread.sleep(200); // let the probe find the node answering while the put is still held
      assertThat(cache.nodeState(name("a"))).as("not cleared while a put is on its way")
          .isEqualTo(NodeState.QUARANTINED);
      gate.countDown();
      put.get(10, TimeUnit.SECONDS);
      await(() -> cache.nodeState(name("a")) == NodeState.NO_PUTS);
      assertThat(cache.get(k)).as("the put that was on its way was cleared").isNull();
    } finally {
      FaultyNodeProvider.putGate = null;
      loader.shutdownNow();
    }
  }

  @Test
  void anInvalidationOnAQuarantinedNode_doesNotWaitForTheProbesClearing() throws Exception {
    ShardedCache cache = cache("a");
    FaultyNodeProvider.set(name("a"), Fault.UNAVAILABLE);
    cache.evict(bytes("k"), TIMES);
    FaultyNodeProvider.clearDelayMillis = 1500;
    try {
      FaultyNodeProvider.set(name("a"), Fault.NONE);
      Thread.sleep(200); // the probe is inside clear()
      long started = System.nanoTime();
      assertThat(cache.evict(bytes("k2"), TIMES)).isEqualTo(EvictOutcome.NOT_DELIVERED);
      assertThat(System.nanoTime() - started).as("no wait behind the probe's clear")
          .isLessThan(TimeUnit.MILLISECONDS.toNanos(500));
    } finally {
      FaultyNodeProvider.clearDelayMillis = 0;
    }
    await(() -> cache.nodeState(name("a")) == NodeState.NO_PUTS);
  }

  @Test
  void aNodeThatJoins_isCleared_andTakesNoPuts_forTheQuarantinePeriod() {
    ShardedCache cache = cache("a");
    try (ShardedCache other = ShardedCache.builder().nodes("faulty://" + name("b")).build()) {
      other.put(bytes("old"), bytes("stale"), TTL); // what the joining node held before
    }
    String added = cache.addNode("faulty://" + name("b"));
    assertThat(cache.nodeState(added)).isEqualTo(NodeState.NO_PUTS);
    assertThat(cache.node(added).get(bytes("old"))).isNull();
    await(() -> cache.nodeState(added) == NodeState.UP);
  }

  @Test
  void statistics_countEachOperationPerNode_withFailuresAndQuarantines() {
    CacheStatistics statistics = new CacheStatistics();
    ShardedCache cache = ShardedCache.builder().nodes("faulty://" + name("s"))
        .metrics(statistics).probeInterval(Duration.ofMillis(20)).quarantine(QUARANTINE).build();
    caches.add(cache);
    cache.put(bytes("k"), bytes("v"), TTL);
    cache.get(bytes("k"));
    cache.get(bytes("k"));
    FaultyNodeProvider.set(name("s"), Fault.UNAVAILABLE);
    cache.evict(bytes("k"), TIMES);
    cache.get(bytes("k"));
    CacheStatistics.NodeSnapshot node = statistics.node(name("s"));
    assertThat(node.operation(CacheOperation.GET).count()).isEqualTo(2);
    assertThat(node.operation(CacheOperation.GET).notAttempted()).isEqualTo(1);
    assertThat(node.operation(CacheOperation.PUT).count()).isEqualTo(1);
    assertThat(node.operation(CacheOperation.EVICT).failures()).isEqualTo(1);
    assertThat(node.state()).isEqualTo(NodeState.QUARANTINED);
    assertThat(node.quarantines()).isEqualTo(1);
  }

  @Test
  void statistics_countIncrements_underTheirOwnOperation() {
    CacheStatistics statistics = new CacheStatistics();
    ShardedCache cache = ShardedCache.builder().nodes("faulty://" + name("s"))
        .metrics(statistics).probeInterval(Duration.ofMillis(20)).quarantine(QUARANTINE).build();
    caches.add(cache);
    cache.increment(bytes("stamp"), 1, TTL);
    FaultyNodeProvider.set(name("s"), Fault.TIMEOUT);
    cache.increment(bytes("stamp"), 1, TTL);
    cache.increment(bytes("stamp"), 1, TTL);
    CacheStatistics.OperationSnapshot increments =
        statistics.node(name("s")).operation(CacheOperation.INCREMENT);
    assertThat(increments.count()).isEqualTo(2);
    assertThat(increments.failures()).isEqualTo(1);
    assertThat(increments.notAttempted()).as("the timeout opened the breaker").isEqualTo(1);
    assertThat(statistics.node(name("s")).operation(CacheOperation.GET).count()).isZero();
  }

  @Test
  void statistics_countABatchOfLocksOncePerNode_underItsOwnOperation() {
    CacheStatistics statistics = new CacheStatistics();
    ShardedCache cache = ShardedCache.builder().nodes("faulty://" + name("s"))
        .metrics(statistics).probeInterval(Duration.ofMillis(20)).quarantine(QUARANTINE).build();
    caches.add(cache);
    List<byte[]> keys = List.of(bytes("k1"), bytes("k2"), bytes("k3"));
    cache.lockAll(keys, "w", TIMES);
    cache.unlockAll(keys, List.of(Unlock.rolledBack("w"), Unlock.rolledBack("w"),
        Unlock.rolledBack("w")), TIMES);
    FaultyNodeProvider.set(name("s"), Fault.UNAVAILABLE);
    cache.lockAll(keys, "w2", TIMES);
    CacheStatistics.NodeSnapshot node = statistics.node(name("s"));
    assertThat(node.operation(CacheOperation.LOCK_ALL).count()).isEqualTo(2);
    assertThat(node.operation(CacheOperation.LOCK_ALL).failures()).isEqualTo(1);
    assertThat(node.operation(CacheOperation.UNLOCK_ALL).count()).isEqualTo(1);
    assertThat(node.operation(CacheOperation.LOCK).count()).isZero();
    assertThat(node.quarantines()).isEqualTo(1);
  }

  @Test
  void badFailureSettings_areRefused() {
    assertThatThrownBy(() -> ShardedCache.builder().failureThreshold(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("failureThreshold");
    assertThatThrownBy(() -> ShardedCache.builder().probeInterval(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("probeInterval");
    assertThatThrownBy(() -> ShardedCache.builder().quarantine(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("quarantine");
  }

  @Test
  void badArguments_stillThrow_evenWhenTheNodeIsDown() {
    ShardedCache cache = cache("a");
    FaultyNodeProvider.set(name("a"), Fault.UNAVAILABLE);
    assertThatThrownBy(() -> cache.lock(bytes("k"), "a b", TIMES))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> cache.get(null)).isInstanceOf(NullPointerException.class);
    assertThat(cache.nodeState(name("a"))).as("a bad argument is not a node failure")
        .isEqualTo(NodeState.UP);
  }

  private static void await(BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      try {
        Thread.sleep(5); // polling a condition with a deadline
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  /** Counts what the tests look at. */
  private static final class RecordingMetrics implements CacheMetrics {
    final AtomicInteger notAttempted = new AtomicInteger();
    final List<NodeState> states = new CopyOnWriteArrayList<>();
    final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();

    @Override
    public void notAttempted(String nodeId, String region, CacheOperation operation) {
      notAttempted.incrementAndGet();
    }

    @Override
    public void stateChanged(String nodeId, NodeState state) {
      states.add(state);
    }

    @Override
    public void operation(String nodeId, String region, CacheOperation operation, long nanos,
        boolean failed) {
      if (failed) {
        failures.computeIfAbsent(nodeId, n -> new AtomicInteger()).incrementAndGet();
      }
    }
  }
}
