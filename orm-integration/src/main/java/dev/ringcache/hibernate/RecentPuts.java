package dev.ringcache.hibernate;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * A factory's short memory of the puts of loaded rows it made that stored their value or found a
 * value there. Hibernate puts every row a query loads, though the cache holds nearly all of them
 * already: for {@link #WINDOW_NANOS} after such a put, the same put (key, value and version)
 * without a lease is not sent again, since the node would refuse it unless the key changed.
 *
 * <p>Not sending a put never breaks the entry protocol: a put that cannot be delivered is skipped
 * as well. A change to the key since the put (by another JVM, or this one's own write) can only
 * keep the same put from being sent until the window ends: a later fill, never an older value.
 * This factory's own invalidations of a key (evictions, removals, drops of an older generation's
 * value) forget it. Puts with a lease, and puts that must be sent such as CacheMode REFRESH's,
 * do not ask here.
 *
 * <p>A fixed number of slots, a key's slot chosen by its hash, each holding the key (shared, never
 * changed), a 64-bit digest of the value, the version and the time: a key that meets another in
 * its slot replaces it, so memory stays bounded whatever the number and size of values. A digest
 * that two values share would only keep a put unsent. Owned by its {@link
 * RingCacheRegionFactory}.
 *
 * <p>Thread-safe.
 */
final class RecentPuts {
  /** How long a factory remembers a put. */
  static final long WINDOW_NANOS = 1_000_000_000L;

  /** Slots: a power of two. */
  private static final int SLOTS = 4096;

  private final long windowNanos;
  private final AtomicReferenceArray<@Nullable Put> slots = new AtomicReferenceArray<>(SLOTS);

  /** A put remembered. */
  private record Put(byte[] key, long digest, long version, long atNanos) {}

  /** Remembers each put for {@code windowNanos}. */
  RecentPuts(long windowNanos) {
    this.windowNanos = windowNanos;
  }

  /** The digest of a value, as {@link #answered} and {@link #remember} take it. */
  static long digest(byte[] value) {
    CRC32C crc = new CRC32C();
    crc.update(value);
    return ((long) Arrays.hashCode(value) << 32) | crc.getValue();
  }

  /** Whether the same put stored its value, or found a value there, within the window. */
  boolean answered(byte[] key, long digest, long version) {
    Put put = slots.get(slot(key));
    return put != null && System.nanoTime() - put.atNanos() < windowNanos
        && put.digest() == digest && put.version() == version && Arrays.equals(put.key(), key);
  }

  /** Remembers a put that stored its value, or found a value there. */
  void remember(byte[] key, long digest, long version) {
    slots.set(slot(key), new Put(key, digest, version, System.nanoTime()));
  }

  /** Forgets {@code key}: a put of it met something other than a value, or it was invalidated. */
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
