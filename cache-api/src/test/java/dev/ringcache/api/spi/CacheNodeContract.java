package dev.ringcache.api.spi;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ringcache.api.EntryTimes;
import dev.ringcache.api.EvictOutcome;
import dev.ringcache.api.InsertOutcome;
import dev.ringcache.api.Lookup;
import dev.ringcache.api.NodeUsage;
import dev.ringcache.api.PutOutcome;
import dev.ringcache.api.Unlock;
import dev.ringcache.api.UnlockOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link CacheNode} passes against a real server: plain operations, batches,
 * every protocol transition with the results of the reference machine ({@link EntryProtocol}) on
 * random histories, expiry, many threads on one key, bad input. A backend's test extends it and
 * says how to open a node on a fresh, empty server (or namespace).
 *
 * <p>Shipped in cache-api's test-jar. Not thread-safe (one instance per test, as JUnit runs it).
 */
public abstract class CacheNodeContract {
  /**
   * Long times: nothing expires while a test runs, unless the test waits for it. Each kind of
   * record lives differently long (value 10 min, lease 1 min, lock 2 min, tombstone 90 s), so a
   * node that gives one kind another's lifetime is caught.
   */
  protected static final EntryTimes LONG = EntryTimes.of(Duration.ofMinutes(10),
      Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofSeconds(90));
  /** How far a node's remaining lifetime may drift from the reference's while a history runs. */
  private static final long LIFETIME_TOLERANCE_MILLIS = 15_000;

  /**
   * Versions of every sign and length, and beyond 2^53 where a double loses precision: a node
   * that compares versions other than as 64-bit integers gets some of them wrong.
   */
  private static final long[] VERSIONS = {Long.MIN_VALUE + 1, -100, -11, -2, 0, 1, 5, 9, 10, 11,
      99, 100, 9_007_199_254_740_992L, 9_007_199_254_740_993L, Long.MAX_VALUE};

  protected CacheNode node;
  private final String prefix = "contract:" + Long.toHexString(new Random().nextLong()) + ":";

  /** Opens a node of the backend under test; each test gets its own. */
  protected abstract CacheNode openNode();

  @BeforeEach
  void openNodeUnderTest() {
    node = openNode();
  }

  @AfterEach
  void closeNodeUnderTest() {
    node.close();
  }

  /** A key unique to this test run, so tests never see each other's records. */
  protected byte[] key(String name) {
    return (prefix + name).getBytes(UTF_8);
  }

  @Test
  void plainOperations_storeReadAndDelete() {
    byte[] k = key("plain");
    assertThat(node.get(k)).isNull();
    node.put(k, bytes("v1"), 60_000);
    assertThat(node.get(k)).isEqualTo(bytes("v1"));
    node.put(k, bytes("v2"), 60_000);
    assertThat(node.get(k)).isEqualTo(bytes("v2"));
    assertThat(node.delete(k)).isTrue();
    assertThat(node.get(k)).isNull();
    assertThat(node.delete(k)).isFalse();
  }

  @Test
  void plainValues_mayHoldAnyBytes() {
    byte[] k = key("binary");
    byte[] value = new byte[70_000];
    new Random(1).nextBytes(value);
    node.put(k, value, 60_000);
    assertThat(node.get(k)).isEqualTo(value);
    byte[] empty = new byte[0];
    node.put(key("empty"), empty, 60_000);
    assertThat(node.get(key("empty"))).isEqualTo(empty);
  }

  @Test
  void batches_readAndWriteManyKeysInTheirOrder() {
    List<byte[]> keys = new ArrayList<>();
    List<byte[]> values = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      keys.add(key("batch-" + i));
      values.add(bytes("value-" + i));
    }
    node.putAll(keys.subList(0, 150), values.subList(0, 150), 60_000);
    List<byte @Nullable []> found = node.getAll(keys);
    assertThat(found).hasSize(200);
    for (int i = 0; i < 200; i++) {
      assertThat(found.get(i)).isEqualTo(i < 150 ? values.get(i) : null);
    }
    assertThat(node.getAll(List.of())).isEmpty();
  }

  @Test
  void protocolSteps_giveTheReferenceResults_onRandomHistories() {
    // 16 keys, 4000 random steps; the node and the reference machine see the same steps and must
    // answer alike, and leave the same record (but for its expiry time).
    replayRandomHistory(20261121, "h", 4000);
  }

  @Test
  void protocolSteps_giveTheReferenceResults_whileOtherThreadsReplayTheirOwn() throws Exception {
    // Four histories at once, each on its own keys: the node serves them concurrently, and each
    // key's answers must still be the reference's.
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> histories = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        histories.add(pool.submit(() -> replayRandomHistory(7000 + thread, "t" + thread + "-", 1500)));
      }
      for (Future<?> history : histories) {
        history.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void protocolSteps_giveTheReferenceResults_acrossExpiry() throws InterruptedException {
    // Records live 2 s. Three times during the history it stops until every record has expired at
    // the node; the reference then forgets them all, and the history goes on over absent keys.
    EntryTimes twoSeconds = EntryTimes.of(Duration.ofSeconds(2), Duration.ofSeconds(2),
        Duration.ofSeconds(2), Duration.ofSeconds(2));
    replayRandomHistory(424242, "e", 1600, twoSeconds, 3);
  }

  @Test
  void dropsAmongProtocolSteps_giveTheReferenceResults_onRandomHistories()
      throws InterruptedException {
    // As above, with drops of the value a key holds (or of another) among the steps.
    replayRandomHistory(20260707, "hd", 3000, LONG, 0, false, true);
  }

  @Test
  void batchesAmongProtocolSteps_giveTheReferenceResults_onRandomHistories() {
    // As above, with batches of locks and of unlocks on 1 to 5 of the keys, some more than once:
    // each must answer and leave what the reference does stepping through the keys in order.
    replayRandomHistory(20261122, "hb", 3000, true);
  }

  /** Replays {@code steps} random protocol steps on 16 keys against the node and the reference. */
  private void replayRandomHistory(long seed, String prefix, int steps) {
    replayRandomHistory(seed, prefix, steps, false);
  }

  private void replayRandomHistory(long seed, String prefix, int steps, boolean batches) {
    try {
      replayRandomHistory(seed, prefix, steps, LONG, 0, batches);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private void replayRandomHistory(long seed, String prefix, int steps, EntryTimes times,
      int expiries) throws InterruptedException {
    replayRandomHistory(seed, prefix, steps, times, expiries, false);
  }

  private void replayRandomHistory(long seed, String prefix, int steps, EntryTimes times,
      int expiries, boolean batches) throws InterruptedException {
    replayRandomHistory(seed, prefix, steps, times, expiries, batches, false);
  }

  /**
   * Replays {@code steps} random protocol steps on 16 keys against the node and the reference,
   * with {@code times}; {@code expiries} times, evenly spaced, it waits until every record has
   * expired at the node and clears the reference. With {@code batches}, some steps are batches
   * of locks or unlocks; with {@code drops}, some are drops of the key's value or of another.
   */
  private void replayRandomHistory(long seed, String prefix, int steps, EntryTimes times,
      int expiries, boolean batches, boolean drops) throws InterruptedException {
    Random random = new Random(seed);
    Map<String, @Nullable EntryRecord> reference = new HashMap<>();
    Map<String, List<String>> leases = new HashMap<>();
    long now = 0; // the reference's clock: with times times nothing expires
    for (int i = 0; i < steps; i++) {
      if (expiries > 0 && i > 0 && i % (steps / (expiries + 1)) == 0) {
        for (int n = 0; n < 16; n++) {
          awaitAbsent(key(prefix + n));
        }
        reference.clear();
      }
      String name = prefix + random.nextInt(16);
      byte[] k = key(name);
      EntryRecord before = reference.get(name);
      long version = random.nextInt(5) == 0 ? Lookup.NO_VERSION
          : VERSIONS[random.nextInt(VERSIONS.length)];
      byte[] value = bytes("v" + i);
      String lockId = "w" + random.nextInt(3);
      Object expected;
      Object actual;
      EntryProtocol.Step<?> step;
      int kind = random.nextInt(batches || drops ? 11 : 9);
      if (kind >= 9 && batches) {
        replayBatch(random, kind == 9, prefix, i, reference, times, now);
        continue;
      }
      switch (kind) {
        case 9:
        case 10: {
          // Mostly the value the key holds, if any, as a reader that found it would drop it.
          byte[] expectedValue = before != null && before.state() == EntryRecord.State.VALUE
              && random.nextInt(4) != 0 ? Objects.requireNonNull(before.value())
              : bytes("v" + random.nextInt(i + 1));
          step = EntryProtocol.dropValue(before, expectedValue, now);
          actual = node.dropValue(k, expectedValue);
          break;
        }
        case 0:
        case 1: {
          String nonce = "n" + i;
          boolean want = random.nextInt(5) != 0;
          step = EntryProtocol.getOrLease(before, want, nonce, times, now);
          actual = node.getOrLease(k, want, nonce, times);
          Lookup lookup = (Lookup) step.result();
          if (lookup.kind() == Lookup.Kind.LEASED) {
            leases.computeIfAbsent(name, n -> new ArrayList<>()).add(lookup.leaseToken());
          }
          break;
        }
        case 2:
        case 3: {
          List<String> known = leases.getOrDefault(name, List.of());
          String lease = known.isEmpty() || random.nextBoolean() ? null
              : known.get(random.nextInt(known.size()));
          boolean minimal = random.nextInt(4) == 0;
          step = EntryProtocol.putFromLoad(before, value, version, lease, minimal, times, now);
          actual = node.putFromLoad(k, value, version, lease, minimal, times);
          break;
        }
        case 4:
          step = EntryProtocol.lock(before, lockId, times, now);
          actual = node.lock(k, lockId, times);
          break;
        case 5:
        case 6: {
          Unlock unlock = randomUnlock(random, lockId, value, version);
          step = EntryProtocol.unlock(before, unlock, times, now);
          actual = node.unlock(k, unlock, times);
          break;
        }
        case 7:
          step = EntryProtocol.afterInsert(before, value, version, times, now);
          actual = node.afterInsert(k, value, version, times);
          break;
        default:
          step = EntryProtocol.evict(before, times, now);
          actual = node.evict(k, times);
          break;
      }
      expected = step.result();
      reference.put(name, step.record());
      assertThat(actual).as("step %d on %s, from %s", i, name, before).isEqualTo(expected);
      EntryRecord after = node.inspect(k);
      assertSameRecord(after, step.record(), "after step " + i + " on " + name);
      if (times == LONG && after != null) {
        long expectedRemaining = Objects.requireNonNull(step.record()).expiresAtMillis() - now;
        long actualRemaining = after.expiresAtMillis() - node.clockMillis();
        assertThat(actualRemaining).as("remaining lifetime after step %d on %s: %s", i, name, after)
            .isBetween(expectedRemaining - LIFETIME_TOLERANCE_MILLIS, expectedRemaining);
      }
    }
  }

  /**
   * One batch of a random history: locks of one writer, or unlocks of several, on 1 to 5 of the
   * 16 keys (a key may come twice), against the reference stepping through them in order.
   */
  private void replayBatch(Random random, boolean locks, String prefix, int i,
      Map<String, @Nullable EntryRecord> reference, EntryTimes times, long now) {
    int size = 1 + random.nextInt(5);
    List<String> names = new ArrayList<>(size);
    List<byte[]> keys = new ArrayList<>(size);
    for (int j = 0; j < size; j++) {
      names.add(prefix + random.nextInt(16));
      keys.add(key(names.get(j)));
    }
    Map<String, @Nullable EntryRecord> before = new HashMap<>(reference);
    List<Object> expected = new ArrayList<>(size);
    List<?> actual;
    if (locks) {
      String lockId = "w" + random.nextInt(3);
      for (String name : names) {
        EntryProtocol.Step<Boolean> step = EntryProtocol.lock(reference.get(name), lockId, times,
            now);
        reference.put(name, step.record());
        expected.add(step.result());
      }
      actual = node.lockAll(keys, lockId, times);
    } else {
      List<Unlock> unlocks = new ArrayList<>(size);
      for (int j = 0; j < size; j++) {
        long version = random.nextInt(5) == 0 ? Lookup.NO_VERSION
            : VERSIONS[random.nextInt(VERSIONS.length)];
        unlocks.add(randomUnlock(random, "w" + random.nextInt(3), bytes("v" + i + "-" + j),
            version));
      }
      for (int j = 0; j < size; j++) {
        EntryProtocol.Step<UnlockOutcome> step = EntryProtocol.unlock(
            reference.get(names.get(j)), unlocks.get(j), times, now);
        reference.put(names.get(j), step.record());
        expected.add(step.result());
      }
      actual = node.unlockAll(keys, unlocks, times);
    }
    String what = (locks ? "lockAll " : "unlockAll ") + names + " at step " + i;
    assertThat(actual).as("%s, from %s", what, before).isEqualTo(expected);
    for (String name : new HashSet<>(names)) {
      assertSameRecord(node.inspect(key(name)), reference.get(name), "after " + what + " on "
          + name);
    }
  }

  @Test
  void lockAll_givesTheResultsAndRecordsOfSingleLocks_inTheOrderOfTheKeys() {
    List<String> names = List.of("absent", "value", "tombstone", "deleted", "other", "own",
        "shared", "lease", "value", "absent", "other");
    prepareForLocks("batch-");
    prepareForLocks("single-");
    List<byte[]> batch = new ArrayList<>();
    List<Boolean> single = new ArrayList<>();
    for (String name : names) {
      batch.add(key("batch-" + name));
      single.add(node.lock(key("single-" + name), "w", LONG));
    }
    List<Boolean> locked = node.lockAll(batch, "w", LONG);
    assertThat(locked).isEqualTo(single);
    assertThat(locked).as("another writer held it").containsExactly(false, false, false, false,
        true, false, true, false, false, false, true);
    for (String name : new HashSet<>(names)) {
      assertSameRecord(node.inspect(key("batch-" + name)), node.inspect(key("single-" + name)),
          name);
    }
  }

  /** The same records under {@code prefix}, for the batch and the single locks to start from. */
  private void prepareForLocks(String prefix) {
    node.afterInsert(key(prefix + "value"), bytes("v"), 3, LONG);
    node.afterInsert(key(prefix + "tombstone"), bytes("v"), 4, LONG);
    node.evict(key(prefix + "tombstone"), LONG);
    node.lock(key(prefix + "deleted"), "x", LONG);
    node.unlock(key(prefix + "deleted"), Unlock.committedDelete("x"), LONG);
    node.lock(key(prefix + "other"), "other", LONG);
    node.lock(key(prefix + "own"), "w", LONG);
    node.lock(key(prefix + "shared"), "other", LONG);
    node.lock(key(prefix + "shared"), "w", LONG);
    node.getOrLease(key(prefix + "lease"), true, "n", LONG);
  }

  /**
   * One batch whose keys belong to regions of different lifetimes (an entity and a query-cache
   * table record, say): each record lives by its own key's times.
   */
  @Test
  void unlockAll_withEachKeysOwnTimes_givesEachRecordItsOwnLifetime() {
    EntryTimes hour = EntryTimes.of(Duration.ofHours(1), Duration.ofMinutes(1),
        Duration.ofMinutes(2), Duration.ofMinutes(50));
    EntryTimes fiveMinutes = EntryTimes.of(Duration.ofMinutes(5), Duration.ofMinutes(1),
        Duration.ofMinutes(2), Duration.ofMinutes(20));
    List<byte[]> keys = List.of(key("own-times-a"), key("own-times-b"), key("own-times-c"),
        key("own-times-d"));
    keys.forEach(k -> node.lock(k, "w", LONG));
    List<UnlockOutcome> outcomes = node.unlockAll(keys, List.of(
        Unlock.committedValue("w", bytes("a"), 1), Unlock.committedValue("w", bytes("b"), 1),
        Unlock.rolledBack("w"), Unlock.rolledBack("w")),
        List.of(hour, fiveMinutes, hour, fiveMinutes));
    assertThat(outcomes).containsExactly(UnlockOutcome.WROTE_VALUE, UnlockOutcome.WROTE_VALUE,
        UnlockOutcome.WROTE_TOMBSTONE, UnlockOutcome.WROTE_TOMBSTONE);
    long[] expectedMillis = {hour.valueTtlMillis(), fiveMinutes.valueTtlMillis(),
        hour.tombstoneTtlMillis(), fiveMinutes.tombstoneTtlMillis()};
    for (int i = 0; i < keys.size(); i++) {
      EntryRecord record = Objects.requireNonNull(node.inspect(keys.get(i)));
      long remaining = record.expiresAtMillis() - node.clockMillis();
      assertThat(remaining).as("key %d", i)
          .isBetween(expectedMillis[i] - LIFETIME_TOLERANCE_MILLIS, expectedMillis[i]);
    }
    assertThatThrownBy(() -> node.unlockAll(keys.subList(0, 1), List.of(Unlock.rolledBack("w")),
        List.of(hour, hour))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 keys but 2 times");
  }

  @Test
  void unlockAll_givesTheResultsAndRecordsOfSingleUnlocks_andWritesCommittedValuesThrough() {
    Map<String, Unlock> unlocks = new HashMap<>();
    unlocks.put("sole", Unlock.committedValue("w", bytes("sole value"), 5));
    unlocks.put("shared", Unlock.committedValue("w", bytes("shared value"), 5));
    unlocks.put("merged", Unlock.committedValue("w", bytes("merged value"), 5));
    unlocks.put("absent", Unlock.committedValue("w", bytes("lost value"), 5));
    unlocks.put("value", Unlock.committedInvalidate("w", 6));
    unlocks.put("tombstone", Unlock.rolledBack("w"));
    unlocks.put("rolled-back", Unlock.rolledBack("w"));
    unlocks.put("deleted", Unlock.committedDelete("w"));
    unlocks.put("invalidated", Unlock.committedInvalidate("w", 7));
    List<String> names = List.of("sole", "shared", "merged", "absent", "value", "tombstone",
        "rolled-back", "deleted", "invalidated", "twice", "twice");
    List<Unlock> each = new ArrayList<>();
    for (String name : names) {
      each.add(unlocks.getOrDefault(name, Unlock.committedValue("w", bytes("twice value"), 8)));
    }
    prepareForUnlocks("batch-");
    prepareForUnlocks("single-");
    List<byte[]> batch = new ArrayList<>();
    List<UnlockOutcome> single = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      batch.add(key("batch-" + names.get(i)));
      single.add(node.unlock(key("single-" + names.get(i)), each.get(i), LONG));
    }
    List<UnlockOutcome> outcomes = node.unlockAll(batch, each, LONG);
    assertThat(outcomes).isEqualTo(single);
    assertThat(outcomes).containsExactly(UnlockOutcome.WROTE_VALUE, UnlockOutcome.STILL_LOCKED,
        UnlockOutcome.MERGED, UnlockOutcome.LOCK_LOST, UnlockOutcome.LOCK_LOST,
        UnlockOutcome.LOCK_LOST, UnlockOutcome.WROTE_TOMBSTONE, UnlockOutcome.WROTE_TOMBSTONE,
        UnlockOutcome.WROTE_TOMBSTONE, UnlockOutcome.WROTE_VALUE, UnlockOutcome.LOCK_LOST);
    for (String name : new HashSet<>(names)) {
      assertSameRecord(node.inspect(key("batch-" + name)), node.inspect(key("single-" + name)),
          name);
    }
    assertThat(node.get(key("batch-sole"))).as("written through").isEqualTo(bytes("sole value"));
    assertThat(node.getOrLease(key("batch-sole"), true, "n", LONG))
        .isEqualTo(Lookup.hit(bytes("sole value"), 5));
    assertThat(node.get(key("batch-twice"))).as("its second unlock found no lock").isNull();
  }

  /** The same records under {@code prefix}, for the batch and the single unlocks to start from. */
  private void prepareForUnlocks(String prefix) {
    for (String locked : List.of("sole", "rolled-back", "deleted", "invalidated", "twice")) {
      node.lock(key(prefix + locked), "w", LONG);
    }
    node.lock(key(prefix + "shared"), "other", LONG);
    node.lock(key(prefix + "shared"), "w", LONG);
    node.lock(key(prefix + "merged"), "other", LONG);
    node.afterInsert(key(prefix + "value"), bytes("v"), 3, LONG);
    node.afterInsert(key(prefix + "tombstone"), bytes("v"), 4, LONG);
    node.evict(key(prefix + "tombstone"), LONG);
  }

  @Test
  void batchesOfLocksAndUnlocks_fromManyThreads_onTheSameKeys_loseNoStep() throws Exception {
    // Each thread locks and unlocks the same four keys, each time in an order of its own. Every
    // lock and unlock counts one generation of its key: a lost update would show, and a node
    // whose batches wait for each other's keys in different orders would deadlock.
    List<byte[]> keys = List.of(key("many-a"), key("many-b"), key("many-c"), key("many-d"));
    int threads = 4;
    int rounds = 40;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> tasks = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Random random = new Random(31 + t);
        String thread = "t" + t + "-";
        tasks.add(pool.submit(() -> {
          start.await();
          for (int r = 0; r < rounds; r++) {
            String id = thread + r;
            List<byte[]> order = new ArrayList<>(keys);
            Collections.shuffle(order, random);
            node.lockAll(order, id, LONG);
            Collections.shuffle(order, random);
            List<Unlock> unlocks = new ArrayList<>();
            for (int k = 0; k < order.size(); k++) {
              unlocks.add(Unlock.committedValue(id, bytes(id), Lookup.NO_VERSION));
            }
            node.unlockAll(order, unlocks, LONG);
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> task : tasks) {
        task.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    for (byte[] k : keys) {
      EntryRecord record = Objects.requireNonNull(node.inspect(k));
      assertThat(record.state()).as("no lock left").isIn(EntryRecord.State.VALUE,
          EntryRecord.State.TOMBSTONE);
      assertThat(record.generation()).as("every step counted").isEqualTo(2L * threads * rounds);
    }
  }

  @Test
  void batches_ofNoKeys_areEmpty_andBadArguments_areRejectedBeforeAnythingIsWritten() {
    assertThat(node.lockAll(List.of(), "w", LONG)).isEmpty();
    assertThat(node.unlockAll(List.of(), List.of(), LONG)).isEmpty();
    byte[] first = key("checked-first");
    byte[] second = key("checked-second");
    node.lock(first, "w", LONG);
    EntryRecord locked = node.inspect(first);
    assertThatThrownBy(() -> node.lockAll(Arrays.asList(first, null), "w", LONG))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("keys[1]");
    assertThatThrownBy(() -> node.lockAll(List.of(first), "a b", LONG))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lockId");
    assertThatThrownBy(() -> node.lockAll(List.of(first), "w", null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> node.unlockAll(List.of(first, second),
        List.of(Unlock.rolledBack("w")), LONG))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pair up");
    assertThatThrownBy(() -> node.unlockAll(List.of(first, second),
        Arrays.asList(Unlock.rolledBack("w"), null), LONG))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("unlocks[1]");
    assertThatThrownBy(() -> node.unlockAll(List.of(first), null, LONG))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("unlocks");
    assertSameRecord(node.inspect(first), locked, "the first key was neither locked nor unlocked");
    assertThat(node.inspect(second)).as("nothing was written").isNull();
  }

  @Test
  void records_expireAfterTheirTime() throws InterruptedException {
    EntryTimes quick = EntryTimes.of(Duration.ofMillis(300), Duration.ofMillis(300),
        Duration.ofMillis(300), Duration.ofMillis(300));
    byte[] value = key("expiring-value");
    byte[] lock = key("expiring-lock");
    byte[] tombstone = key("expiring-tombstone");
    byte[] lease = key("expiring-lease");
    assertThat(node.afterInsert(value, bytes("v"), 1, quick)).isEqualTo(InsertOutcome.STORED);
    assertThat(node.lock(lock, "w", quick)).isFalse();
    assertThat(node.evict(tombstone, quick)).isEqualTo(EvictOutcome.TOMBSTONED);
    String token = node.getOrLease(lease, true, "n", quick).leaseToken();
    awaitAbsent(value);
    awaitAbsent(lock);
    awaitAbsent(tombstone);
    awaitAbsent(lease);
    assertThat(node.putFromLoad(lease, bytes("late"), 1, token, false, quick))
        .as("an expired lease is worthless").isEqualTo(PutOutcome.REJECTED_LEASE);
    assertThat(node.putFromLoad(tombstone, bytes("free"), Lookup.NO_VERSION, null, false, quick))
        .as("an expired tombstone blocks nothing").isEqualTo(PutOutcome.STORED);
    assertThat(node.getOrLease(value, false, "n", quick)).isEqualTo(Lookup.miss());
    assertThat(node.unlock(lock, Unlock.committedValue("w", bytes("late"), 2), LONG))
        .as("an expired lock is lost: the value is never written").isEqualTo(UnlockOutcome.LOCK_LOST);
    assertThat(node.inspect(lock).state()).isEqualTo(EntryRecord.State.TOMBSTONE);
  }

  @Test
  void manyThreadsOnOneKey_onlyASoleCommittedWriterEverWritesAValue() throws Exception {
    // Writers lock, then unlock with a value; readers read all along. Every value a reader sees
    // must come from an unlock that reported WROTE_VALUE, and no lock may be left behind.
    byte[] k = key("contended");
    int writers = 6;
    int rounds = 150;
    Set<String> written = ConcurrentHashMap.newKeySet();
    Set<String> seen = ConcurrentHashMap.newKeySet();
    AtomicBoolean done = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(writers + 2);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> tasks = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        tasks.add(pool.submit(() -> {
          start.await();
          for (int r = 0; r < rounds; r++) {
            String id = "w" + writer + "-" + r;
            node.lock(k, id, LONG);
            if (node.unlock(k, Unlock.committedValue(id, bytes(id), Lookup.NO_VERSION), LONG)
                == UnlockOutcome.WROTE_VALUE) {
              written.add(id);
            }
          }
          return null;
        }));
      }
      for (int rd = 0; rd < 2; rd++) {
        tasks.add(pool.submit(() -> {
          start.await();
          while (!done.get()) {
            Lookup found = node.getOrLease(k, false, "r", LONG);
            if (found.isHit()) {
              seen.add(new String(found.value(), UTF_8));
            }
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> task : tasks.subList(0, writers)) {
        task.get(60, TimeUnit.SECONDS);
      }
      done.set(true);
      for (Future<?> task : tasks) {
        task.get(60, TimeUnit.SECONDS);
      }
    } finally {
      done.set(true);
      pool.shutdownNow();
    }
    assertThat(written).as("some writes went through uncontended").isNotEmpty();
    assertThat(written).containsAll(seen);
    EntryRecord last = Objects.requireNonNull(node.inspect(k));
    assertThat(last.state()).isIn(EntryRecord.State.VALUE, EntryRecord.State.TOMBSTONE);
    if (last.state() == EntryRecord.State.VALUE) {
      assertThat(written).contains(new String(Objects.requireNonNull(last.value()), UTF_8));
    }
  }

  // ---- dropping a value

  @Test
  void dropValue_removesExactlyTheExpectedValue_leavingTheKeyAbsent() {
    byte[] k = key("drop-value");
    byte[] value = new byte[70_000];
    new Random(7).nextBytes(value); // every byte value, and longer than a packet
    assertThat(node.putFromLoad(k, value, 3, null, false, LONG)).isEqualTo(PutOutcome.STORED);
    byte[] other = value.clone();
    other[other.length - 1] ^= 1;
    assertThat(node.dropValue(k, other)).as("a value differing in its last byte").isFalse();
    assertThat(node.dropValue(k, Arrays.copyOf(value, value.length - 1))).as("a prefix")
        .isFalse();
    assertThat(node.dropValue(k, bytes(""))).as("nothing").isFalse();
    assertThat(node.inspect(k).value()).isEqualTo(value);

    assertThat(node.dropValue(k, value)).isTrue();
    assertThat(node.inspect(k)).as("absent, not a tombstone").isNull();
    assertThat(node.dropValue(k, value)).as("already gone").isFalse();
    assertThat(node.putFromLoad(k, bytes("again"), 3, null, false, LONG))
        .as("a naked put of the same version, into the absent key").isEqualTo(PutOutcome.STORED);
    node.put(key("drop-plain"), bytes("plain"), 60_000);
    assertThat(node.dropValue(key("drop-plain"), bytes("plain"))).as("a plain put's value")
        .isTrue();
    assertThat(node.get(key("drop-plain"))).isNull();
  }

  @Test
  void dropValue_leavesALockATombstoneALeaseAndAnAbsentKeyAsTheyAre() {
    byte[] v = bytes("v");
    byte[] locked = key("drop-locked");
    node.putFromLoad(locked, v, 1, null, false, LONG);
    node.lock(locked, "w1", LONG);
    byte[] tombstone = key("drop-tombstone");
    node.putFromLoad(tombstone, v, 1, null, false, LONG);
    node.evict(tombstone, LONG);
    byte[] leased = key("drop-leased");
    node.getOrLease(leased, true, "r1", LONG);
    byte[] absent = key("drop-absent");
    for (byte[] k : List.of(locked, tombstone, leased, absent)) {
      EntryRecord before = node.inspect(k);
      assertThat(node.dropValue(k, v)).as(new String(k, UTF_8)).isFalse();
      assertSameRecord(node.inspect(k), before, "after dropping " + new String(k, UTF_8));
    }
    assertThat(node.inspect(absent)).isNull();
    assertThat(node.unlock(locked, Unlock.committedValue("w1", bytes("w"), 2), LONG))
        .as("the lock is still there to write through").isEqualTo(UnlockOutcome.WROTE_VALUE);
  }

  @Test
  void dropValue_racingAWriter_neverRemovesTheWritersLock() throws Exception {
    // Each round, a reader drops the value it saw while a writer locks the key: whichever goes
    // first, the lock must be there afterwards (a drop that lost the race leaves it alone).
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 200; round++) {
        byte[] k = key("drop-race-" + round);
        byte[] v = bytes("v" + round);
        String lockId = "w" + round;
        node.putFromLoad(k, v, round, null, false, LONG);
        CountDownLatch start = new CountDownLatch(1);
        Future<Boolean> drop = pool.submit(() -> {
          start.await();
          return node.dropValue(k, v);
        });
        Future<Boolean> lock = pool.submit(() -> {
          start.await();
          return node.lock(k, lockId, LONG);
        });
        start.countDown();
        drop.get(30, TimeUnit.SECONDS);
        lock.get(30, TimeUnit.SECONDS);
        EntryRecord after = node.inspect(k);
        assertThat(after).as("round %d", round).isNotNull();
        assertThat(after.state()).as("round %d", round).isEqualTo(EntryRecord.State.LOCKED);
        assertThat(after.lockIds()).containsExactly(lockId);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void dropValue_withBadArguments_isRejected() {
    assertThatThrownBy(() -> node.dropValue(null, bytes("v")))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> node.dropValue(key("k"), null))
        .isInstanceOf(NullPointerException.class);
  }

  // ---- usage

  @Test
  void usage_countsTheRecordsOfEveryKind_underALiteralPrefix() {
    String under = "u*[?]\\:"; // glob characters, to be taken literally
    node.put(key(under + "plain"), bytes("v"), 60_000);
    node.putFromLoad(key(under + "value"), bytes("loaded"), 1, null, false, LONG);
    node.lock(key(under + "locked"), "w1", LONG);
    node.evict(key(under + "tombstone"), LONG);
    node.increment(key(under + "counter"), 1, 60_000);
    node.put(key("uX[?]\\:glob-would-match"), bytes("v"), 60_000);
    node.put(key("elsewhere"), bytes("v"), 60_000);

    NodeUsage usage = node.usage(key(under));
    assertThat(usage.nodeId()).isEqualTo(node.id());
    assertThat(usage.entries()).isEqualTo(5);
    assertThat(usage.bytes()).as("at least the keys").isGreaterThanOrEqualTo(5L * key(under).length);
    assertThat(node.usage(key("nothing-here:")).entries()).isZero();
    assertThat(node.usage(key("")).entries()).as("the whole test's keys").isEqualTo(7);
  }

  // ---- counters

  @Test
  void increment_ofAnAbsentKey_startsAtTheSeed_andThenCountsUpByOne() {
    byte[] k = key("counter");
    assertThat(node.increment(k, 41, 60_000)).isEqualTo(41);
    assertThat(node.increment(k, 41, 60_000)).isEqualTo(42);
    assertThat(node.increment(k, 7, 60_000)).as("a seed counts only for a new counter")
        .isEqualTo(43);
    byte[] fromZero = key("counter-from-zero");
    assertThat(node.increment(fromZero, 0, 60_000)).isZero();
    assertThat(node.increment(fromZero, 0, 60_000)).isEqualTo(1);
  }

  @Test
  void increment_countsIn64Bits_pastWhatADoubleHoldsExactly() {
    // 2^53 + 1 and 2^53 + 3 have no double: a node that counts through one returns a neighbour.
    long seed = 9_007_199_254_740_993L;
    byte[] k = key("big-counter");
    assertThat(node.increment(k, seed, 60_000)).isEqualTo(seed);
    assertThat(node.increment(k, seed, 60_000)).isEqualTo(seed + 1);
    assertThat(node.increment(k, seed, 60_000)).isEqualTo(seed + 2);
    byte[] top = key("top-counter");
    assertThat(node.increment(top, Long.MAX_VALUE - 1, 60_000)).isEqualTo(Long.MAX_VALUE - 1);
    assertThat(node.increment(top, 0, 60_000)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void increment_fromManyThreads_givesEveryCallAValueOfItsOwn_withoutGaps() throws Exception {
    byte[] k = key("shared-counter");
    long seed = 1_000;
    int threads = 6;
    int each = 200;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<List<Long>>> counted = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        counted.add(pool.submit(() -> {
          start.await();
          List<Long> values = new ArrayList<>();
          for (int i = 0; i < each; i++) {
            values.add(node.increment(k, seed, 60_000));
          }
          return values;
        }));
      }
      start.countDown();
      Set<Long> all = new HashSet<>();
      for (Future<List<Long>> values : counted) {
        List<Long> mine = values.get(60, TimeUnit.SECONDS);
        assertThat(mine).as("one thread's values rise").isSorted().doesNotHaveDuplicates();
        all.addAll(mine);
      }
      assertThat(all).as("no value given twice").hasSize(threads * each);
      assertThat(Collections.min(all)).isEqualTo(seed);
      assertThat(Collections.max(all)).as("no value skipped").isEqualTo(seed + threads * each - 1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void increment_ofAnExpiredCounter_startsAgainAtTheSeed_andNotBeforeItsTime()
      throws InterruptedException {
    byte[] k = key("expiring-counter");
    long ttlMillis = 300;
    long created = System.nanoTime();
    assertThat(node.increment(k, 100, ttlMillis)).isEqualTo(100);
    assertThat(node.increment(k, 100, ttlMillis)).isEqualTo(101);
    // Polling with the increment itself: each one counts on but leaves the lifetime as it was, so
    // a node that extended it on every increment would never start again.
    long deadline = created + TimeUnit.SECONDS.toNanos(10);
    long previous = 101;
    while (true) {
      long value = node.increment(k, 100, ttlMillis);
      if (value == 100) {
        break;
      }
      assertThat(value).as("counting on until it expires").isEqualTo(previous + 1);
      previous = value;
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the counter did not expire within 10 s; it is at " + value);
      }
      Thread.sleep(20); // polling a condition with a deadline, not waiting a fixed time
    }
    assertThat(System.nanoTime() - created).as("not before its time (clocks in whole ms)")
        .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(ttlMillis - 1));
    assertThat(node.increment(k, 100, ttlMillis)).isEqualTo(101);
  }

  @Test
  void increment_withALifetimeOver30Days_keepsCounting() {
    // Memcached reads an exptime over 30 days as an absolute time: given as relative seconds, it
    // would be a time in 1970, and the counter would be gone at once.
    byte[] k = key("forty-day-counter");
    long fortyDays = Duration.ofDays(40).toMillis();
    assertThat(node.increment(k, 5, fortyDays)).isEqualTo(5);
    assertThat(node.increment(k, 5, fortyDays)).isEqualTo(6);
    byte[] year = key("year-counter");
    assertThat(node.increment(year, 5, EntryTimes.MAX_TTL.toMillis())).isEqualTo(5);
    assertThat(node.increment(year, 5, EntryTimes.MAX_TTL.toMillis())).isEqualTo(6);
  }

  @Test
  void increment_withBadArguments_isRejected_andCreatesNoCounter() {
    byte[] k = key("bad-counter");
    assertThatThrownBy(() -> node.increment(k, -1, 60_000))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("seed");
    assertThatThrownBy(() -> node.increment(k, 1, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("365 days");
    assertThatThrownBy(() -> node.increment(k, 1, Long.MAX_VALUE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("365 days");
    assertThatThrownBy(() -> node.increment(null, 1, 60_000))
        .isInstanceOf(NullPointerException.class);
    assertThat(node.increment(k, 3, 60_000)).as("no counter was made").isEqualTo(3);
  }

  @Test
  void clear_removesCounters_whichThenStartAgainAtTheSeed() {
    byte[] k = key("cleared-counter");
    assertThat(node.increment(k, 10, 60_000)).isEqualTo(10);
    assertThat(node.increment(k, 10, 60_000)).isEqualTo(11);
    node.clear();
    assertThat(node.increment(k, 10, 60_000)).isEqualTo(10);
  }

  // ---- administration

  @Test
  void ping_answers_whenTheServerIsUp() {
    node.ping();
  }

  @Test
  void clear_removesEveryRecord_ofEveryState() {
    byte[] value = key("clear-value");
    byte[] lock = key("clear-lock");
    byte[] tombstone = key("clear-tombstone");
    byte[] lease = key("clear-lease");
    node.put(value, bytes("v"), 60_000);
    node.lock(lock, "w", LONG);
    node.evict(tombstone, LONG);
    node.getOrLease(lease, true, "n", LONG);
    node.clear();
    for (byte[] k : List.of(value, lock, tombstone, lease)) {
      assertThat(node.inspect(k)).as(new String(k, UTF_8)).isNull();
    }
    assertThat(node.get(value)).isNull();
    node.put(value, bytes("again"), 60_000);
    assertThat(node.get(value)).as("a cleared node serves again").isEqualTo(bytes("again"));
  }

  @Test
  void keysTheNodeAccepts_areStoredAsTheyAre() {
    byte[] k = key("accepted");
    assertThat(node.acceptsKey(k)).isTrue();
    byte[] longest = new byte[node.maxKeyLength()];
    java.util.Arrays.fill(longest, (byte) 'k');
    if (node.acceptsKey(longest)) {
      node.put(longest, bytes("v"), 60_000);
      assertThat(node.get(longest)).isEqualTo(bytes("v"));
    }
    byte[] tooLong = new byte[node.maxKeyLength() + 1];
    java.util.Arrays.fill(tooLong, (byte) 'k');
    assertThat(node.acceptsKey(tooLong)).isFalse();
  }

  @Test
  void idsThatNodesCouldStoreDifferently_areRejected() {
    byte[] k = key("ids");
    assertThatThrownBy(() -> node.putFromLoad(k, bytes("v"), 1, "", false, LONG))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leaseToken");
    assertThatThrownBy(() -> node.lock(k, "\uD800", LONG))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lockId");
    assertThatThrownBy(() -> node.getOrLease(k, true, "a b", LONG))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nonce");
    assertThatThrownBy(() -> node.put(k, bytes("v"), Long.MAX_VALUE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("365 days");
    assertThat(node.inspect(k)).as("nothing was written").isNull();
  }

  @Test
  void badInput_isRejected() {
    assertThatThrownBy(() -> node.get(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> node.put(key("k"), null, 1000))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> node.lock(key("k"), null, LONG))
        .isInstanceOf(NullPointerException.class);
  }

  private static Unlock randomUnlock(Random random, String lockId, byte[] value, long version) {
    switch (random.nextInt(4)) {
      case 0:
        return Unlock.committedValue(lockId, value, version);
      case 1:
        return Unlock.committedInvalidate(lockId, version);
      case 2:
        return Unlock.committedDelete(lockId);
      default:
        return Unlock.rolledBack(lockId);
    }
  }

  /** The same record but for its expiry time, which is in each node's own clock. */
  private static void assertSameRecord(@Nullable EntryRecord actual,
      @Nullable EntryRecord expected, String when) {
    if (expected == null) {
      assertThat(actual).as(when).isNull();
      return;
    }
    assertThat(actual).as(when).isNotNull();
    EntryRecord a = Objects.requireNonNull(actual);
    assertThat(a.state()).as(when).isEqualTo(expected.state());
    assertThat(a.value()).as(when).isEqualTo(expected.value());
    assertThat(a.version()).as(when).isEqualTo(expected.version());
    assertThat(a.lockIds()).as(when).isEqualTo(expected.lockIds());
    assertThat(a.concurrent()).as(when).isEqualTo(expected.concurrent());
    assertThat(a.baseVersion()).as(when).isEqualTo(expected.baseVersion());
    assertThat(a.committedVersion()).as(when).isEqualTo(expected.committedVersion());
    assertThat(a.deleted()).as(when).isEqualTo(expected.deleted());
    assertThat(a.generation()).as(when).isEqualTo(expected.generation());
    assertThat(a.leaseToken()).as(when).isEqualTo(expected.leaseToken());
  }

  private void awaitAbsent(byte[] k) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (node.inspect(k) != null) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("record did not expire within 10 s: " + node.inspect(k));
      }
      Thread.sleep(20); // polling a condition with a deadline, not waiting a fixed time
    }
  }

  protected static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }
}
