package dev.ringcache.hibernate;

import dev.ringcache.api.EntryTimes;
import dev.ringcache.api.Unlock;
import dev.ringcache.hibernate.ProtocolAccess.RingLock;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.hibernate.cache.spi.CacheTransactionSynchronization;
import org.hibernate.engine.jdbc.internal.JdbcCoordinatorImpl;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.event.spi.EventSource;
import org.jspecify.annotations.Nullable;

/**
 * One session's view of its current transaction, for the cache: when it began (so that data a
 * transaction older than Θ loaded is never put), its lock id, the keys and tables it locked, the
 * regions a bulk statement of this transaction invalidated, and, for TRANSACTIONAL regions, the
 * cache writes held back until the commit has succeeded.
 *
 * <p>Its locks and unlocks travel in batches: the locks of the whole transaction are sent by
 * {@link #transactionCompleting}, after the last flush and before the database commit, one batch
 * per node (a session that shares another's transaction, or a stateless one, sends each at once); the unlocks of its after-completion work are sent together by {@link
 * #transactionCompleted}.
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
  private final Set<String> lockedTables = new LinkedHashSet<>();
  /** Locks taken at flush and not yet sent: they go out together, just before the commit. */
  private final Map<ByteBuffer, EntryTimes> unsentLocks = new LinkedHashMap<>();
  /** Unlocks of the after-completion work: they go out together once it is all done. */
  private final List<QueuedUnlock> unlocks = new ArrayList<>();

  private record QueuedUnlock(byte[] key, Unlock unlock, EntryTimes times) {}
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

  /** After the last flush, before the database commit: sends the locks. */
  @Override
  public void transactionCompleting() {
    sendLocks();
  }

  @Override
  public void transactionCompleted(boolean successful) {
    try {
      completeDeferred(successful);
    } finally {
      sendUnlocks(successful);
      leases.clear(); // after the deferred work: a TRANSACTIONAL insert publishes with its lease
      unsentLocks.clear();
      locks.clear();
      lockedTables.clear();
      lockId = null;
    }
  }

  private void completeDeferred(boolean successful) {
    List<Deferred> work = new ArrayList<>(deferred);
    deferred.clear();
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
  }

  /**
   * Locks {@code key} for this transaction. In a transaction the lock is only recorded here and
   * sent with all the others of the transaction just before the commit, one batch per node (a
   * lock needs only to precede the commit: data read before it is refused or overwritten by it);
   * outside one, it is sent at once. Until it is sent, this transaction itself neither reads nor
   * puts {@code key} (see {@link #holdsLock}).
   */
  void lock(SharedSessionContractImplementor session, byte[] key, EntryTimes times) {
    if (!session.isTransactionInProgress() || !completesItsOwnTransaction(session)) {
      factory.cache().lock(key, lockId(), times);
      return;
    }
    unsentLocks.putIfAbsent(ByteBuffer.wrap(key), times);
  }

  /**
   * Whether Hibernate calls {@link #transactionCompleting} for this session after its last flush
   * and before the commit: true for a session that owns its transaction; not for a session that
   * shares another's (its last flush comes later), nor for a stateless one.
   */
  private static boolean completesItsOwnTransaction(SharedSessionContractImplementor session) {
    return session instanceof EventSource
        && session.getJdbcCoordinator() instanceof JdbcCoordinatorImpl jdbc
        && jdbc.getJdbcSessionOwner() == session;
  }

  /** Sends the recorded locks: one batch per node, the nodes in parallel. */
  private void sendLocks() {
    if (unsentLocks.isEmpty()) {
      return;
    }
    try {
      List<byte[]> keys = new ArrayList<>(unsentLocks.size());
      unsentLocks.keySet().forEach(k -> keys.add(k.array()));
      // Every region's locks live 2Θ, the only time a lock uses: one batch for all of them. A
      // lock that cannot be delivered quarantines its node, so the commit may go ahead.
      factory.cache().lockAll(keys, lockId(), unsentLocks.values().iterator().next());
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "ringcache could not lock before a commit: " + e);
    }
    unsentLocks.clear();
  }

  /**
   * Queues the unlock of {@code key}, sent with the others of the transaction when its
   * after-completion work is done.
   */
  void unlock(byte[] key, Unlock unlock, EntryTimes times) {
    unlocks.add(new QueuedUnlock(key, unlock, times));
  }

  /**
   * Sends the queued unlocks. A rolled-back transaction whose lock on a key was never sent has
   * nothing to undo there; after a commit, a key whose lock was never sent still gets its unlock,
   * which leaves a tombstone.
   */
  private void sendUnlocks(boolean successful) {
    if (unlocks.isEmpty()) {
      return;
    }
    try {
      // One batch per node for all of them, each key with its region's times.
      List<byte[]> keys = new ArrayList<>(unlocks.size());
      List<Unlock> outcomes = new ArrayList<>(unlocks.size());
      List<EntryTimes> times = new ArrayList<>(unlocks.size());
      for (QueuedUnlock u : unlocks) {
        if (successful || !unsentLocks.containsKey(ByteBuffer.wrap(u.key()))) {
          keys.add(u.key());
          outcomes.add(u.unlock());
          times.add(u.times());
        }
      }
      factory.cache().unlockAll(keys, outcomes, times);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "ringcache could not unlock after "
          + (successful ? "a commit" : "a rollback") + " (the locks expire after 2Θ): " + e);
    } finally {
      unlocks.clear();
    }
  }

  /** The session's transaction context, if it is ringcache's. */
  static @Nullable RingTransaction of(SharedSessionContractImplementor session) {
    return session.getCacheTransactionSynchronization() instanceof RingTransaction tx ? tx : null;
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

  /**
   * Records that this transaction changes {@code table}; whether it is the first time, when the
   * table's query-cache record is to be locked. Tables Hibernate never releases (its
   * after-completion failed) are released when the transaction completes.
   */
  boolean lockingTable(String table, RingTimestampsCache timestamps) {
    if (!lockedTables.add(table)) {
      return false;
    }
    if (lockedTables.size() == 1) {
      String id = lockId();
      defer(committed -> {
        if (!lockedTables.isEmpty()) {
          timestamps.release(new ArrayList<>(lockedTables), this, id);
        }
      });
    }
    return true;
  }

  /** Whether this transaction changes {@code table} (its results are not for others, or cached). */
  boolean changesTable(String table) {
    return lockedTables.contains(table);
  }

  /**
   * Whether this transaction has changed any table: its query results may hold its uncommitted
   * rows, so none is put.
   */
  boolean changesAnyTable() {
    return !lockedTables.isEmpty();
  }

  /** Records that the query-cache records of {@code tables} were released. */
  void releasedTables(Collection<String> tables) {
    lockedTables.removeAll(tables);
  }

  /** Holds {@code work} back until the transaction's outcome is known. */
  void defer(Deferred work) {
    deferred.add(work);
  }
}
