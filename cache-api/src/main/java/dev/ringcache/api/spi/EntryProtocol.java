package dev.ringcache.api.spi;

import dev.ringcache.api.EntryTimes;
import dev.ringcache.api.EvictOutcome;
import dev.ringcache.api.InsertOutcome;
import dev.ringcache.api.Lookup;
import dev.ringcache.api.PutOutcome;
import dev.ringcache.api.Unlock;
import dev.ringcache.api.UnlockOutcome;
import dev.ringcache.api.spi.EntryRecord.State;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The entry protocol of DESIGN.md §4 as pure functions: the specification every node reproduces.
 *
 * <p>Each operation takes the record under one key (null when absent; an expired record counts as
 * absent), the operation's arguments and the node's clock, and returns a {@link Step}: the record
 * after the operation (null when absent) and the operation's result. A node must perform each
 * operation as one atomic step on its key: the in-process node applies these functions inside a
 * per-key compute; the Redis node runs a script with the same rules; the contract and differential
 * tests hold every node to them.
 *
 * <p>The rules, in short: a value is served only from {@link State#VALUE}; a lock keeps values out
 * until its last holder unlocks; only a sole writer that committed and did not meet another writer
 * writes its value through, every other unlock leaves a tombstone; tombstones and leases refuse
 * puts of data that may have been read before an invalidation; an unlock that does not find its
 * lock never writes a value.
 *
 * <p>Immutable and thread-safe (stateless).
 */
public final class EntryProtocol {
  /** The longest lock id, nonce or lease token accepted. */
  public static final int MAX_ID_LENGTH = 200;

  private EntryProtocol() {}

  /**
   * Checks a lock id, nonce or lease token: 1 to {@value #MAX_ID_LENGTH} printable ASCII characters
   * (0x21 to 0x7E), so that every node stores and compares it byte for byte alike. A lock id must be
   * unique to its transaction and never reused: a reused id joins a lock left by its earlier holder
   * as that holder.
   */
  public static String checkId(String what, String id) {
    Objects.requireNonNull(id, what);
    if (id.isEmpty() || id.length() > MAX_ID_LENGTH) {
      throw new IllegalArgumentException(what + " must have 1 to " + MAX_ID_LENGTH
          + " characters, had " + id.length());
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c < 0x21 || c > 0x7E) {
        throw new IllegalArgumentException(what + " must be printable ASCII without spaces; '"
            + id + "' has character " + (int) c + " at " + i);
      }
    }
    return id;
  }

  /**
   * The record after an operation, and its result.
   *
   * <p>Immutable and thread-safe.
   *
   * @param <R> the result type
   */
  public static final class Step<R> {
    private final @Nullable EntryRecord record;
    private final R result;

    Step(@Nullable EntryRecord record, R result) {
      this.record = record;
      this.result = result;
    }

    /** The record after the operation, or null if the key is absent. */
    public @Nullable EntryRecord record() {
      return record;
    }

    public R result() {
      return result;
    }

    @Override
    public String toString() {
      return result + " -> " + (record == null ? "absent" : record);
    }
  }

  /** A plain read: the value of a {@link State#VALUE} record, else null. Changes nothing. */
  public static Step<byte @Nullable []> get(@Nullable EntryRecord current, long now) {
    EntryRecord r = live(current, now);
    return new Step<>(r, r != null && r.state() == State.VALUE ? r.value() : null);
  }

  /**
   * A plain, unconditional write of an unversioned value. It overwrites locks and tombstones, so
   * it is for direct use of a cache, never for entries under the protocol.
   */
  public static Step<Boolean> put(@Nullable EntryRecord current, byte[] value, long ttlMillis,
      long now) {
    Objects.requireNonNull(value, "value");
    EntryTimes.checkTtlMillis(ttlMillis);
    return new Step<>(EntryRecord.value(value, Lookup.NO_VERSION, 0, now + ttlMillis), true);
  }

  /** A plain delete: the key becomes absent, whatever it held. */
  public static Step<Boolean> delete(@Nullable EntryRecord current, long now) {
    return new Step<>(null, live(current, now) != null);
  }

  /**
   * A protocol read. A value is a hit; a lock or another reader's lease is a miss without a lease;
   * an absent key or a tombstone is a miss, and, if {@code wantLease}, the key becomes a lease for
   * this reader, whose token is the new generation and {@code nonce}.
   */
  public static Step<Lookup> getOrLease(@Nullable EntryRecord current, boolean wantLease,
      String nonce, EntryTimes times, long now) {
    checkId("nonce", nonce);
    EntryRecord r = live(current, now);
    if (r != null && r.state() == State.VALUE) {
      return new Step<>(r, Lookup.hit(Objects.requireNonNull(r.value()), r.version()));
    }
    if (r != null && r.state() == State.LOCKED) {
      return new Step<>(r, Lookup.locked());
    }
    if (r != null && r.state() == State.LEASE) {
      return new Step<>(r, Lookup.miss());
    }
    if (!wantLease) {
      return new Step<>(r, Lookup.miss());
    }
    long generation = generation(r) + 1;
    String token = generation + ":" + nonce;
    // A lease never shortens the life of the tombstone it replaces.
    long expires = Math.max(r == null ? now : r.expiresAtMillis(), now + times.leaseTtlMillis());
    EntryRecord lease = new EntryRecord(State.LEASE, null, Lookup.NO_VERSION, List.of(), false,
        Lookup.NO_VERSION, Lookup.NO_VERSION, false, generation, token, expires);
    return new Step<>(lease, Lookup.leased(token));
  }

  /**
   * A put of a value loaded from the database. With a lease token: stored only if the key still
   * holds that lease. Without one ("naked", e.g. entities found by a query): stored into an absent
   * key; over a value only if strictly newer and {@code minimal} is false; over a tombstone only if
   * both are versioned and the value's version is at least the tombstone's. Never over a lock.
   */
  public static Step<PutOutcome> putFromLoad(@Nullable EntryRecord current, byte[] value,
      long version, @Nullable String leaseToken, boolean minimal, EntryTimes times, long now) {
    Objects.requireNonNull(value, "value");
    if (leaseToken != null) {
      checkId("leaseToken", leaseToken);
    }
    EntryRecord r = live(current, now);
    long expires = now + times.valueTtlMillis();
    if (r != null && r.state() == State.LOCKED) {
      return new Step<>(r, PutOutcome.REJECTED_LOCKED);
    }
    if (leaseToken != null) {
      if (r != null && r.state() == State.LEASE && leaseToken.equals(r.leaseToken())) {
        return new Step<>(EntryRecord.value(value, version, r.generation(), expires),
            PutOutcome.STORED);
      }
      return new Step<>(r, PutOutcome.REJECTED_LEASE);
    }
    if (r == null) {
      return new Step<>(EntryRecord.value(value, version, 0, expires), PutOutcome.STORED);
    }
    switch (r.state()) {
      case VALUE:
        if (!minimal && newer(version, r.version())) {
          return new Step<>(EntryRecord.value(value, version, r.generation(), expires),
              PutOutcome.STORED);
        }
        return new Step<>(r, PutOutcome.REJECTED_PRESENT);
      case TOMBSTONE:
        if (!r.deleted() && version != Lookup.NO_VERSION && r.version() != Lookup.NO_VERSION
            && version >= r.version()) {
          return new Step<>(EntryRecord.value(value, version, r.generation(), expires),
              PutOutcome.STORED);
        }
        return new Step<>(r, PutOutcome.REJECTED_TOMBSTONE);
      case LEASE:
        return new Step<>(r, PutOutcome.REJECTED_TOMBSTONE);
      default:
        throw new AssertionError(r.state());
    }
  }

  /**
   * A writer locks the key before its SQL runs. The first lock replaces whatever the key held,
   * remembering the version it replaced; a further writer joins the lock and marks it concurrent.
   * The lock lives 2Θ, refreshed by each locker. The result says whether another writer already
   * held it.
   */
  public static Step<Boolean> lock(@Nullable EntryRecord current, String lockId,
      EntryTimes times, long now) {
    checkId("lockId", lockId);
    EntryRecord r = live(current, now);
    long expires = now + times.lockTtlMillis();
    if (r != null && r.state() == State.LOCKED) {
      boolean again = r.lockIds().contains(lockId);
      List<String> ids = again ? r.lockIds() : sortedWith(r.lockIds(), lockId);
      EntryRecord locked = new EntryRecord(State.LOCKED, null, Lookup.NO_VERSION, ids,
          r.concurrent() || !again, r.baseVersion(), r.committedVersion(), r.deleted(),
          r.generation() + 1, null, Math.max(r.expiresAtMillis(), expires));
      return new Step<>(locked, !again || r.lockIds().size() > 1);
    }
    long base = r != null && (r.state() == State.VALUE || r.state() == State.TOMBSTONE)
        ? r.version() : Lookup.NO_VERSION;
    EntryRecord locked = new EntryRecord(State.LOCKED, null, Lookup.NO_VERSION, List.of(lockId),
        false, base, Lookup.NO_VERSION, false, generation(r) + 1, null, expires);
    return new Step<>(locked, false);
  }

  /**
   * A writer releases its lock after its transaction completed. If its lock is there: with other
   * holders left, its outcome is merged into the lock; as the last holder, it writes its value only
   * if it committed with a value and no other writer was concurrent, and a tombstone otherwise. If
   * its lock is gone but another writer's is there, its outcome is merged into that one. If no lock
   * is there, it leaves a tombstone: a lost lock never writes a value.
   */
  public static Step<UnlockOutcome> unlock(@Nullable EntryRecord current, Unlock unlock,
      EntryTimes times, long now) {
    Objects.requireNonNull(unlock, "unlock");
    EntryRecord r = live(current, now);
    long committedVersion = unlock.committed() ? unlock.version() : Lookup.NO_VERSION;
    boolean deletes = unlock.committed() && unlock.delete();
    long tombstoneExpires = now + times.tombstoneTtlMillis();
    if (r != null && r.state() == State.LOCKED) {
      long mergedVersion = Math.max(r.committedVersion(), committedVersion); // NO_VERSION is least
      boolean mergedDelete = r.deleted() || deletes;
      if (!r.lockIds().contains(unlock.lockId())) {
        return new Step<>(new EntryRecord(State.LOCKED, null, Lookup.NO_VERSION, r.lockIds(), true,
            r.baseVersion(), mergedVersion, mergedDelete, r.generation() + 1, null,
            r.expiresAtMillis()), UnlockOutcome.MERGED);
      }
      List<String> others = new ArrayList<>(r.lockIds());
      others.remove(unlock.lockId());
      if (!others.isEmpty()) {
        return new Step<>(new EntryRecord(State.LOCKED, null, Lookup.NO_VERSION, others, true,
            r.baseVersion(), mergedVersion, mergedDelete, r.generation() + 1, null,
            r.expiresAtMillis()), UnlockOutcome.STILL_LOCKED);
      }
      byte[] value = unlock.value();
      if (unlock.committed() && value != null && !r.concurrent() && !mergedDelete) {
        return new Step<>(EntryRecord.value(value, unlock.version(), r.generation() + 1,
            now + times.valueTtlMillis()), UnlockOutcome.WROTE_VALUE);
      }
      return new Step<>(EntryRecord.tombstone(Math.max(r.baseVersion(), mergedVersion),
          mergedDelete, r.generation() + 1, tombstoneExpires), UnlockOutcome.WROTE_TOMBSTONE);
    }
    long known = r != null && (r.state() == State.VALUE || r.state() == State.TOMBSTONE)
        ? r.version() : Lookup.NO_VERSION;
    boolean deleted = deletes || (r != null && r.state() == State.TOMBSTONE && r.deleted());
    return new Step<>(EntryRecord.tombstone(Math.max(known, committedVersion), deleted,
        generation(r) + 1, tombstoneExpires), UnlockOutcome.LOCK_LOST);
  }

  /**
   * Caching a newly inserted entity after its transaction committed: stored into an absent key, or
   * over the tombstone of an older version; anything else is left alone.
   */
  public static Step<InsertOutcome> afterInsert(@Nullable EntryRecord current, byte[] value,
      long version, EntryTimes times, long now) {
    Objects.requireNonNull(value, "value");
    EntryRecord r = live(current, now);
    long expires = now + times.valueTtlMillis();
    if (r == null) {
      return new Step<>(EntryRecord.value(value, version, 0, expires), InsertOutcome.STORED);
    }
    if (r.state() == State.TOMBSTONE && !r.deleted() && r.version() != Lookup.NO_VERSION
        && version != Lookup.NO_VERSION && version > r.version()) {
      return new Step<>(EntryRecord.value(value, version, r.generation(), expires),
          InsertOutcome.STORED);
    }
    return new Step<>(r, InsertOutcome.SKIPPED);
  }

  /**
   * An invalidation without a lock (session or factory eviction, a cache mode that refreshes): the
   * key becomes a tombstone that keeps the version it knew. A locked key stays locked but is marked
   * concurrent, so its last unlock leaves a tombstone instead of writing its value through: the
   * eviction may stand for a change the lock's writer never saw.
   */
  public static Step<EvictOutcome> evict(@Nullable EntryRecord current, EntryTimes times,
      long now) {
    EntryRecord r = live(current, now);
    if (r != null && r.state() == State.LOCKED) {
      return new Step<>(new EntryRecord(State.LOCKED, null, Lookup.NO_VERSION, r.lockIds(), true,
          r.baseVersion(), r.committedVersion(), r.deleted(), r.generation() + 1, null,
          r.expiresAtMillis()), EvictOutcome.KEPT_LOCK);
    }
    long known = r != null && (r.state() == State.VALUE || r.state() == State.TOMBSTONE)
        ? r.version() : Lookup.NO_VERSION;
    boolean deleted = r != null && r.state() == State.TOMBSTONE && r.deleted();
    return new Step<>(EntryRecord.tombstone(known, deleted, generation(r) + 1,
        now + times.tombstoneTtlMillis()), EvictOutcome.TOMBSTONED);
  }

  /**
   * Forgets a value its reader cannot use (loaded under an earlier region generation, say), so
   * that the next load can cache the current one: the key becomes absent, but only if it still
   * holds a committed value whose bytes equal {@code expectedValue}. Anything else — another
   * value, a lock, a tombstone, a lease, an absent key — is left as it is, so a change made since
   * the caller read the value wins. The result says whether the value was dropped.
   *
   * <p>Unlike {@link #evict}, it leaves no tombstone, so it is not an invalidation: a value also
   * holds off older puts without a lease (a put over a value must be strictly newer), and after a
   * drop such a put lands. Callers drop only values no such put can still be waiting behind, or
   * whose puts no reader would serve (ringcache's Hibernate integration says when).
   */
  public static Step<Boolean> dropValue(@Nullable EntryRecord current, byte[] expectedValue,
      long now) {
    Objects.requireNonNull(expectedValue, "expectedValue");
    EntryRecord r = live(current, now);
    if (r != null && r.state() == State.VALUE && Arrays.equals(r.value(), expectedValue)) {
      return new Step<>(null, true);
    }
    return new Step<>(r, false);
  }

  private static @Nullable EntryRecord live(@Nullable EntryRecord record, long now) {
    return record == null || record.isExpired(now) ? null : record;
  }

  private static long generation(@Nullable EntryRecord r) {
    return r == null ? 0 : r.generation();
  }

  /** Whether {@code offered} is a version strictly newer than {@code present}. */
  private static boolean newer(long offered, long present) {
    return offered != Lookup.NO_VERSION && present != Lookup.NO_VERSION && offered > present;
  }

  private static List<String> sortedWith(List<String> ids, String id) {
    List<String> all = new ArrayList<>(ids);
    all.add(id);
    all.sort(null);
    return all;
  }
}
