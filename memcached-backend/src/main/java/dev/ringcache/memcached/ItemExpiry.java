package dev.ringcache.memcached;

/**
 * The memcached expiration ("exptime") of an item whose record expires at a time in the node's
 * clock. The record's own expiry time decides when it is live; the item's exptime only lets
 * memcached reclaim it afterwards, and must never end it sooner.
 *
 * <p>Memcached counts whole seconds on a clock that ticks once a second, so an item given a
 * relative exptime of n seconds may go after only n − 1: each item gets one second more than its
 * record needs. Memcached reads an exptime over 30 days as an absolute Unix time (on its own
 * clock, which the node's clock estimates); the latest it takes is {@link #MAX_ABSOLUTE_SECONDS}
 * (January 2038), so a record that expires later (a foreign record, or a lock refreshed from one)
 * gets that.
 *
 * <p>Immutable and thread-safe (stateless).
 */
final class ItemExpiry {
  /** The longest exptime memcached reads as relative: 30 days, in seconds. */
  static final int MAX_RELATIVE_SECONDS = 60 * 60 * 24 * 30;
  /** The latest absolute exptime: memcached's text protocol reads a signed 32-bit number. */
  static final int MAX_ABSOLUTE_SECONDS = Integer.MAX_VALUE;

  private ItemExpiry() {}

  /**
   * The exptime of an item whose record expires at {@code expiresAtMillis}, written at {@code
   * nowMillis}; both in the node's clock, which is the server's Unix time in milliseconds. Never
   * fails: an expiry past {@link #MAX_ABSOLUTE_SECONDS} is clamped to it.
   */
  static int exptime(long expiresAtMillis, long nowMillis) {
    long remaining = expiresAtMillis - nowMillis;
    if (expiresAtMillis <= nowMillis) {
      remaining = 1;
    } else if (remaining < 0) {
      remaining = Long.MAX_VALUE; // the subtraction overflowed: later than any exptime
    }
    long seconds = ceilSeconds(remaining) + 1;
    if (seconds <= MAX_RELATIVE_SECONDS) {
      return (int) seconds;
    }
    return (int) Math.min(ceilSeconds(expiresAtMillis) + 1, MAX_ABSOLUTE_SECONDS);
  }

  /** {@code millis} in seconds, rounded up, without overflow. */
  private static long ceilSeconds(long millis) {
    long seconds = Math.floorDiv(millis, 1000);
    return Math.floorMod(millis, 1000) == 0 ? seconds : seconds + 1;
  }
}
