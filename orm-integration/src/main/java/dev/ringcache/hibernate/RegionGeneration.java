package dev.ringcache.hibernate;

import dev.ringcache.api.CacheKey;
import dev.ringcache.api.EntryTimes;
import dev.ringcache.api.Lookup;
import dev.ringcache.api.ShardedCache;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * A region's generation, and this JVM's view of it: how a whole region is invalidated at once (a
 * bulk HQL or native update, {@code SessionFactory}/JPA eviction of a region) on nodes that cannot
 * list or delete a region's keys.
 *
 * <p>Every stored value carries the generation it was loaded under; a value of an older
 * generation than the current one reads as a miss. The current generation is one record on the
 * ring, a versioned value whose version is the generation, so that concurrent writers keep the
 * greatest. This JVM trusts what it read for {@link RingCacheSettings#GENERATION_CHECK_INTERVAL}
 * (measured from before the read was sent), then reads it again.
 *
 * <p>{@link #advance} runs after the database commit of the change: it reads the current
 * generation, evicts the record (an invalidation: a node that cannot take it is quarantined and
 * cleared before it serves again), writes the next one, then waits one check interval, so that
 * when it returns every JVM has stopped trusting the old generation. Data loaded under the new
 * generation was read after the change committed, since the new generation was written after it.
 *
 * <p>A value carries the generation this JVM knew when its transaction began (or an older one),
 * never a newer one: see {@link #generationAt(long)}. A value put without a lease carries one
 * this JVM had known for a whole check interval when its transaction began ({@link
 * #settledAt(long)}); and a value of an older generation is dropped only once the current one is
 * {@link #settled()}. {@link ProtocolAccess} says why. A JVM cannot tell how long ago the
 * generation it reads first (when its session factory starts) began, so it counts that reading as
 * a change: for one check interval after it starts, it puts nothing without a lease.
 *
 * <p>When the record is missing (first use, a node cleared, an eviction) it is created as the
 * wall-clock time in milliseconds plus Θ: above every earlier generation as long as the JVMs'
 * clocks agree within Θ. When it cannot be read at all, the region serves no values and takes no
 * puts until it can.
 *
 * <p>Thread-safe.
 */
final class RegionGeneration {
  /** No generation is known: serve nothing, put nothing. */
  static final long UNKNOWN = Long.MIN_VALUE;

  private static final EntryTimes RECORD_TIMES = EntryTimes.of(EntryTimes.MAX_TTL,
      Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofMillis(1));

  private final ShardedCache cache;
  private final byte[] key;
  private final long checkIntervalNanos;
  private final long maxTransactionMillis;
  private final EntryTimes times;

  /** The view: immutable, replaced whole. */
  private volatile View view;

  /**
   * What this JVM read: the generation and when it first saw it, the one before and when it first
   * saw that, and until when the generation may be trusted.
   */
  private record View(long generation, long sinceNanos, long previous, long previousSinceNanos,
      long validUntilNanos) {}

  RegionGeneration(ShardedCache cache, String namespace, String region, Duration checkInterval,
      Duration maxTransaction) {
    this.cache = cache;
    this.key = CacheKey.of(namespace, region, null, "~generation", "g").bytes();
    this.checkIntervalNanos = checkInterval.toNanos();
    this.maxTransactionMillis = maxTransaction.toMillis();
    this.times = EntryTimes.of(EntryTimes.MAX_TTL, maxTransaction, maxTransaction.multipliedBy(2),
        maxTransaction);
    long now = System.nanoTime();
    this.view = new View(UNKNOWN, now, UNKNOWN, now, now);
  }

  /** The current generation, as far as this JVM may trust it; {@link #UNKNOWN} if none. */
  long current() {
    View v = view;
    if (System.nanoTime() - v.validUntilNanos < 0) {
      return v.generation;
    }
    return refresh(false).generation;
  }

  /**
   * The generation to stamp on a value whose transaction began at {@code txStartNanos}: one this
   * JVM already knew then, so the value was read from the database after that generation began.
   * {@link #UNKNOWN} if there is none.
   */
  long generationAt(long txStartNanos) {
    View v = view;
    if (v.generation == UNKNOWN) {
      v = refresh(false);
    }
    if (v.sinceNanos - txStartNanos <= 0) {
      return v.generation;
    }
    return v.previousSinceNanos - txStartNanos <= 0 ? v.previous : UNKNOWN;
  }

  /**
   * The generation to stamp on a value put without a lease (or cached after an insert) by a
   * transaction that began at {@code txStartNanos}: the current one if this JVM had known it for
   * at least one check interval by then, so that every other JVM knew it too before the
   * transaction read anything; {@link #UNKNOWN} otherwise (nothing is put).
   */
  long settledAt(long txStartNanos) {
    View v = view;
    if (v.generation == UNKNOWN) {
      v = refresh(false);
    }
    return v.generation != UNKNOWN && txStartNanos - v.sinceNanos >= checkIntervalNanos
        ? v.generation : UNKNOWN;
  }

  /**
   * Whether the current generation is known here for at least one check interval: then no JVM
   * trusts an older one any more, nor stamps a value it puts with one.
   */
  boolean settled() {
    if (current() == UNKNOWN) {
      return false;
    }
    return System.nanoTime() - view.sinceNanos >= checkIntervalNanos;
  }

  /**
   * Starts a new generation after a committed region-wide change; see the class comment. This
   * JVM trusts the new generation at once; with {@code waitForOtherJvms}, returns only once every
   * other JVM has stopped trusting the old one (one check interval later).
   */
  void advance(boolean waitForOtherJvms) {
    long known = read();
    cache.evict(key, times);
    long next = known == UNKNOWN ? seed() : known + 1;
    cache.putFromLoad(key, encode(next), next, null, false, RECORD_TIMES);
    refresh(true);
    if (!waitForOtherJvms) {
      return;
    }
    long until = System.nanoTime() + checkIntervalNanos;
    for (long left; (left = until - System.nanoTime()) > 0; ) {
      LockSupport.parkNanos(left);
    }
  }

  private synchronized View refresh(boolean force) {
    long sent = System.nanoTime();
    View v = view;
    if (!force && sent - v.validUntilNanos < 0) {
      return v; // another thread refreshed meanwhile
    }
    long found = read();
    if (found == UNKNOWN) {
      long seed = seed();
      cache.putFromLoad(key, encode(seed), seed, null, false, RECORD_TIMES);
      found = read();
    }
    View next;
    long now = System.nanoTime();
    if (found == v.generation) {
      next = new View(found, v.sinceNanos, v.previous, v.previousSinceNanos,
          sent + checkIntervalNanos);
    } else if (found == UNKNOWN) {
      // Nothing is served meanwhile; read again after one interval, not on every call.
      next = new View(UNKNOWN, now, UNKNOWN, now, sent + checkIntervalNanos);
    } else {
      next = new View(found, now, v.generation, v.sinceNanos, sent + checkIntervalNanos);
    }
    view = next;
    return next;
  }

  private long read() {
    Lookup found = cache.getOrLease(key, false, times);
    return found.isHit() && found.version() != Lookup.NO_VERSION ? found.version() : UNKNOWN;
  }

  private long seed() {
    return System.currentTimeMillis() + maxTransactionMillis;
  }

  private static byte[] encode(long generation) {
    return ByteBuffer.allocate(Long.BYTES).putLong(generation).array();
  }
}
