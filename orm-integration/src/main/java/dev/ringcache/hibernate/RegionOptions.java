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
  private final String regionName;
  private final Duration ttl;
  private final EntryTimes entryTimes;

  RegionOptions(String regionName, Duration ttl, Duration maxTransaction) {
    this.regionName = regionName;
    this.ttl = ttl;
    this.entryTimes = EntryTimes.of(maxTransaction, ttl);
  }

  String regionName() {
    return regionName;
  }

  /** How long this region's values live. */
  Duration ttl() {
    return ttl;
  }

  /** Values live {@link #ttl()}; locks 2Θ; leases and tombstones Θ. */
  EntryTimes entryTimes() {
    return entryTimes;
  }

  @Override
  public String toString() {
    return "RegionOptions[" + regionName + ": ttl " + DurationFormat.format(ttl) + "]";
  }
}
