package dev.ringcache.api;

import java.time.Duration;
import java.util.Objects;

/**
 * How long each kind of record lives at a node, derived from Θ, the longest a transaction may run
 * (DESIGN.md §4): locks 2Θ, tombstones Θ, leases Θ; values their region's TTL.
 *
 * <p>Immutable and thread-safe.
 */
public final class EntryTimes {
  /** The longest any record may live: a year. Longer is a mistake, and overflows clocks. */
  public static final Duration MAX_TTL = Duration.ofDays(365);

  private final long valueTtlMillis;
  private final long leaseTtlMillis;
  private final long lockTtlMillis;
  private final long tombstoneTtlMillis;

  private EntryTimes(long valueTtl, long leaseTtl, long lockTtl, long tombstoneTtl) {
    this.valueTtlMillis = valueTtl;
    this.leaseTtlMillis = leaseTtl;
    this.lockTtlMillis = lockTtl;
    this.tombstoneTtlMillis = tombstoneTtl;
  }

  /** Times for transactions of at most {@code maxTransaction} and values that live {@code valueTtl}. */
  public static EntryTimes of(Duration maxTransaction, Duration valueTtl) {
    long theta = positiveMillis(maxTransaction, "maxTransaction");
    return new EntryTimes(positiveMillis(valueTtl, "valueTtl"), theta,
        checkTtlMillis(2 * theta), theta);
  }

  /** Explicit times, each at least one millisecond; for tests and unusual setups. */
  public static EntryTimes of(Duration valueTtl, Duration leaseTtl, Duration lockTtl,
      Duration tombstoneTtl) {
    return new EntryTimes(positiveMillis(valueTtl, "valueTtl"),
        positiveMillis(leaseTtl, "leaseTtl"), positiveMillis(lockTtl, "lockTtl"),
        positiveMillis(tombstoneTtl, "tombstoneTtl"));
  }

  public long valueTtlMillis() {
    return valueTtlMillis;
  }

  public long leaseTtlMillis() {
    return leaseTtlMillis;
  }

  public long lockTtlMillis() {
    return lockTtlMillis;
  }

  public long tombstoneTtlMillis() {
    return tombstoneTtlMillis;
  }

  /** Checks a lifetime in milliseconds: at least 1, at most {@link #MAX_TTL}. */
  public static long checkTtlMillis(long ttlMillis) {
    if (ttlMillis < 1 || ttlMillis > MAX_TTL.toMillis()) {
      throw new IllegalArgumentException("a lifetime must be from 1 ms to " + MAX_TTL.toDays()
          + " days, was " + ttlMillis + " ms");
    }
    return ttlMillis;
  }

  private static long positiveMillis(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.compareTo(MAX_TTL) > 0 || d.toMillis() < 1) {
      throw new IllegalArgumentException(name + " must be from 1 ms to " + MAX_TTL.toDays()
          + " days, was " + d);
    }
    return d.toMillis();
  }

  @Override
  public String toString() {
    return "EntryTimes[value " + valueTtlMillis + " ms, lease " + leaseTtlMillis + " ms, lock "
        + lockTtlMillis + " ms, tombstone " + tombstoneTtlMillis + " ms]";
  }
}
