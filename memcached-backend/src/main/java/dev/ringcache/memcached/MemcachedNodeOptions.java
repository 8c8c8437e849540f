package dev.ringcache.memcached;

import org.jspecify.annotations.Nullable;

/**
 * How to reach one memcached node, parsed from its URI. {@link #toString()} never shows the
 * password.
 *
 * <p>Immutable and thread-safe.
 */
final class MemcachedNodeOptions {
  final String host;
  final int port;
  final @Nullable String user;
  final @Nullable String password;
  final int timeoutMillis;
  final int maxItemSize;

  MemcachedNodeOptions(String host, int port, @Nullable String user, @Nullable String password,
      int timeoutMillis, int maxItemSize) {
    this.host = host;
    this.port = port;
    this.user = user;
    this.password = password;
    this.timeoutMillis = timeoutMillis;
    this.maxItemSize = maxItemSize;
  }

  /** Whether the node authenticates with SASL. */
  boolean authenticates() {
    return user != null || password != null;
  }

  @Override
  public String toString() {
    return "memcached://" + (authenticates() ? "***@" : "") + host + ":" + port + "?timeout="
        + timeoutMillis + "ms&maxItemSize=" + maxItemSize;
  }
}
