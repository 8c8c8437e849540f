package dev.ringcache.api;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;

/**
 * A router's short memory of the puts from a load it made that stored their value or found one
 * there: for a while after one ({@link #WINDOW_NANOS} in a router), the same put (key, bytes and
 * version) without a lease is answered "a value is there" without a round trip. Hibernate puts
 * every row a query loads, and most of them are cached already: each such put would be a round
 * trip that the node refuses.
 *
 * <p>Not sending a put never breaks the entry protocol (a put that fails is skipped as well). A
 * key this router changed since (a lock, unlock, eviction, insert, drop or plain write) is
 * forgotten at once, so its next put is sent. What this router cannot see — another JVM's
 * eviction, a node that lost the key — can only keep the same put unsent until the window ends,
 * one second at most: a later fill, never an older value. (A node that is cleared, after a
 * failure or a change of the ring, takes no puts for far longer than the window anyway.)
 *
 * <p>A fixed number of slots, a key's slot chosen by its hash: a key that meets another in its
 * slot replaces it, so memory stays bounded whatever the number of keys. Owned by its {@link
 * ShardedCache}.
 *
 * <p>Thread-safe.
 */
final class RecentPuts {
  /** How long a router remembers a put. */
  static final long WINDOW_NANOS = 1_000_000_000L;

  /** Slots: a power of two. */
  private static final int SLOTS = 4096;

  private final long windowNanos;
  private final AtomicReferenceArray<@Nullable Put> slots = new AtomicReferenceArray<>(SLOTS);

  /** Remembers each put for {@code windowNanos}. */
  RecentPuts(long windowNanos) {
    this.windowNanos = windowNanos;
  }

  /** A put remembered: its key, value (copies) and version, and when it was answered. */
  private record Put(byte[] key, byte[] value, long version, long atNanos) {}

  /** Whether the same put was answered within the window. */
  boolean answered(byte[] key, byte[] value, long version) {
    Put put = slots.get(slot(key));
    return put != null && System.nanoTime() - put.atNanos() < windowNanos
        && put.version() == version && Arrays.equals(put.key(), key)
        && Arrays.equals(put.value(), value);
  }

  /** Remembers a put that stored its value, or was refused because a value was there. */
  void remember(byte[] key, byte[] value, long version) {
    slots.set(slot(key), new Put(key.clone(), value.clone(), version, System.nanoTime()));
  }

  /** Forgets {@code key}: this router changed it, or learned that it holds no value. */
  void forget(byte[] key) {
    int slot = slot(key);
    Put put = slots.get(slot);
    if (put != null && Arrays.equals(put.key(), key)) {
      slots.compareAndSet(slot, put, null);
    }
  }

  private static int slot(byte[] key) {
    int h = Arrays.hashCode(key);
    return (h ^ (h >>> 16)) & (SLOTS - 1);
  }
}
