package dev.ringcache.api.spi;

import dev.ringcache.api.EntryTimes;
import dev.ringcache.api.EvictOutcome;
import dev.ringcache.api.InsertOutcome;
import dev.ringcache.api.Lookup;
import dev.ringcache.api.PutOutcome;
import dev.ringcache.api.Unlock;
import dev.ringcache.api.UnlockOutcome;
import java.util.List;
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

  /** {@link EntryProtocol#afterInsert}. */
  InsertOutcome afterInsert(byte[] key, byte[] value, long version, EntryTimes times);

  /** {@link EntryProtocol#evict}. */
  EvictOutcome evict(byte[] key, EntryTimes times);

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

  /** The record under a key as the protocol sees it, or null if absent: for tests and tools. */
  @Nullable EntryRecord inspect(byte[] key);

  /** Now, in the clock of the expiry times {@link #inspect} reports (for tests and tools). */
  long clockMillis();

  /** Releases connections and threads; idempotent. */
  @Override
  void close();
}
