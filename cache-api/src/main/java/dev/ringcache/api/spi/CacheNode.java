package dev.ringcache.api.spi;

import dev.ringcache.api.EntryTimes;
import dev.ringcache.api.EvictOutcome;
import dev.ringcache.api.InsertOutcome;
import dev.ringcache.api.Lookup;
import dev.ringcache.api.NodeUsage;
import dev.ringcache.api.PutOutcome;
import dev.ringcache.api.Unlock;
import dev.ringcache.api.UnlockOutcome;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One cache node: a connection to a Redis or Memcached server, or an in-process store. It offers
 * plain operations for direct use, and the entry protocol of {@link EntryProtocol}, each protocol
 * operation one atomic step at the node, with exactly the results the reference machine gives.
 *
 * <p>Keys are the bytes to store under, already fitted to {@link #maxKeyLength()} by the caller.
 * A node that cannot reach its server throws {@link dev.ringcache.api.NodeUnavailableException}
 * (or its subtype {@link dev.ringcache.api.CacheTimeoutException}); it never lets its client
 * library's exceptions through. It must be possible to open a node whose server is down.
 *
 * <p>Lock ids, nonces and lease tokens are checked with {@link EntryProtocol#checkId}; a lock id is
 * unique to its transaction and never reused. Lifetimes are checked with {@link
 * EntryTimes#checkTtlMillis}. After {@link #close()}, every operation fails with a {@link
 * dev.ringcache.api.NodeUnavailableException}.
 *
 * <p>Created by a {@link CacheNodeProvider}; owned and closed by whoever opened it (normally the
 * {@link dev.ringcache.api.ShardedCache}). Implementations must be thread-safe.
 *
 * <p>Thread-safe.
 */
public interface CacheNode extends AutoCloseable {
  /** The node's id on the ring; contains no secret. */
  String id();

  /** The longest key this node stores as is; longer keys are replaced by a digest. */
  int maxKeyLength();

  /**
   * Whether this node stores {@code key} as it is; the router replaces other keys by a digest form
   * of printable ASCII (see {@link #maxKeyLength()}). By default, any key up to {@link
   * #maxKeyLength()} bytes.
   */
  default boolean acceptsKey(byte[] key) {
    return key.length <= maxKeyLength();
  }

  /** A plain read: the value of a committed value record, else null. */
  byte @Nullable [] get(byte[] key);

  /** Plain reads of several keys in one batch; values in the order of the keys. */
  List<byte @Nullable []> getAll(List<byte[]> keys);

  /** A plain, unconditional write (it overwrites protocol records: for direct use only). */
  void put(byte[] key, byte[] value, long ttlMillis);

  /** Plain writes of several entries in one batch. */
  void putAll(List<byte[]> keys, List<byte[]> values, long ttlMillis);

  /** A plain delete; whether a record was there. */
  boolean delete(byte[] key);

  /** {@link EntryProtocol#getOrLease}. */
  Lookup getOrLease(byte[] key, boolean wantLease, String nonce, EntryTimes times);

  /** {@link EntryProtocol#putFromLoad}. */
  PutOutcome putFromLoad(byte[] key, byte[] value, long version, @Nullable String leaseToken,
      boolean minimal, EntryTimes times);

  /** {@link EntryProtocol#lock}; whether another writer already held the key. */
  boolean lock(byte[] key, String lockId, EntryTimes times);

  /** {@link EntryProtocol#unlock}. */
  UnlockOutcome unlock(byte[] key, Unlock unlock, EntryTimes times);

  /**
   * {@link #lock} of several keys for one writer, as one batch: the results in the order of the
   * keys, each what {@link #lock} would have returned had the keys been locked one after another
   * in that order (a key may come more than once), and the same records left. A node that can
   * sends the whole batch at once, so that it costs about one round trip of latency however many
   * keys it has; this default locks one key after another. The arguments are all checked before
   * anything is sent. A failure fails the whole batch, some of whose steps may have been applied:
   * the caller treats them all as undelivered.
   */
  default List<Boolean> lockAll(List<byte[]> keys, String lockId, EntryTimes times) {
    checkKeys(keys);
    EntryProtocol.checkId("lockId", lockId);
    Objects.requireNonNull(times, "times");
    List<Boolean> locked = new ArrayList<>(keys.size());
    for (byte[] key : keys) {
      locked.add(lock(key, lockId, times));
    }
    return locked;
  }

  /**
   * {@link #unlock} of several keys, as one batch: {@code unlocks.get(i)} releases {@code
   * keys.get(i)}; otherwise as {@link #lockAll}, each outcome what {@link #unlock} would have
   * returned had the keys been unlocked one after another in their order.
   */
  default List<UnlockOutcome> unlockAll(List<byte[]> keys, List<Unlock> unlocks,
      EntryTimes times) {
    checkUnlocks(keys, unlocks);
    Objects.requireNonNull(times, "times");
    return unlockAll(keys, unlocks, Collections.nCopies(keys.size(), times));
  }

  /**
   * {@link #unlockAll(List, List, EntryTimes)} with each key's own times, {@code times.get(i)}
   * for {@code keys.get(i)}: the unlocks of one transaction over regions of different lifetimes,
   * still one batch. Implementations that batch override this one; the other calls it.
   */
  default List<UnlockOutcome> unlockAll(List<byte[]> keys, List<Unlock> unlocks,
      List<EntryTimes> times) {
    checkUnlocks(keys, unlocks, times);
    List<UnlockOutcome> outcomes = new ArrayList<>(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      outcomes.add(unlock(keys.get(i), unlocks.get(i), times.get(i)));
    }
    return outcomes;
  }

  /** {@link EntryProtocol#afterInsert}. */
  InsertOutcome afterInsert(byte[] key, byte[] value, long version, EntryTimes times);

  /** {@link EntryProtocol#evict}. */
  EvictOutcome evict(byte[] key, EntryTimes times);

  /**
   * {@link EntryProtocol#dropValue}: the key becomes absent if it holds a committed value equal
   * to {@code expectedValue} (as stored, framing included), as one atomic step at the node;
   * whether it was dropped.
   */
  boolean dropValue(byte[] key, byte[] expectedValue);

  /**
   * A counter step, atomic at the node and one round trip: if {@code key} holds no counter (it is
   * absent, or its counter expired), it becomes a counter of {@code seed} that lives {@code
   * ttlMillis}, and {@code seed} is returned; otherwise its counter goes up by one and the new
   * value is returned, its lifetime unchanged. Concurrent increments of one key, from any number of
   * clients, each get a value of their own.
   *
   * <p>A counter that expired, or was lost with the node's other records (a {@link #clear()}, an
   * eviction under memory pressure), starts again at {@code seed}: callers that need values to keep
   * rising across such restarts choose seeds that do (from a clock, say). A node may keep a counter
   * somewhat longer than {@code ttlMillis} (Memcached counts whole seconds), never shorter.
   *
   * <p>A counter key holds a plain number, not an {@link EntryRecord}, so it is used only through
   * this method: other operations need not read it ({@link #get} may miss, {@link #inspect} may
   * fail), and what an increment does to a key that holds a record is not specified. {@code seed}
   * is checked with {@link #checkSeed}; a counter must never be driven past {@link Long#MAX_VALUE}.
   */
  long increment(byte[] key, long seed, long ttlMillis);

  /**
   * Checks a counter's seed: at least 0, because Memcached counts in unsigned 64 bits and every
   * node must count alike.
   */
  static long checkSeed(long seed) {
    if (seed < 0) {
      throw new IllegalArgumentException("a counter's seed must be at least 0, was " + seed);
    }
    return seed;
  }

  /** Checks the keys of a batch: the list and each key non-null. */
  static void checkKeys(List<byte[]> keys) {
    Objects.requireNonNull(keys, "keys");
    for (int i = 0; i < keys.size(); i++) {
      Objects.requireNonNull(keys.get(i), "keys[" + i + "]");
    }
  }

  /**
   * Checks the keys, unlocks and times of {@link #unlockAll(List, List, List)}: non-null, and as
   * many of each.
   */
  static void checkUnlocks(List<byte[]> keys, List<Unlock> unlocks, List<EntryTimes> times) {
    checkUnlocks(keys, unlocks);
    Objects.requireNonNull(times, "times");
    if (keys.size() != times.size()) {
      throw new IllegalArgumentException(keys.size() + " keys but " + times.size()
          + " times; they must pair up");
    }
    for (int i = 0; i < times.size(); i++) {
      Objects.requireNonNull(times.get(i), "times[" + i + "]");
    }
  }

  /** Checks the keys and unlocks of {@link #unlockAll}: non-null, and as many of each. */
  static void checkUnlocks(List<byte[]> keys, List<Unlock> unlocks) {
    checkKeys(keys);
    Objects.requireNonNull(unlocks, "unlocks");
    if (keys.size() != unlocks.size()) {
      throw new IllegalArgumentException(keys.size() + " keys but " + unlocks.size()
          + " unlocks; they must pair up");
    }
    for (int i = 0; i < unlocks.size(); i++) {
      Objects.requireNonNull(unlocks.get(i), "unlocks[" + i + "]");
    }
  }

  /**
   * Checks that the server answers, with one short round trip. Fails with a {@link
   * dev.ringcache.api.ConfigurationException} when the server refuses this node's credentials or
   * settings (so a wrong password fails start-up), and with a {@link
   * dev.ringcache.api.NodeUnavailableException} when it cannot be reached.
   */
  void ping();

  /**
   * Removes every record this node holds: what a node that may have missed invalidations needs
   * before it serves again (DESIGN.md §5). The node's server must be dedicated to the cache (for
   * Redis: its database).
   */
  void clear();

  /**
   * How many records the node holds whose stored key starts with {@code keyPrefix}, and the bytes
   * they take ({@link NodeUsage}). Walks every key of the node: for tools and statistics, never
   * for a hot path. A node that cannot list its keys returns {@link NodeUsage#unknown}; one that
   * fails throws as any operation does.
   */
  default NodeUsage usage(byte[] keyPrefix) {
    return NodeUsage.unknown(id());
  }

  /** The record under a key as the protocol sees it, or null if absent: for tests and tools. */
  @Nullable EntryRecord inspect(byte[] key);

  /** Now, in the clock of the expiry times {@link #inspect} reports (for tests and tools). */
  long clockMillis();

  /** Releases connections and threads; idempotent. */
  @Override
  void close();
}
