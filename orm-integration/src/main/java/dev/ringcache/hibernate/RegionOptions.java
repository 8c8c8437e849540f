package dev.ringcache.hibernate;

import dev.ringcache.api.DurationFormat;
import dev.ringcache.api.EntryTimes;
import java.time.Duration;

/**
 * The settings of one region: its value TTL (its own, or the global one) and the record lifetimes
 * that follow from it and Θ. Made by {@link RingCacheOptions#regionOptions(String)}.
 *
 * <p>Immutable and thread-safe.
 */
final class RegionOptions {
  /**
   * The longest a lease lives (never more than Θ). A lease a reader took but never used (the row
   * did not exist, or Hibernate looked the key up without loading it) keeps other readers from
   * putting for this long, so it is short; a loader slower than this only loses its put.
   */
  static final Duration MAX_LEASE = Duration.ofSeconds(2);

  private final String regionName;
  private final Duration ttl;
  private final EntryTimes entryTimes;

  RegionOptions(String regionName, Duration ttl, Duration maxTransaction) {
    this.regionName = regionName;
    this.ttl = ttl;
    Duration lease = maxTransaction.compareTo(MAX_LEASE) < 0 ? maxTransaction : MAX_LEASE;
    this.entryTimes = EntryTimes.of(ttl, lease, maxTransaction.multipliedBy(2), maxTransaction);
  }

  String regionName() {
    return regionName;
  }

  /** How long this region's values live. */
  Duration ttl() {
    return ttl;
  }

  /** Values live {@link #ttl()}; locks 2Θ; tombstones Θ; leases Θ, at most {@link #MAX_LEASE}. */
  EntryTimes entryTimes() {
    return entryTimes;
  }

  @Override
  public String toString() {
    return "RegionOptions[" + regionName + ": ttl " + DurationFormat.format(ttl) + "]";
  }
}
