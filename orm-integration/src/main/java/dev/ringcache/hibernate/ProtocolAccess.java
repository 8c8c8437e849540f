package dev.ringcache.hibernate;

import dev.ringcache.api.CodecException;
import dev.ringcache.api.EntryTimes;
import dev.ringcache.api.InsertOutcome;
import dev.ringcache.api.Lookup;
import dev.ringcache.api.PutOutcome;
import dev.ringcache.api.ShardedCache;
import dev.ringcache.api.Unlock;
import java.io.Serializable;
import java.lang.System.Logger.Level;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.hibernate.cache.spi.DomainDataRegion;
import org.hibernate.cache.spi.access.AccessType;
import org.hibernate.cache.spi.access.CachedDomainDataAccess;
import org.hibernate.cache.spi.access.SoftLock;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.jspecify.annotations.Nullable;

/**
 * The entry protocol of DESIGN.md §4 behind Hibernate's access SPI, shared by entities,
 * collections and natural ids, for all four access types:
 *
 * <ul>
 *   <li>get: a protocol read that takes a lease on a miss; put-from-load with that lease, or
 *       without one (values found by a query) only where the protocol allows;
 *   <li>lockItem at flush, sent with the transaction's other locks just before the commit (one
 *       batch per node); the unlock after completion, sent with the others once all are known,
 *       writes the committed value (READ_WRITE, TRANSACTIONAL) or a tombstone
 *       (NONSTRICT_READ_WRITE, a delete, a rollback); a rollback whose locks were never sent
 *       sends nothing;
 *   <li>TRANSACTIONAL writes nothing before the commit: its puts wait in the session's {@link
 *       RingTransaction} and are published only after a successful commit;
 *   <li>a transaction older than 0.9 Θ puts nothing; a region's bulk invalidation starts a new
 *       {@link RegionGeneration}; once it has settled, a value of the generation before is
 *       dropped by the first read that finds it (or insert that it refuses), so that the next
 *       load caches the current value at once, with or without a lease (see {@link
 *       #dropOlderGeneration}).
 * </ul>
 *
 * <p>A failing node never throws out of here: the router already turns failed reads into misses,
 * failed puts into skips and undelivered invalidations into a quarantine.
 *
 * <p>Thread-safe.
 */
abstract class ProtocolAccess implements CachedDomainDataAccess {
  private static final System.Logger LOG = System.getLogger(ProtocolAccess.class.getName());

  final RingDomainDataRegion region;
  final AccessType accessType;
  final String typeName;
  private final ShardedCache cache;
  private final EntryTimes times;
  private final long maxAgeNanos;
  private volatile long fingerprint;
  private volatile boolean fingerprinted;

  ProtocolAccess(RingDomainDataRegion region, AccessType accessType, String typeName) {
    this.region = region;
    this.accessType = accessType;
    this.typeName = typeName;
    this.cache = region.factory().cache();
    this.times = region.options().entryTimes();
    this.maxAgeNanos = region.factory().options().maxTransaction().toNanos() / 10 * 9;
  }

  /**
   * A text that describes what a value of this access holds (attribute names and types), whose
   * {@link Fingerprint} every value carries: a changed mapping reads as a miss.
   */
  abstract String describeMapping(SharedSessionContractImplementor session);

  /**
   * Whether a miss takes a lease for the put of what the session then loads. Right only when
   * Hibernate looks the key up before it reads the database; a lease taken after the read would
   * let that read's old data in.
   */
  boolean leasesOnMiss() {
    return true;
  }

  /** The fingerprint of the mapping, computed once (the metamodel is complete by then). */
  final long fingerprint(SharedSessionContractImplementor session) {
    if (!fingerprinted) {
      fingerprint = Fingerprint.of(describeMapping(session));
      fingerprinted = true;
    }
    return fingerprint;
  }

  @Override
  public DomainDataRegion getRegion() {
    return region;
  }

  @Override
  public AccessType getAccessType() {
    return accessType;
  }

  // Reads and loads

  @Override
  public @Nullable Object get(SharedSessionContractImplementor session, Object key) {
    return safely("get", () -> getUnsafely(session, key), null);
  }

  private @Nullable Object getUnsafely(SharedSessionContractImplementor session, Object key) {
    RingKey k = (RingKey) key;
    byte[] bytes = k.bytes();
    RingTransaction tx = transaction(session);
    if (bytes == null || tx == null || tx.invalidatedByBulk(region) || tx.holdsLock(k)) {
      return null; // a key this transaction changed: its lock may not have been sent yet
    }
    long generation = region.generation().current();
    if (generation == RegionGeneration.UNKNOWN) {
      return null;
    }
    // A transaction too old to put takes no lease: an unused lease would hold off other loaders.
    // A session that does not put (CacheMode GET or IGNORE) takes none either, nor one whose
    // values would carry an older generation than the current (they are never put).
    boolean wantLease = leasesOnMiss() && !tooOld(tx) && session.getCacheMode().isPutEnabled()
        && region.generation().generationAt(tx.startNanos()) >= generation;
    Lookup found = cache.getOrLease(bytes, wantLease, times);
    if (found.kind() == Lookup.Kind.LEASED) {
      tx.lease(k, found.leaseToken());
      return null;
    }
    if (!found.isHit()) {
      return null;
    }
    byte[] stored = found.value();
    boolean olderGeneration = CachedValues.generationOf(stored) < generation;
    Object value = olderGeneration ? null : region.values().decode(fingerprint(session), stored);
    if (value == null) {
      // Make room for a fresh value, and take the lease any miss would (this lookup precedes the
      // database read). A value of another mapping (a redeploy under way) is evicted, not
      // dropped: servers of that mapping still read such values, and put them without a lease.
      boolean room = true;
      if (olderGeneration) {
        room = dropOlderGeneration(bytes, stored, wantLease);
      } else {
        cache.evict(bytes, times);
      }
      if (room && wantLease) {
        Lookup again = cache.getOrLease(bytes, true, times);
        if (again.kind() == Lookup.Kind.LEASED) {
          tx.lease(k, again.leaseToken());
        }
      }
    }
    return value;
  }

  /**
   * Drops {@code stored}, a value of an older region generation than the current, if it is still
   * there and the current generation is {@link RegionGeneration#settled() settled}; whether a
   * lease may now be had. The key is left absent, not a tombstone, so that the next load caches
   * the current value at once, even a load without a lease (a natural id, a row a query found,
   * an insert). Evicting it instead would refuse those for Θ.
   *
   * <p>Why an absent key is safe here. A value holds off puts without a lease of data read
   * before it was written (such a put must be strictly newer); after the drop, such a put lands
   * in the empty key. It is harmless if no reader serves it, that is, if it carries an older
   * generation than the one the readers know; and it is refused outright, as any put, if a
   * writer locked the key since. The drop itself removes only this exact value: a writer's lock
   * or tombstone, or a value written since, is never dropped. So what must not happen is a put
   * that carries the current generation landing after the drop with data read before the
   * dropped value was written. Three rules see to that:
   *
   * <ol>
   *   <li>No JVM writes a value stamped with an older generation than the one it currently
   *       knows (an unlock leaves a tombstone instead): so the dropped value was written, at
   *       the latest, while its writer's JVM did not know the current generation yet, which is
   *       at most one check interval after that generation began;
   *   <li>a put without a lease (and an insert) carries the current generation only if its
   *       transaction began a whole check interval after its JVM learned it ({@link
   *       RegionGeneration#settledAt}): so a put carrying it read its data after the dropped
   *       value was written;
   *   <li>values are dropped only once the current generation is settled here: by then every JVM
   *       knows it, so a lagging JVM that still stamps the older generation can neither put
   *       such a value (rule 1) nor serve one.
   * </ol>
   *
   * A put with a lease needs none of this: a drop never leaves a lease behind, so a lease taken
   * before it is gone, and one taken after it was taken after the value was. So within the first
   * check interval after a generation change (rule 3), a reader that is to take a lease evicts
   * the value, as any invalidation would, and takes its lease over the tombstone; other readers
   * leave it, and it only reads as a miss until a read after that interval drops it.
   */
  private boolean dropOlderGeneration(byte[] bytes, byte[] stored, boolean wantLease) {
    region.factory().recentPuts().forget(bytes); // a put it refused may be sent again now
    if (region.generation().settled()) {
      cache.dropValue(bytes, stored);
      return true; // if another step changed the key since, a lease may still be had
    }
    if (wantLease) {
      cache.evict(bytes, times);
      return true;
    }
    return false;
  }

  @Override
  public boolean contains(Object key) {
    return safely("contains", () -> containsUnsafely(key), false);
  }

  private boolean containsUnsafely(Object key) {
    byte[] bytes = ((RingKey) key).bytes();
    if (bytes == null) {
      return false;
    }
    long generation = region.generation().current();
    Lookup found = cache.getOrLease(bytes, false, times);
    return generation != RegionGeneration.UNKNOWN && found.isHit()
        && CachedValues.generationOf(found.value()) >= generation;
  }

  @Override
  public boolean putFromLoad(SharedSessionContractImplementor session, Object key, Object value,
      @Nullable Object version) {
    return putFromLoad(session, key, value, version, false);
  }

  @Override
  public boolean putFromLoad(SharedSessionContractImplementor session, Object key, Object value,
      @Nullable Object version, boolean minimalPutOverride) {
    return safely("putFromLoad",
        () -> putFromLoadUnsafely(session, key, value, version, minimalPutOverride), false);
  }

  private boolean putFromLoadUnsafely(SharedSessionContractImplementor session, Object key,
      Object value, @Nullable Object version, boolean minimalPutOverride) {
    RingKey k = (RingKey) key;
    byte[] bytes = k.bytes();
    RingTransaction tx = transaction(session);
    if (bytes == null || tx == null) {
      return false;
    }
    String lease = tx.takeLease(k);
    if (tx.invalidatedByBulk(region) || tooOld(tx) || tx.holdsLock(k)) {
      return false;
    }
    byte[] stored = encode(session, tx, value, lease != null);
    if (stored == null) {
      return false;
    }
    long v = versionOf(version);
    boolean refresh = lease == null && session.getCacheMode().isRefreshEnabled();
    if (accessType == AccessType.TRANSACTIONAL) {
      tx.defer(committed -> {
        if (committed && !tooOld(tx)) {
          put(bytes, stored, v, lease, minimalPutOverride, refresh);
        }
      });
      return false; // nothing is written before the commit
    }
    return put(bytes, stored, v, lease, minimalPutOverride, refresh);
  }

  /**
   * A put from a load. Under CacheMode REFRESH a value already cached may be older than the row
   * (changed behind Hibernate's back): it is invalidated, and the loaded value put again, which
   * lands over the tombstone of its own version (a versioned row) or is cached by the next lease
   * (an unversioned one). A concurrent writer's lock or tombstone refuses it, as any put. A put
   * without a lease that this factory made within the last second, and that stored its value or
   * found a value there, is not sent again ({@link RecentPuts}), except under REFRESH.
   */
  private boolean put(byte[] bytes, byte[] stored, long version, @Nullable String lease,
      boolean minimal, boolean refresh) {
    if (!ofCurrentGeneration(stored)) {
      return false;
    }
    RecentPuts recent = region.factory().recentPuts();
    long digest = RecentPuts.digest(stored);
    if (lease == null && !refresh && recent.answered(bytes, digest, version)) {
      return false; // the node would refuse it again, unless the key changed since
    }
    PutOutcome put = cache.putFromLoad(bytes, stored, version, lease, minimal, times);
    if (put == PutOutcome.REJECTED_PRESENT && refresh) {
      cache.evict(bytes, times);
      put = cache.putFromLoad(bytes, stored, version, null, false, times);
    }
    // A minimal put is refused by any value, even an older one that a later put would replace.
    if (put == PutOutcome.STORED || (put == PutOutcome.REJECTED_PRESENT && !minimal)) {
      recent.remember(bytes, digest, version);
    } else {
      recent.forget(bytes);
    }
    return put == PutOutcome.STORED;
  }

  // Writes: lock at flush, unlock after completion

  @Override
  public @Nullable SoftLock lockItem(SharedSessionContractImplementor session, Object key,
      @Nullable Object version) {
    return safely("lockItem", () -> lockItemUnsafely(session, key, version), null);
  }

  private @Nullable SoftLock lockItemUnsafely(SharedSessionContractImplementor session, Object key,
      @Nullable Object version) {
    RingKey k = (RingKey) key;
    byte[] bytes = k.bytes();
    RingTransaction tx = transaction(session);
    if (bytes == null || tx == null) {
      return null;
    }
    RingLock lock = tx.locked(k);
    tx.lock(session, bytes, times);
    if (accessType == AccessType.TRANSACTIONAL) {
      // The outcome follows the key's last action: a later delete or invalidating update must
      // not publish the value an earlier update of this transaction left.
      lock.publish(null, Lookup.NO_VERSION);
      if (tx.firstLock(k)) {
        tx.defer(committed -> tx.unlock(bytes,
            lock.outcome(committed, this::ofCurrentGeneration), times));
      }
    } else if (tx.firstLock(k)) {
      // Hibernate takes a collection's lock before any SQL of the flush, but registers its
      // unlock only once the action runs: a flush that fails first (an optimistic-lock failure)
      // leaves the lock to us. Release it when the transaction ends, rather than after 2Θ.
      tx.defer(committed -> {
        if (tx.holdsLock(k)) {
          tx.unlock(bytes, committed ? Unlock.committedDelete(lock.lockId())
              : Unlock.rolledBack(lock.lockId()), times);
        }
      });
    }
    return lock;
  }

  @Override
  public void unlockItem(SharedSessionContractImplementor session, Object key,
      @Nullable SoftLock lock) {
    safely("unlockItem", () -> {
      unlockItemUnsafely(session, key, lock);
      return null;
    }, null);
  }

  private void unlockItemUnsafely(SharedSessionContractImplementor session, Object key,
      @Nullable SoftLock lock) {
    RingKey k = (RingKey) key;
    byte[] bytes = k.bytes();
    RingTransaction tx = transaction(session);
    if (bytes == null || accessType == AccessType.TRANSACTIONAL
        || (tx != null && !tx.released(k))) {
      return; // TRANSACTIONAL: the unlock registered by lockItem runs when the outcome is known
    }
    // Hibernate does not say here whether the transaction committed (a delete, an update that
    // invalidates, or a rollback): the tombstone that blocks every put without a lease is right
    // for all three.
    Unlock unlock = Unlock.committedDelete(lockIdOf(session, lock));
    if (tx != null) {
      tx.unlock(bytes, unlock, times);
    } else {
      cache.unlock(bytes, unlock, times);
    }
  }

  /**
   * The after-completion half of an update that committed: READ_WRITE writes the value through its
   * lock, NONSTRICT_READ_WRITE and READ_ONLY leave a tombstone; TRANSACTIONAL only records the
   * value, published by the lock's deferred unlock.
   */
  final boolean afterUpdate(SharedSessionContractImplementor session, RingKey key, Object value,
      @Nullable Object version, @Nullable SoftLock lock) {
    return safely("afterUpdate",
        () -> afterUpdateUnsafely(session, key, value, version, lock), false);
  }

  private boolean afterUpdateUnsafely(SharedSessionContractImplementor session, RingKey key,
      Object value, @Nullable Object version, @Nullable SoftLock lock) {
    byte[] bytes = key.bytes();
    RingTransaction tx = transaction(session);
    if (bytes == null || tx == null || accessType == AccessType.TRANSACTIONAL
        || !tx.released(key)) {
      return false;
    }
    String lockId = lockIdOf(session, lock);
    long v = versionOf(version);
    byte[] stored = accessType == AccessType.READ_WRITE ? encode(session, tx, value, true) : null;
    if (stored != null && !ofCurrentGeneration(stored)) {
      stored = null; // a transaction older than the generation: invalidate only
    }
    Unlock unlock = stored != null ? Unlock.committedValue(lockId, stored, v)
        : Unlock.committedInvalidate(lockId, v);
    tx.unlock(bytes, unlock, times);
    return stored != null; // sent with the transaction's other unlocks, once they are all known
  }

  /** At flush, TRANSACTIONAL only: the value its lock publishes once the commit succeeded. */
  final boolean update(SharedSessionContractImplementor session, RingKey key, Object value,
      @Nullable Object version) {
    if (accessType == AccessType.READ_ONLY) {
      throw new UnsupportedOperationException("Can't update readonly object");
    }
    RingTransaction tx = transaction(session);
    if (key.bytes() == null || tx == null || accessType != AccessType.TRANSACTIONAL) {
      return false;
    }
    byte[] stored = encode(session, tx, value, true);
    RingLock lock = tx.heldLock(key);
    if (lock != null) {
      lock.publish(stored, versionOf(version));
    }
    return false; // nothing is written before the commit
  }

  /** At flush, TRANSACTIONAL only: the inserted value, published once the commit succeeded. */
  final boolean insert(SharedSessionContractImplementor session, RingKey key, Object value,
      @Nullable Object version) {
    return safely("insert", () -> insertUnsafely(session, key, value, version), false);
  }

  private boolean insertUnsafely(SharedSessionContractImplementor session, RingKey key,
      Object value, @Nullable Object version) {
    RingTransaction tx = transaction(session);
    if (key.bytes() == null || tx == null || accessType != AccessType.TRANSACTIONAL) {
      return false;
    }
    tx.defer(committed -> {
      if (committed) {
        publishInsert(session, tx, key, value, version);
      }
    });
    return false; // nothing is written before the commit
  }

  /** After a successful commit: caches an inserted value (TRANSACTIONAL did at its publish). */
  final boolean afterInsert(SharedSessionContractImplementor session, RingKey key, Object value,
      @Nullable Object version) {
    return safely("afterInsert", () -> afterInsertUnsafely(session, key, value, version), false);
  }

  private boolean afterInsertUnsafely(SharedSessionContractImplementor session, RingKey key,
      Object value, @Nullable Object version) {
    RingTransaction tx = transaction(session);
    if (tx == null || accessType == AccessType.TRANSACTIONAL) {
      return false;
    }
    return publishInsert(session, tx, key, value, version);
  }

  private boolean publishInsert(SharedSessionContractImplementor session, RingTransaction tx,
      RingKey key, Object value, @Nullable Object version) {
    byte[] bytes = key.bytes();
    if (bytes == null || tooOld(tx)) {
      return false;
    }
    String lease = tx.takeLease(key);
    byte[] stored = encode(session, tx, value, lease != null);
    if (stored == null || !ofCurrentGeneration(stored)) {
      return false;
    }
    long v = versionOf(version);
    if (lease != null) {
      // This session looked the key up before inserting it (as persist does for an assigned id):
      // its lease still stands if nothing invalidated the key since, and the committed row is
      // newer than anything a loader could have read.
      return cache.putFromLoad(bytes, stored, v, lease, false, times) == PutOutcome.STORED;
    }
    InsertOutcome inserted = cache.afterInsert(bytes, stored, v, times);
    if (inserted == InsertOutcome.SKIPPED && dropOlderGenerationAfterInsert(bytes)) {
      // The key held a value of an older generation, such as a row of the same id that was
      // deleted behind a region clear: it is gone now.
      inserted = cache.afterInsert(bytes, stored, v, times);
    }
    return inserted == InsertOutcome.STORED;
  }

  /**
   * After a refused insert: drops the value the key holds if it is of an older generation (see
   * {@link #dropOlderGeneration(byte[], byte[], boolean)}); whether it did. One more read, only
   * when an insert was refused.
   */
  private boolean dropOlderGenerationAfterInsert(byte[] bytes) {
    Lookup found = cache.getOrLease(bytes, false, times);
    long generation = region.generation().current();
    return found.isHit() && generation != RegionGeneration.UNKNOWN
        && CachedValues.generationOf(found.value()) < generation
        && region.generation().settled() && cache.dropValue(bytes, found.value());
  }

  @Override
  public void remove(SharedSessionContractImplementor session, Object key) {
    safely("remove", () -> {
      removeUnsafely(session, key);
      return null;
    }, null);
  }

  private void removeUnsafely(SharedSessionContractImplementor session, Object key) {
    RingKey k = (RingKey) key;
    byte[] bytes = k.bytes();
    RingTransaction tx = transaction(session);
    if (tx != null && tx.holdsLock(k)) {
      // This transaction's lock already keeps values out, and its unlock leaves a tombstone (for
      // TRANSACTIONAL, the lockItem before this remove cleared any earlier value).
      return;
    }
    if (bytes != null) {
      invalidate(bytes);
    }
  }

  // Whole-region invalidation (bulk statements, eviction of a region)

  @Override
  public void removeAll(SharedSessionContractImplementor session) {
    RingTransaction tx = transaction(session);
    if (tx != null) {
      tx.bulkInvalidated(region);
    }
  }

  @Override
  public SoftLock lockRegion() {
    return RingLock.REGION;
  }

  @Override
  public void unlockRegion(@Nullable SoftLock lock) {
    safely("unlockRegion", () -> {
      unlockRegionUnsafely(lock);
      return null;
    }, null);
  }

  private void unlockRegionUnsafely(@Nullable SoftLock lock) {
    region.generation().advance(true); // a bulk change committed: commit() waits
  }

  @Override
  public void evict(Object key) {
    safely("evict", () -> {
      evictUnsafely(key);
      return null;
    }, null);
  }

  /** Evicts a key, and forgets this factory's recent puts of it so that its next put is sent. */
  private void invalidate(byte[] bytes) {
    region.factory().recentPuts().forget(bytes);
    cache.evict(bytes, times);
  }

  private void evictUnsafely(Object key) {
    byte[] bytes = ((RingKey) key).bytes();
    if (bytes != null) {
      invalidate(bytes);
    }
  }

  @Override
  public void evictAll() {
    safely("evictAll", () -> {
      evictAllUnsafely();
      return null;
    }, null);
  }

  private void evictAllUnsafely() {
    region.generation().advance(false); // no commit to hold: other JVMs follow within the interval
  }

  /**
   * Runs one cache step so that nothing it throws reaches Hibernate (a node failure is already a
   * miss or a skip in the router; this catches the rest, such as a factory closed under a
   * session that is still completing): the fallback, and a log line.
   */
  private <T> @Nullable T safely(String step, Supplier<@Nullable T> work,
      @Nullable T fallback) {
    try {
      return work.get();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "ringcache " + step + " failed in region " + region.getName()
          + " (" + typeName + "); the cache is skipped for it: " + e);
      return fallback;
    }
  }

  // Helpers

  private static @Nullable RingTransaction transaction(SharedSessionContractImplementor session) {
    return RingTransaction.of(session);
  }

  private static String lockIdOf(SharedSessionContractImplementor session,
      @Nullable SoftLock lock) {
    if (lock instanceof RingLock ringLock && ringLock != RingLock.REGION) {
      return ringLock.lockId();
    }
    RingTransaction tx = transaction(session);
    // No lock of ours (its lockItem found nothing to lock): an id that finds no lock, which
    // leaves a tombstone.
    return tx != null ? tx.lockId() : "none";
  }

  /**
   * Whether {@code stored} carries the current generation, or a newer one: no other value is
   * ever written (rule 1 of {@link #dropOlderGeneration(byte[], byte[], boolean)}); readers
   * would not serve it anyway.
   */
  private boolean ofCurrentGeneration(byte[] stored) {
    long generation = region.generation().current();
    return generation != RegionGeneration.UNKNOWN
        && CachedValues.generationOf(stored) >= generation;
  }

  private boolean tooOld(RingTransaction tx) {
    return System.nanoTime() - tx.startNanos() > maxAgeNanos;
  }

  /**
   * The stored form of {@code value}, or null if it cannot be cached (reported, not thrown). It
   * carries the generation this JVM knew when the transaction began; unless {@code guarded} (a
   * put with a lease, a writer's value written through its lock), one this JVM had known for a
   * whole check interval by then, or none (rule 2 of {@link #dropOlderGeneration(byte[], byte[],
   * boolean)}).
   */
  private byte @Nullable [] encode(SharedSessionContractImplementor session, RingTransaction tx,
      Object value, boolean guarded) {
    long generation = guarded ? region.generation().generationAt(tx.startNanos())
        : region.generation().settledAt(tx.startNanos());
    if (generation == RegionGeneration.UNKNOWN) {
      return null;
    }
    try {
      return region.values().encode(fingerprint(session), generation, value);
    } catch (CodecException e) {
      region.factory().valueNotCached(region.getName(), typeName, e);
      return null;
    }
  }

  /**
   * A version as the protocol compares it, where a newer committed version is always greater:
   * {@code int} and {@code long} versions as they are. Everything else counts as unversioned:
   * {@code short} and {@code byte} versions wrap around, and timestamp versions come from each
   * JVM's own clock (or go back with daylight saving time), so their order is not the order of
   * the commits.
   */
  static long versionOf(@Nullable Object version) {
    if (version instanceof Long || version instanceof Integer) {
      return ((Number) version).longValue(); // Long.MIN_VALUE is NO_VERSION: unversioned, safe
    }
    return Lookup.NO_VERSION;
  }

  /** ringcache's soft lock: the lock id, and what TRANSACTIONAL publishes when it unlocks. */
  static final class RingLock implements SoftLock, Serializable {
    private static final long serialVersionUID = 1L;
    static final RingLock REGION = new RingLock("region");

    private final String lockId;
    private transient byte @Nullable [] value;
    private transient long version = Lookup.NO_VERSION;

    RingLock(String lockId) {
      this.lockId = lockId;
    }

    String lockId() {
      return lockId;
    }

    void publish(byte @Nullable [] value, long version) {
      this.value = value;
      this.version = version;
    }

    /**
     * The unlock once the transaction's outcome is known: a value it published is written only if
     * {@code writable}, else the unlock only invalidates.
     */
    Unlock outcome(boolean committed, Predicate<byte[]> writable) {
      if (!committed) {
        return Unlock.rolledBack(lockId);
      }
      byte[] v = value;
      if (v == null) {
        return Unlock.committedDelete(lockId);
      }
      return writable.test(v) ? Unlock.committedValue(lockId, v, version)
          : Unlock.committedInvalidate(lockId, version);
    }
  }
}
