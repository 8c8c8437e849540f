package dev.ringcache.hibernate;

import dev.ringcache.hibernate.ProtocolAccess.RingLock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.hibernate.cache.spi.CacheTransactionSynchronization;
import org.jspecify.annotations.Nullable;

/**
 * One session's view of its current transaction, for the cache: when it began (so that data a
 * transaction older than Θ loaded is never put), its lock id, the regions a bulk statement of
 * this transaction invalidated, and, for TRANSACTIONAL regions, the cache writes held back until
 * the commit has succeeded.
 *
 * <p>Hibernate creates one per session ({@code RegionFactory.createTransactionContext}) and calls
 * {@link #transactionCompleted} after the transaction's own after-completion work, inside {@code
 * commit()} or {@code rollback()}.
 *
 * <p>Not thread-safe: used by its session's thread.
 */
final class RingTransaction implements CacheTransactionSynchronization {
  /** A cache write held back until the transaction's outcome is known. */
  interface Deferred {
    /** Publishes the write after a commit, or what a rollback leaves (a tombstone) if not. */
    void complete(boolean committed);
  }

  private static final AtomicLong SEQUENCE = new AtomicLong();
  private static final System.Logger LOG = System.getLogger(RingTransaction.class.getName());

  private final RingCacheRegionFactory factory;
  private long startNanos;
  private long cachingTimestamp;
  private @Nullable String lockId;
  private final Map<RingKey, Held> locks = new HashMap<>();
  private final Map<RingKey, String> leases = new HashMap<>();
  private final Set<RingDomainDataRegion> bulkInvalidated = new HashSet<>();
  private final List<Deferred> deferred = new ArrayList<>();

  RingTransaction(RingCacheRegionFactory factory) {
    this.factory = factory;
    this.startNanos = System.nanoTime();
    this.cachingTimestamp = factory.nextTimestamp();
  }

  @Override
  public long getCachingTimestamp() {
    return cachingTimestamp;
  }

  @Override
  public void transactionJoined() {
    startNanos = System.nanoTime();
    cachingTimestamp = factory.nextTimestamp();
    lockId = null;
  }

  @Override
  public void transactionCompleting() {
    // Locks are taken synchronously at flush, before the SQL: nothing is left to await here.
  }

  @Override
  public void transactionCompleted(boolean successful) {
    List<Deferred> work = new ArrayList<>(deferred);
    deferred.clear();
    leases.clear();
    bulkInvalidated.clear();
    for (Deferred d : work) {
      try {
        d.complete(successful);
      } catch (RuntimeException e) {
        // The commit is done: a cache failure must not reach the application (and the lock it
        // could not release expires after 2Θ).
        LOG.log(System.Logger.Level.WARNING, "ringcache could not complete a cache write after "
            + (successful ? "a commit" : "a rollback") + ": " + e);
      }
    }
    locks.clear();
    lockId = null;
  }

  /** When the current transaction (or, outside one, the session) began, in nanoTime. */
  long startNanos() {
    return startNanos;
  }

  /** This transaction's lock id: unique to it, never reused. */
  String lockId() {
    String id = lockId;
    if (id == null) {
      id = factory.lockIdPrefix() + Long.toString(SEQUENCE.incrementAndGet(), 36);
      lockId = id;
    }
    return id;
  }

  /** A lock this transaction holds, and how many of its actions hold it. */
  private static final class Held {
    final RingLock lock;
    int count;

    Held(RingLock lock) {
      this.lock = lock;
    }
  }

  /**
   * Records that one more action of this transaction locked {@code key}; returns the lock, and
   * whether it is the first: only the first is registered for a deferred unlock.
   */
  RingLock locked(RingKey key) {
    Held held = locks.computeIfAbsent(key, k -> new Held(new RingLock(lockId())));
    held.count++;
    return held.lock;
  }

  /** Whether {@code key} was locked once only so far (by the call that just locked it). */
  boolean firstLock(RingKey key) {
    Held held = locks.get(key);
    return held != null && held.count == 1;
  }

  /**
   * Records that one action released its lock on {@code key}; whether it was the last holder
   * in this transaction, which is the one that unlocks at the node: an earlier unlock would
   * publish an intermediate value that was never committed.
   */
  boolean released(RingKey key) {
    Held held = locks.get(key);
    if (held == null) {
      return true;
    }
    if (--held.count > 0) {
      return false;
    }
    locks.remove(key);
    return true;
  }

  /** Whether this transaction holds a lock on {@code key}. */
  boolean holdsLock(RingKey key) {
    return locks.containsKey(key);
  }

  /** This transaction's lock on {@code key}, or null. */
  @Nullable RingLock heldLock(RingKey key) {
    Held held = locks.get(key);
    return held == null ? null : held.lock;
  }

  /** Keeps the lease a miss granted, for the put of what the session then loads. */
  void lease(RingKey key, String token) {
    leases.put(key, token);
  }

  /** The lease for {@code key}, removed; null if none. */
  @Nullable String takeLease(RingKey key) {
    return leases.remove(key);
  }

  /** Records that a bulk statement of this transaction invalidates all of {@code region}. */
  void bulkInvalidated(RingDomainDataRegion region) {
    bulkInvalidated.add(region);
  }

  /**
   * Whether a bulk statement of this transaction changed {@code region}: its reads then skip the
   * cache and its loads are not put, since they may see this transaction's uncommitted rows.
   */
  boolean invalidatedByBulk(RingDomainDataRegion region) {
    return bulkInvalidated.contains(region);
  }

  /** Holds {@code work} back until the transaction's outcome is known. */
  void defer(Deferred work) {
    deferred.add(work);
  }
}
