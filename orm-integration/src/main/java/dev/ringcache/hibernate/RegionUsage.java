package dev.ringcache.hibernate;

import dev.ringcache.api.CacheKey;
import dev.ringcache.api.NodeUsage;
import dev.ringcache.api.ShardedCache;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.hibernate.stat.CacheRegionStatistics;
import org.jspecify.annotations.Nullable;

/**
 * A region's records on the nodes, for Hibernate's per-region statistics ({@link
 * org.hibernate.cache.spi.ExtendedStatisticsSupport}): how many there are and the bytes they take,
 * summed over the nodes that can tell ({@link ShardedCache#usage}). Records of every kind count:
 * values, the protocol's locks, leases and tombstones, and the region's generation record.
 *
 * <p>Counting walks every key of every node, so a count is kept for {@link #FRESH_NANOS} and the
 * two numbers Hibernate asks for one after the other come from one walk. {@link
 * CacheRegionStatistics#NO_EXTENDED_STAT_SUPPORT_RETURN} when no node could tell.
 *
 * <p>Thread-safe.
 */
final class RegionUsage {
  static final long FRESH_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final RingCacheRegionFactory factory;
  private final String region;
  private volatile @Nullable Count last;

  private record Count(long atNanos, long entries, long bytes) {}

  RegionUsage(RingCacheRegionFactory factory, String region) {
    this.factory = factory;
    this.region = region;
  }

  long entries() {
    return count().entries();
  }

  long bytes() {
    return count().bytes();
  }

  private Count count() {
    Count count = last;
    long now = System.nanoTime();
    if (count != null && now - count.atNanos() < FRESH_NANOS) {
      return count;
    }
    List<NodeUsage> usage;
    try {
      usage = factory.cache().usage(CacheKey.prefix(factory.namespace(), region));
    } catch (RuntimeException e) {
      usage = List.of(); // stopped: a statistic never fails the caller
    }
    long entries = 0;
    long bytes = 0;
    boolean known = false;
    for (NodeUsage node : usage) {
      if (node.known()) {
        known = true;
        entries += node.entries();
        bytes += node.bytes();
      }
    }
    count = known ? new Count(now, entries, bytes)
        : new Count(now, CacheRegionStatistics.NO_EXTENDED_STAT_SUPPORT_RETURN,
            CacheRegionStatistics.NO_EXTENDED_STAT_SUPPORT_RETURN);
    last = count;
    return count;
  }
}
