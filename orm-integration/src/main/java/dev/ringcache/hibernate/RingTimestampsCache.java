package dev.ringcache.hibernate;

import dev.ringcache.api.CacheKey;
import dev.ringcache.api.EntryTimes;
import dev.ringcache.api.Lookup;
import dev.ringcache.api.ShardedCache;
import dev.ringcache.api.Unlock;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import org.hibernate.cache.spi.TimestampsCache;
import org.hibernate.cache.spi.TimestampsRegion;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.jspecify.annotations.Nullable;

/**
 * ringcache's timestamps cache: when each table last changed, so that a cached query result over
 * a table is served only if no transaction has changed the table since the result was read.
 *
 * <p>Per table, one record under the entry protocol of DESIGN.md §4, whose version is the table's
 * last commit stamp ({@link ClusterClock}):
 *
 * <ul>
 *   <li>{@link #preInvalidate} (at flush, before the commit) locks it with the transaction's lock
 *       id: while any writer holds it, results over the table are stale;
 *   <li>{@link #invalidate} (after the commit or rollback) draws a stamp and unlocks with it: a
 *       sole writer writes it through; concurrent writers, a lost lock or an unreachable counter
 *       leave a tombstone;
 *   <li>{@link #isUpToDate} serves a result only if every table's record is a stamp no greater
 *       than the result's timestamp (the session's {@link ClusterClock#now}, taken before it read
 *       the database). A lock, a tombstone, a missing record or an unreachable node is stale; a
 *       missing record or tombstone is written again with a fresh stamp, under a lease, so a
 *       writer that locks meanwhile wins.
 * </ul>
 *
 * <p>Why that is enough: a writer's stamp is drawn after its commit, so it is greater than the
 * timestamp of every session that began before the commit, hence of every result that may have
 * missed the change.
 *
 * <p>Thread-safe.
 */
final class RingTimestampsCache implements TimestampsCache {
  private static final System.Logger LOG = System.getLogger(RingTimestampsCache.class.getName());

  private final RingTimestampsRegion region;
  private final ShardedCache cache;
  private final ClusterClock clock;
  private final String namespace;
  private final EntryTimes times;

  RingTimestampsCache(RingTimestampsRegion region) {
    this.region = region;
    RingCacheRegionFactory factory = region.factory();
    this.cache = factory.cache();
    this.clock = factory.clock();
    this.namespace = factory.options().namespace();
    Duration theta = factory.options().maxTransaction();
    Duration lease = theta.compareTo(RegionOptions.MAX_LEASE) < 0 ? theta : RegionOptions.MAX_LEASE;
    this.times = EntryTimes.of(EntryTimes.MAX_TTL, lease, theta.multipliedBy(2), theta);
  }

  @Override
  public TimestampsRegion getRegion() {
    return region;
  }

  @Override
  public void preInvalidate(String[] spaces, SharedSessionContractImplementor session) {
    try {
      RingTransaction tx = RingTransaction.of(session);
      for (String space : spaces) {
        if (tx == null) {
          cache.lock(keyOf(space), oneOffLockId(), times);
        } else if (tx.lockingTable(space, this)) {
          tx.lock(session, keyOf(space), times);
        }
      }
    } catch (RuntimeException e) {
      // A lock that cannot be delivered quarantines its node (no exception); this is a bug.
      LOG.log(System.Logger.Level.WARNING, "ringcache could not lock tables "
          + Arrays.toString(spaces) + " for the query cache: " + e);
    }
  }

  @Override
  public void invalidate(String[] spaces, SharedSessionContractImplementor session) {
    try {
      RingTransaction tx = RingTransaction.of(session);
      release(List.of(spaces), tx, tx != null ? tx.lockId() : oneOffLockId());
      if (tx != null) {
        tx.releasedTables(List.of(spaces));
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "ringcache could not release tables "
          + Arrays.toString(spaces) + " for the query cache: " + e);
    }
  }

  /**
   * Unlocks the tables with one new stamp, through {@code tx}'s batch of unlocks if there is one;
   * without a stamp, leaves tombstones (stale until a reader can write a stamp again).
   */
  void release(Collection<String> spaces, @Nullable RingTransaction tx, String lockId) {
    if (spaces.isEmpty()) {
      return;
    }
    OptionalLong stamp = clock.draw();
    for (String space : spaces) {
      Unlock unlock = stamp.isPresent()
          ? Unlock.committedValue(lockId, encode(stamp.getAsLong()), stamp.getAsLong())
          : Unlock.rolledBack(lockId);
      if (tx != null) {
        tx.unlock(keyOf(space), unlock, times);
      } else {
        cache.unlock(keyOf(space), unlock, times);
      }
    }
  }

  @Override
  public boolean isUpToDate(String[] spaces, Long timestamp,
      SharedSessionContractImplementor session) {
    return isUpToDate(Arrays.asList(spaces), timestamp, session);
  }

  @Override
  public boolean isUpToDate(Collection<String> spaces, Long timestamp,
      SharedSessionContractImplementor session) {
    try {
      RingTransaction tx = RingTransaction.of(session);
      for (String space : spaces) {
        if ((tx != null && tx.changesTable(space)) || !unchangedSince(space, timestamp)) {
          return false;
        }
      }
      return true;
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "ringcache could not check tables " + spaces
          + " for the query cache: " + e);
      return false;
    }
  }

  private boolean unchangedSince(String space, long timestamp) {
    byte[] key = keyOf(space);
    Lookup found = cache.getOrLease(key, true, times);
    switch (found.kind()) {
      case HIT:
        clock.saw(found.version());
        return found.version() != Lookup.NO_VERSION && found.version() <= timestamp;
      case LEASED:
        // No stamp (first use, a node cleared, a tombstone): write a fresh one for later reads.
        OptionalLong stamp = clock.draw();
        if (stamp.isPresent()) {
          cache.putFromLoad(key, encode(stamp.getAsLong()), stamp.getAsLong(),
              found.leaseToken(), false, times);
        }
        return false;
      default:
        return false; // a writer holds the table, or another reader is writing its stamp
    }
  }

  /**
   * Nothing to forget: the records are the truth about the tables, and forgetting them would make
   * every result stale only until they are written again. Cached results are dropped by clearing
   * the query-results region instead.
   */
  @Override
  public void clear() {}

  private byte[] keyOf(String space) {
    return CacheKey.of(namespace, region.getName(), null, "~table", space).bytes();
  }

  private static byte[] encode(long stamp) {
    return ByteBuffer.allocate(Long.BYTES).putLong(stamp).array();
  }

  private String oneOffLockId() {
    return region.factory().lockIdPrefix() + "q"
        + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
  }

  @Override
  public String toString() {
    return "RingTimestampsCache[" + region.getName() + "]";
  }
}
