package dev.ringcache.api.spi;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ringcache.api.EntryTimes;
import dev.ringcache.api.EvictOutcome;
import dev.ringcache.api.InsertOutcome;
import dev.ringcache.api.Lookup;
import dev.ringcache.api.PutOutcome;
import dev.ringcache.api.Unlock;
import dev.ringcache.api.UnlockOutcome;
import dev.ringcache.api.spi.EntryRecord.State;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The reference machine, transition by transition, and the races it exists to close. One key; the
 * record is threaded through each step by hand, so every test reads as a history.
 */
class EntryProtocolTest {
  private static final EntryTimes TIMES = EntryTimes.of(Duration.ofSeconds(100),
      Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(10));
  private static final long NONE = Lookup.NO_VERSION;
  private static final byte[] OLD = "old".getBytes(UTF_8);
  private static final byte[] NEW = "new".getBytes(UTF_8);

  private @Nullable EntryRecord record;
  private long now = 1_000;

  private <R> R step(EntryProtocol.Step<R> step) {
    record = step.record();
    return step.result();
  }

  private Lookup read(boolean wantLease, String nonce) {
    return step(EntryProtocol.getOrLease(record, wantLease, nonce, TIMES, now));
  }

  private PutOutcome load(byte[] value, long version, @Nullable String lease) {
    return step(EntryProtocol.putFromLoad(record, value, version, lease, false, TIMES, now));
  }

  private boolean lock(String id) {
    return step(EntryProtocol.lock(record, id, TIMES, now));
  }

  private UnlockOutcome unlock(Unlock unlock) {
    return step(EntryProtocol.unlock(record, unlock, TIMES, now));
  }

  private boolean drop(byte[] expected) {
    return step(EntryProtocol.dropValue(record, expected, now));
  }

  private void value(byte[] value, long version) {
    record = EntryRecord.ofValue(value, version, now + TIMES.valueTtlMillis());
  }

  @Test
  void missOnAbsentKey_grantsALease_thatOnlyItsHolderCanFill() {
    Lookup first = read(true, "a");
    assertThat(first.kind()).isEqualTo(Lookup.Kind.LEASED);
    assertThat(first.leaseToken()).isEqualTo("1:a");
    assertThat(record.state()).isEqualTo(State.LEASE);
    assertThat(record.expiresAtMillis()).isEqualTo(now + TIMES.leaseTtlMillis());
    assertThat(read(true, "b").kind()).as("a second reader gets no lease").isEqualTo(Lookup.Kind.MISS);
    assertThat(load(OLD, 1, "1:b")).isEqualTo(PutOutcome.REJECTED_LEASE);
    assertThat(load(OLD, 1, null)).as("no naked put over a lease").isEqualTo(PutOutcome.REJECTED_TOMBSTONE);
    assertThat(load(OLD, 1, "1:a")).isEqualTo(PutOutcome.STORED);
    assertThat(read(true, "c")).isEqualTo(Lookup.hit(OLD, 1));
  }

  @Test
  void missWithoutLease_changesNothing() {
    assertThat(read(false, "a")).isEqualTo(Lookup.miss());
    assertThat(record).isNull();
  }

  @Test
  void stalePutRace_aLoadReadBeforeAnUpdate_neverOverwritesIt() {
    // Reader misses and leases, reads OLD from the database; a writer locks, commits NEW, unlocks.
    String lease = read(true, "r").leaseToken();
    assertThat(lock("w")).isFalse();
    assertThat(load(OLD, NONE, lease)).isEqualTo(PutOutcome.REJECTED_LOCKED);
    assertThat(unlock(Unlock.committedValue("w", NEW, NONE))).isEqualTo(UnlockOutcome.WROTE_VALUE);
    assertThat(load(OLD, NONE, lease)).as("the lease died with the lock").isEqualTo(PutOutcome.REJECTED_LEASE);
    assertThat(read(true, "x")).isEqualTo(Lookup.hit(NEW, NONE));
  }

  @Test
  void stalePutRace_afterAnInvalidateOnlyUpdate_leavesATombstoneThatRefusesTheOldLoad() {
    String lease = read(true, "r").leaseToken();
    lock("w");
    assertThat(unlock(Unlock.committedInvalidate("w", NONE))).isEqualTo(UnlockOutcome.WROTE_TOMBSTONE);
    assertThat(load(OLD, NONE, lease)).isEqualTo(PutOutcome.REJECTED_LEASE);
    assertThat(load(OLD, NONE, null)).isEqualTo(PutOutcome.REJECTED_TOMBSTONE);
    assertThat(read(false, "x")).isEqualTo(Lookup.miss());
    assertThat(read(true, "y").kind()).as("a tombstone grants a fresh lease").isEqualTo(Lookup.Kind.LEASED);
  }

  @Test
  void evict_killsAnOutstandingLease() {
    String lease = read(true, "r").leaseToken();
    assertThat(step(EntryProtocol.evict(record, TIMES, now))).isEqualTo(EvictOutcome.TOMBSTONED);
    assertThat(load(OLD, NONE, lease)).isEqualTo(PutOutcome.REJECTED_LEASE);
  }

  @Test
  void lockedKey_readsAsLocked_andRefusesEveryPut() {
    value(OLD, 3);
    lock("w");
    assertThat(read(true, "r")).isEqualTo(Lookup.locked());
    assertThat(load(NEW, 9, null)).isEqualTo(PutOutcome.REJECTED_LOCKED);
    assertThat(step(EntryProtocol.afterInsert(record, NEW, 9, TIMES, now))).isEqualTo(InsertOutcome.SKIPPED);
    assertThat(record.baseVersion()).isEqualTo(3);
    assertThat(record.expiresAtMillis()).isEqualTo(now + TIMES.lockTtlMillis());
  }

  @Test
  void twoWriters_neitherWritesThrough_andTheTombstoneKeepsTheNewestVersion() {
    value(OLD, 3);
    assertThat(lock("a")).isFalse();
    assertThat(lock("b")).as("b meets a").isTrue();
    assertThat(record.concurrent()).isTrue();
    assertThat(unlock(Unlock.committedValue("a", "A".getBytes(UTF_8), 4))).isEqualTo(UnlockOutcome.STILL_LOCKED);
    assertThat(unlock(Unlock.committedValue("b", "B".getBytes(UTF_8), 5))).isEqualTo(UnlockOutcome.WROTE_TOMBSTONE);
    assertThat(record.state()).isEqualTo(State.TOMBSTONE);
    assertThat(record.version()).isEqualTo(5);
    assertThat(load(OLD, 4, null)).as("a load of version 4 is stale").isEqualTo(PutOutcome.REJECTED_TOMBSTONE);
    assertThat(load(NEW, 5, null)).as("a load of the newest version is fine").isEqualTo(PutOutcome.STORED);
  }

  @Test
  void twoWriters_oneRollsBack_theOtherStillCannotWriteThrough() {
    value(OLD, 3);
    lock("a");
    lock("b");
    assertThat(unlock(Unlock.rolledBack("a"))).isEqualTo(UnlockOutcome.STILL_LOCKED);
    assertThat(unlock(Unlock.committedValue("b", NEW, 4))).isEqualTo(UnlockOutcome.WROTE_TOMBSTONE);
    assertThat(record.version()).isEqualTo(4);
  }

  @Test
  void sameWriterLockingTwice_isNotConcurrent_andWritesThrough() {
    lock("a");
    assertThat(lock("a")).isFalse();
    assertThat(record.concurrent()).isFalse();
    assertThat(record.lockIds()).containsExactly("a");
    assertThat(unlock(Unlock.committedValue("a", NEW, 1))).isEqualTo(UnlockOutcome.WROTE_VALUE);
  }

  @Test
  void rollback_leavesATombstoneOfTheVersionBeforeTheLock() {
    value(OLD, 3);
    lock("w");
    assertThat(unlock(Unlock.rolledBack("w"))).isEqualTo(UnlockOutcome.WROTE_TOMBSTONE);
    assertThat(record.state()).isEqualTo(State.TOMBSTONE);
    assertThat(record.version()).isEqualTo(3);
    assertThat(load(OLD, 3, null)).as("the unchanged row may come back").isEqualTo(PutOutcome.STORED);
  }

  @Test
  void committedDelete_refusesEveryLaterPutWithoutALease() {
    value(OLD, 3);
    lock("w");
    assertThat(unlock(Unlock.committedDelete("w"))).isEqualTo(UnlockOutcome.WROTE_TOMBSTONE);
    assertThat(record.deleted()).isTrue();
    assertThat(load(OLD, 3, null)).isEqualTo(PutOutcome.REJECTED_TOMBSTONE);
    assertThat(load(OLD, 99, null)).isEqualTo(PutOutcome.REJECTED_TOMBSTONE);
    assertThat(step(EntryProtocol.afterInsert(record, NEW, 99, TIMES, now))).isEqualTo(InsertOutcome.SKIPPED);
  }

  @Test
  void deleteMergedIntoAnotherWritersLock_survivesItsRollback() {
    // Without the deleted flag on the lock, the tombstone would carry version 3, and a stale load
    // of version 3 could put the deleted row back.
    value(OLD, 3);
    lock("a");
    lock("b");
    assertThat(unlock(Unlock.committedDelete("a"))).isEqualTo(UnlockOutcome.STILL_LOCKED);
    assertThat(unlock(Unlock.rolledBack("b"))).isEqualTo(UnlockOutcome.WROTE_TOMBSTONE);
    assertThat(record.deleted()).isTrue();
    assertThat(load(OLD, 3, null)).isEqualTo(PutOutcome.REJECTED_TOMBSTONE);
  }

  @Test
  void unlockWhoseLockIsGone_neverWritesItsValue() {
    value(OLD, 3);
    lock("w");
    now += TIMES.lockTtlMillis(); // the lock expired (writer paused between commit and unlock)
    assertThat(record.expiresAtMillis()).isLessThanOrEqualTo(now);
    assertThat(unlock(Unlock.committedValue("w", NEW, 4))).isEqualTo(UnlockOutcome.LOCK_LOST);
    assertThat(record.state()).isEqualTo(State.TOMBSTONE);
    assertThat(record.version()).isEqualTo(4);
  }

  @Test
  void unlockWhoseLockWasReplacedByAnotherWriters_mergesAndForbidsItsWriteThrough() {
    lock("other");
    assertThat(unlock(Unlock.committedValue("me", NEW, 7))).isEqualTo(UnlockOutcome.MERGED);
    assertThat(record.concurrent()).isTrue();
    assertThat(record.committedVersion()).isEqualTo(7);
    assertThat(unlock(Unlock.committedValue("other", OLD, 6))).isEqualTo(UnlockOutcome.WROTE_TOMBSTONE);
    assertThat(record.version()).isEqualTo(7);
  }

  @Test
  void nakedPuts_followTheVersionRules() {
    assertThat(load(OLD, 3, null)).as("into an absent key").isEqualTo(PutOutcome.STORED);
    assertThat(load(OLD, 3, null)).as("same version").isEqualTo(PutOutcome.REJECTED_PRESENT);
    assertThat(load(OLD, 2, null)).as("older").isEqualTo(PutOutcome.REJECTED_PRESENT);
    assertThat(step(EntryProtocol.putFromLoad(record, NEW, 4, null, true, TIMES, now)))
        .as("newer, but a minimal put never overwrites").isEqualTo(PutOutcome.REJECTED_PRESENT);
    assertThat(load(NEW, 4, null)).as("newer").isEqualTo(PutOutcome.STORED);
    assertThat(load(NEW, NONE, null)).as("unversioned over a value").isEqualTo(PutOutcome.REJECTED_PRESENT);
    step(EntryProtocol.evict(record, TIMES, now));
    assertThat(load(OLD, 3, null)).as("older than the tombstone").isEqualTo(PutOutcome.REJECTED_TOMBSTONE);
    assertThat(load(NEW, NONE, null)).as("unversioned over a tombstone").isEqualTo(PutOutcome.REJECTED_TOMBSTONE);
    assertThat(load(NEW, 4, null)).as("the tombstone's version").isEqualTo(PutOutcome.STORED);
  }

  @Test
  void unversionedTombstone_refusesEveryNakedPut() {
    value(OLD, NONE);
    step(EntryProtocol.evict(record, TIMES, now));
    assertThat(record.version()).isEqualTo(NONE);
    assertThat(load(NEW, 5, null)).isEqualTo(PutOutcome.REJECTED_TOMBSTONE);
  }

  @Test
  void afterInsert_storesOnlyIntoAbsentKeysOrOverAnOlderTombstone() {
    assertThat(step(EntryProtocol.afterInsert(record, OLD, 1, TIMES, now))).isEqualTo(InsertOutcome.STORED);
    assertThat(step(EntryProtocol.afterInsert(record, NEW, 2, TIMES, now))).isEqualTo(InsertOutcome.SKIPPED);
    step(EntryProtocol.evict(record, TIMES, now));
    assertThat(step(EntryProtocol.afterInsert(record, NEW, 1, TIMES, now))).isEqualTo(InsertOutcome.SKIPPED);
    assertThat(step(EntryProtocol.afterInsert(record, NEW, 2, TIMES, now))).isEqualTo(InsertOutcome.STORED);
  }

  @Test
  void evictDuringALock_forbidsThatLocksWriteThrough() {
    // W locks and commits v6; meanwhile another change commits v7 and evicts. W's unlock must not
    // write v6 back over it.
    value(OLD, 5);
    lock("w");
    assertThat(step(EntryProtocol.evict(record, TIMES, now))).isEqualTo(EvictOutcome.KEPT_LOCK);
    assertThat(unlock(Unlock.committedValue("w", NEW, 6))).isEqualTo(UnlockOutcome.WROTE_TOMBSTONE);
    assertThat(load(OLD, 5, null)).isEqualTo(PutOutcome.REJECTED_TOMBSTONE);
  }

  @Test
  void idsAndLifetimes_areChecked_soEveryNodeStoresThemAlike() {
    for (String bad : new String[] {"", " ", "a b", "\uD800", "caf\u00e9", "x".repeat(201)}) {
      String id = bad.replace("\\uD800", "\uD800").replace("\\u00e9", "\u00e9");
      assertThatThrownBy(() -> lock(id))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lockId");
      assertThatThrownBy(() -> Unlock.rolledBack(id))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> read(true, id))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nonce");
      assertThatThrownBy(() -> load(OLD, 1, id))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leaseToken");
    }
    assertThatThrownBy(
            () -> EntryProtocol.put(null, OLD, Long.MAX_VALUE, now))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("365 days");
    assertThatThrownBy(
            () -> EntryTimes.of(Duration.ofDays(200), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void evict_tombstonesAnything_butAlock() {
    assertThat(step(EntryProtocol.evict(record, TIMES, now))).isEqualTo(EvictOutcome.TOMBSTONED);
    assertThat(record.state()).as("even an absent key: it blocks stale naked puts").isEqualTo(State.TOMBSTONE);
    value(OLD, 3);
    step(EntryProtocol.evict(record, TIMES, now));
    assertThat(record.version()).isEqualTo(3);
    lock("w");
    long generation = record.generation();
    assertThat(step(EntryProtocol.evict(record, TIMES, now))).isEqualTo(EvictOutcome.KEPT_LOCK);
    assertThat(record.state()).isEqualTo(State.LOCKED);
    assertThat(record.generation()).isEqualTo(generation + 1);
  }

  @Test
  void dropValue_ofTheValueRead_leavesTheKeyAbsent_soTheNextLoadCachesAtOnce() {
    value(OLD, 3);
    assertThat(drop(NEW)).as("another value").isFalse();
    assertThat(record.value()).isEqualTo(OLD);
    assertThat(drop("ol".getBytes(UTF_8))).as("a prefix of the value").isFalse();
    assertThat(drop(OLD)).isTrue();
    assertThat(record).as("absent, not a tombstone").isNull();
    assertThat(load(NEW, 3, null)).as("a naked put of the same version").isEqualTo(PutOutcome.STORED);
    assertThat(drop(NEW)).isTrue();
    assertThat(read(true, "a").kind()).isEqualTo(Lookup.Kind.LEASED);
    assertThat(record.generation()).as("a new record starts over").isEqualTo(1);
  }

  @Test
  void dropValue_leavesLocksTombstonesLeasesAndAbsentKeysAsTheyAre() {
    assertThat(drop(OLD)).as("absent").isFalse();
    assertThat(record).isNull();
    read(true, "a");
    EntryRecord lease = record;
    assertThat(drop(OLD)).as("a lease").isFalse();
    assertThat(record).isSameAs(lease);
    value(OLD, 1);
    lock("w");
    EntryRecord locked = record;
    assertThat(drop(OLD)).as("the lock that replaced it").isFalse();
    assertThat(record).isSameAs(locked);
    unlock(Unlock.committedInvalidate("w", 2));
    EntryRecord tombstone = record;
    assertThat(drop(OLD)).as("a tombstone").isFalse();
    assertThat(record).isSameAs(tombstone);
    value(OLD, 1);
    now += TIMES.valueTtlMillis();
    assertThat(drop(OLD)).as("an expired value").isFalse();
    assertThat(record).isNull();
  }

  @Test
  void expiredRecords_readAsAbsent() {
    value(OLD, 1);
    now += TIMES.valueTtlMillis();
    assertThat(read(true, "a").kind()).isEqualTo(Lookup.Kind.LEASED);
    assertThat(record.generation()).as("a new record starts over").isEqualTo(1);
  }

  @Test
  void aLease_neverShortensTheTombstoneItReplaces() {
    EntryTimes shortLease = EntryTimes.of(Duration.ofSeconds(100), Duration.ofMillis(5),
        Duration.ofSeconds(20), Duration.ofSeconds(10));
    step(EntryProtocol.evict(record, shortLease, now));
    long tombstoneEnd = record.expiresAtMillis();
    step(EntryProtocol.getOrLease(record, true, "r", shortLease, now));
    assertThat(record.state()).isEqualTo(State.LEASE);
    assertThat(record.expiresAtMillis()).isEqualTo(tombstoneEnd);
  }

  @Test
  void plainPut_overwritesEvenALock_andPlainDeleteRemovesAll() {
    lock("w");
    step(EntryProtocol.put(record, NEW, 1000, now));
    assertThat(step(EntryProtocol.get(record, now))).isEqualTo(NEW);
    assertThat(step(EntryProtocol.delete(record, now))).isTrue();
    assertThat(record).isNull();
    assertThat(step(EntryProtocol.delete(record, now))).isFalse();
  }

  @Test
  void everyLockAndInvalidation_advancesTheGeneration() {
    read(true, "a");
    assertThat(record.generation()).isEqualTo(1);
    lock("w");
    assertThat(record.generation()).isEqualTo(2);
    unlock(Unlock.committedValue("w", NEW, NONE));
    assertThat(record.generation()).isEqualTo(3);
    step(EntryProtocol.evict(record, TIMES, now));
    assertThat(record.generation()).isEqualTo(4);
    assertThat(read(true, "b").leaseToken()).isEqualTo("5:b");
  }
}
