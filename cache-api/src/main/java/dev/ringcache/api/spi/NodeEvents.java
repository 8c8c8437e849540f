package dev.ringcache.api.spi;

import dev.ringcache.api.CacheOperation;

/**
 * What a node reports about its work beyond success and failure, for metrics: compare-and-set
 * retries, items it did not store because they exceed its server's size limit, records it could
 * not read. Given to a node when it is opened ({@link CacheNodeProvider#open(dev.ringcache.api.NodeUri,
 * NodeEvents)}); the {@link dev.ringcache.api.ShardedCache} forwards them to its metrics.
 *
 * <p>Implementations must be thread-safe and must not block or throw.
 */
public interface NodeEvents {
  /** Reports nothing. */
  NodeEvents NONE = new NodeEvents() {};

  /** {@code operation} had to read and try again {@code retries} times (retries ≥ 1). */
  default void casRetried(CacheOperation operation, int retries) {}

  /** {@code operation} did not store its value: larger than the server accepts. */
  default void itemTooLarge(CacheOperation operation) {}

  /** A record under one of the node's keys was not written by ringcache (or not by this format). */
  default void recordUnreadable(CacheOperation operation) {}
}
