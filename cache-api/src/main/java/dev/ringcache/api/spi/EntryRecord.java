package dev.ringcache.api.spi;

import dev.ringcache.api.Lookup;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The record a node keeps under one key, in one of four states (DESIGN.md §4): a committed value
 * ({@link State#VALUE}), a lock held by one or more writers ({@link State#LOCKED}), a tombstone
 * left by an invalidation ({@link State#TOMBSTONE}), or a lease granted to one loader ({@link
 * State#LEASE}). A key without a record is absent.
 *
 * <p>Fields that a state does not use hold their empty value (null, {@link Lookup#NO_VERSION},
 * false, an empty list). {@code generation} counts the key's lease, lock, unlock and invalidation
 * steps since the record appeared; {@code expiresAtMillis} is in the node's clock.
 *
 * <p>Immutable and thread-safe. The value array is not copied: do not change it.
 */
public final class EntryRecord {
  /** The four states of a record. */
  public enum State {
    VALUE,
    LOCKED,
    TOMBSTONE,
    LEASE
  }

  private final State state;
  private final byte @Nullable [] value;
  private final long version;
  private final List<String> lockIds;
  private final boolean concurrent;
  private final long baseVersion;
  private final long committedVersion;
  private final boolean deleted;
  private final long generation;
  private final @Nullable String leaseToken;
  private final long expiresAtMillis;

  EntryRecord(State state, byte @Nullable [] value, long version, List<String> lockIds,
      boolean concurrent, long baseVersion, long committedVersion, boolean deleted,
      long generation, @Nullable String leaseToken, long expiresAtMillis) {
    this.state = state;
    this.value = value;
    this.version = version;
    this.lockIds = List.copyOf(lockIds);
    this.concurrent = concurrent;
    this.baseVersion = baseVersion;
    this.committedVersion = committedVersion;
    this.deleted = deleted;
    this.generation = generation;
    this.leaseToken = leaseToken;
    this.expiresAtMillis = expiresAtMillis;
  }

  static EntryRecord value(byte[] value, long version, long generation, long expiresAt) {
    return new EntryRecord(State.VALUE, value, version, List.of(), false, Lookup.NO_VERSION,
        Lookup.NO_VERSION, false, generation, null, expiresAt);
  }

  static EntryRecord tombstone(long version, boolean deleted, long generation, long expiresAt) {
    return new EntryRecord(State.TOMBSTONE, null, deleted ? Lookup.NO_VERSION : version,
        List.of(), false, Lookup.NO_VERSION, Lookup.NO_VERSION, deleted, generation, null,
        expiresAt);
  }

  /**
   * A record as a node that keeps records in its own format reads it back (for {@link
   * CacheNode#inspect}); fields a state does not use must hold their empty values.
   */
  public static EntryRecord restore(State state, byte @Nullable [] value, long version,
      List<String> lockIds, boolean concurrent, long baseVersion, long committedVersion,
      boolean deleted, long generation, @Nullable String leaseToken, long expiresAtMillis) {
    Objects.requireNonNull(state, "state");
    List<String> sorted = new ArrayList<>(lockIds);
    sorted.sort(null);
    return new EntryRecord(state, value, version, sorted, concurrent, baseVersion,
        committedVersion, deleted, generation, leaseToken, expiresAtMillis);
  }

  /** A committed value: what a node holds after a plain put. */
  public static EntryRecord ofValue(byte[] value, long version, long expiresAtMillis) {
    return value(Objects.requireNonNull(value, "value"), version, 0, expiresAtMillis);
  }

  public State state() {
    return state;
  }

  /** The committed value of a {@link State#VALUE} record, else null. */
  public byte @Nullable [] value() {
    return value;
  }

  /** VALUE: the value's version; TOMBSTONE: the newest committed version it knows of. */
  public long version() {
    return version;
  }

  /** LOCKED: the ids of the writers holding the lock, sorted. */
  public List<String> lockIds() {
    return lockIds;
  }

  /** LOCKED: whether more than one writer took the lock, or a lost unlock merged into it. */
  public boolean concurrent() {
    return concurrent;
  }

  /** LOCKED: the version of the value or tombstone the lock replaced. */
  public long baseVersion() {
    return baseVersion;
  }

  /** LOCKED: the newest version committed by writers that have already unlocked. */
  public long committedVersion() {
    return committedVersion;
  }

  /**
   * TOMBSTONE: whether it marks a committed delete (then no put without a lease is accepted);
   * LOCKED: whether a writer that already unlocked committed a delete.
   */
  public boolean deleted() {
    return deleted;
  }

  public long generation() {
    return generation;
  }

  /** LEASE: the token of the loader that holds it. */
  public @Nullable String leaseToken() {
    return leaseToken;
  }

  public long expiresAtMillis() {
    return expiresAtMillis;
  }

  boolean isExpired(long nowMillis) {
    return expiresAtMillis <= nowMillis;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof EntryRecord that && state == that.state
        && Arrays.equals(value, that.value) && version == that.version
        && lockIds.equals(that.lockIds) && concurrent == that.concurrent
        && baseVersion == that.baseVersion && committedVersion == that.committedVersion
        && deleted == that.deleted && generation == that.generation
        && Objects.equals(leaseToken, that.leaseToken) && expiresAtMillis == that.expiresAtMillis;
  }

  @Override
  public int hashCode() {
    return Objects.hash(state, Arrays.hashCode(value), version, lockIds, generation, leaseToken);
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder(state.name()).append('[');
    switch (state) {
      case VALUE:
        s.append(Objects.requireNonNull(value).length).append(" bytes").append(versionText(version));
        break;
      case LOCKED:
        s.append(lockIds).append(concurrent ? ", concurrent" : "")
            .append(", base").append(versionText(baseVersion))
            .append(", committed").append(versionText(committedVersion));
        break;
      case TOMBSTONE:
        s.append(deleted ? "deleted" : "version" + versionText(version));
        break;
      case LEASE:
        s.append(leaseToken);
        break;
      default:
        throw new AssertionError(state);
    }
    return s.append(", generation ").append(generation).append(", expires at ")
        .append(expiresAtMillis).append(']').toString();
  }

  private static String versionText(long version) {
    return version == Lookup.NO_VERSION ? " none" : " " + version;
  }
}
