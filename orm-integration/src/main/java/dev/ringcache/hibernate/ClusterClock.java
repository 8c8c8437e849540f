package dev.ringcache.hibernate;

import dev.ringcache.api.CacheKey;
import dev.ringcache.api.EntryTimes;
import dev.ringcache.api.ShardedCache;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The query cache's clock: commit stamps drawn from one counter on the ring, shared by every JVM
 * of a namespace, and this JVM's reading of it.
 *
 * <p>A writer {@link #draw draws} a stamp after its database commit, so the stamp is greater than
 * every stamp drawn before that commit. A session's timestamp ({@link #now}) is the greatest stamp
 * this JVM has seen: it costs no round trip, and it is never ahead of the counter, so a query
 * result stamped with it is never taken for newer than a commit it did not see. Reading behind
 * the counter only makes results look older (more misses, never a stale hit).
 *
 * <p>When the counter is missing (first use, its node restarted or evicted it) it starts again at
 * the wall-clock time in microseconds plus Θ: above every stamp drawn before, as long as the JVMs'
 * clocks agree within Θ and fewer than a million stamps a second were drawn. When its node cannot
 * be reached, no stamp is drawn and the query cache serves nothing that needs one.
 *
 * <p>Thread-safe.
 */
final class ClusterClock {
  private static final long MICROS_PER_MILLI = 1000;

  private final ShardedCache cache;
  private final byte[] key;
  private final long maxTransactionMillis;
  private final AtomicLong seen = new AtomicLong();

  ClusterClock(ShardedCache cache, String namespace, Duration maxTransaction) {
    this.cache = cache;
    this.key = CacheKey.of(namespace, "~clock", null, "~counter", "stamps").bytes();
    this.maxTransactionMillis = maxTransaction.toMillis();
  }

  /** The greatest stamp this JVM has seen: no round trip. */
  long now() {
    return seen.get();
  }

  /** Records a stamp read from the ring (it only moves {@link #now} forward). */
  void saw(long stamp) {
    seen.accumulateAndGet(stamp, Math::max);
  }

  /** A new stamp, greater than every stamp drawn before; empty when the counter is unreachable. */
  OptionalLong draw() {
    long seed = (System.currentTimeMillis() + maxTransactionMillis) * MICROS_PER_MILLI;
    OptionalLong stamp = cache.increment(key, seed, EntryTimes.MAX_TTL);
    if (stamp.isPresent()) {
      saw(stamp.getAsLong());
    }
    return stamp;
  }
}
