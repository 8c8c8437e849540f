package dev.ringcache.api.internal;

import dev.ringcache.api.EntryTimes;
import dev.ringcache.api.EvictOutcome;
import dev.ringcache.api.InsertOutcome;
import dev.ringcache.api.Lookup;
import dev.ringcache.api.NodeUnavailableException;
import dev.ringcache.api.NodeUsage;
import dev.ringcache.api.PutOutcome;
import dev.ringcache.api.Unlock;
import dev.ringcache.api.UnlockOutcome;
import dev.ringcache.api.spi.CacheNode;
import dev.ringcache.api.spi.EntryProtocol;
import dev.ringcache.api.spi.EntryRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * An in-process node ({@code local://name}): the reference machine of {@link EntryProtocol} over a
 * {@link LocalStore}. Nodes of the same name in one JVM share one store, as application servers
 * share a Redis; the store is released when the last of them closes.
 *
 * <p>Thread-safe.
 */
final class LocalNode implements CacheNode {
  /** No network protocol limits an in-process key; this bounds what one key may cost. */
  static final int MAX_KEY_LENGTH = 4096;

  private final String name;
  private final LocalStore store;
  private final Runnable onClose;
  private final AtomicBoolean closed = new AtomicBoolean();

  LocalNode(String name, LocalStore store, Runnable onClose) {
    this.name = name;
    this.store = store;
    this.onClose = onClose;
  }

  @Override
  public String id() {
    return name;
  }

  @Override
  public int maxKeyLength() {
    return MAX_KEY_LENGTH;
  }

  @Override
  public byte @Nullable [] get(byte[] key) {
    return EntryProtocol.get(store().read(key), store.now()).result();
  }

  @Override
  public List<byte @Nullable []> getAll(List<byte[]> keys) {
    List<byte @Nullable []> values = new ArrayList<>(keys.size());
    for (byte[] key : keys) {
      values.add(get(key));
    }
    return values;
  }

  @Override
  public void put(byte[] key, byte[] value, long ttlMillis) {
    Objects.requireNonNull(value, "value");
    store().apply(key, r -> EntryProtocol.put(r, value, ttlMillis, store.now()));
  }

  @Override
  public void putAll(List<byte[]> keys, List<byte[]> values, long ttlMillis) {
    for (int i = 0; i < keys.size(); i++) {
      put(keys.get(i), values.get(i), ttlMillis);
    }
  }

  @Override
  public boolean delete(byte[] key) {
    return store().apply(key, r -> EntryProtocol.delete(r, store.now()));
  }

  @Override
  public Lookup getOrLease(byte[] key, boolean wantLease, String nonce, EntryTimes times) {
    return store().apply(key, r -> EntryProtocol.getOrLease(r, wantLease, nonce, times, store.now()));
  }

  @Override
  public PutOutcome putFromLoad(byte[] key, byte[] value, long version,
      @Nullable String leaseToken, boolean minimal, EntryTimes times) {
    return store().apply(key, r -> EntryProtocol.putFromLoad(r, value, version, leaseToken, minimal,
        times, store.now()));
  }

  @Override
  public boolean lock(byte[] key, String lockId, EntryTimes times) {
    return store().apply(key, r -> EntryProtocol.lock(r, lockId, times, store.now()));
  }

  @Override
  public UnlockOutcome unlock(byte[] key, Unlock unlock, EntryTimes times) {
    return store().apply(key, r -> EntryProtocol.unlock(r, unlock, times, store.now()));
  }

  @Override
  public InsertOutcome afterInsert(byte[] key, byte[] value, long version, EntryTimes times) {
    return store().apply(key, r -> EntryProtocol.afterInsert(r, value, version, times, store.now()));
  }

  @Override
  public EvictOutcome evict(byte[] key, EntryTimes times) {
    return store().apply(key, r -> EntryProtocol.evict(r, times, store.now()));
  }

  @Override
  public boolean dropValue(byte[] key, byte[] expectedValue) {
    Objects.requireNonNull(expectedValue, "expectedValue");
    return store().apply(key, r -> EntryProtocol.dropValue(r, expectedValue, store.now()));
  }

  @Override
  public long increment(byte[] key, long seed, long ttlMillis) {
    Objects.requireNonNull(key, "key");
    CacheNode.checkSeed(seed);
    EntryTimes.checkTtlMillis(ttlMillis);
    return store().increment(key, seed, ttlMillis);
  }

  @Override
  public void ping() {
    store();
  }

  @Override
  public void clear() {
    store().clear();
  }

  @Override
  public NodeUsage usage(byte[] keyPrefix) {
    long[] usage = store().usage(keyPrefix);
    return new NodeUsage(id(), usage[0], usage[1]);
  }

  @Override
  public @Nullable EntryRecord inspect(byte[] key) {
    EntryRecord record = store().read(key);
    return record == null || record.expiresAtMillis() <= store.now() ? null : record;
  }

  @Override
  public long clockMillis() {
    return store.now();
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      onClose.run();
    }
  }

  /** The store, unless this node is closed (its store may be another node's by now). */
  private LocalStore store() {
    if (closed.get()) {
      throw new NodeUnavailableException("local node " + name + " is closed");
    }
    return store;
  }

  @Override
  public String toString() {
    return "local://" + name;
  }
}
