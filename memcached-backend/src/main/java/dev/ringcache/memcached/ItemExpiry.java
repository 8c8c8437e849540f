package dev.ringcache.memcached;

/**
 * The memcached expiration ("exptime") of an item whose record expires at a time in the node's
 * clock. The record's own expiry time decides when it is live; the item's exptime only lets
 * memcached reclaim it afterwards, and must never end it sooner.
 *
 * <p>Memcached counts whole seconds on a clock that ticks once a second, so an item given a
 * relative exptime of n seconds may go after only n − 1: each item gets one second more than its
 * record needs. Memcached reads an exptime over 30 days as an absolute Unix time (on its own
 * clock, which the node's clock estimates).
 *
 * <p>Immutable and thread-safe (stateless).
 */
final class ItemExpiry {
  /** The longest exptime memcached reads as relative: 30 days, in seconds. */
  static final int MAX_RELATIVE_SECONDS = 60 * 60 * 24 * 30;

  private ItemExpiry() {}

  /**
   * The exptime of an item whose record expires at {@code expiresAtMillis}, written at {@code
   * nowMillis}; both in the node's clock, which is the server's Unix time in milliseconds.
   */
  static int exptime(long expiresAtMillis, long nowMillis) {
    long remaining = Math.max(1, expiresAtMillis - nowMillis);
    long seconds = ceilSeconds(remaining) + 1;
    if (seconds <= MAX_RELATIVE_SECONDS) {
      return (int) seconds;
    }
    return Math.toIntExact(ceilSeconds(expiresAtMillis) + 1);
  }

  private static long ceilSeconds(long millis) {
    return Math.floorDiv(millis + 999, 1000);
  }
}
