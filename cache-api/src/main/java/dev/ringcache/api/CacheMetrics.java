package dev.ringcache.api;

/**
 * Receives what a {@link ShardedCache} does, per node and per operation: every operation with its
 * region and latency and whether it failed, operations not attempted because the node was down or
 * quarantined, node state changes, compare-and-set retries, values not stored because they were
 * too large, and records or values that could not be read back. Node ids never contain a
 * password, so they are safe as metric tags.
 *
 * <p>The region of an operation is that of its key: the second part of a {@link CacheKey}'s
 * canonical form, as written there (a name with characters such as space or {@code :} appears
 * escaped, {@code %20}). A batch whose keys belong to several regions reports {@link
 * #SEVERAL_REGIONS}; keys not made by {@link CacheKey}, and operations on the whole node, report
 * {@link #NO_REGION}.
 *
 * <p>Every method has an empty default; implement those you need. {@link CacheStatistics} keeps
 * counts in memory; {@code dev.ringcache.api.micrometer.MicrometerCacheMetrics} registers meters
 * with Micrometer (an optional dependency).
 *
 * <p>Implementations must be thread-safe, fast, and must not block or throw: they are called on
 * the caller's thread of every cache operation.
 */
public interface CacheMetrics {
  /** Records nothing. */
  CacheMetrics NONE = new CacheMetrics() {};

  /** The region of an operation whose key is not a {@link CacheKey}, or of a whole node. */
  String NO_REGION = "-";

  /** The region of a batch whose keys belong to several regions. */
  String SEVERAL_REGIONS = "*";

  /**
   * {@code operation} on keys of {@code region} ran on the node and took {@code nanos}; {@code
   * failed} if it threw.
   */
  default void operation(String nodeId, String region, CacheOperation operation, long nanos,
      boolean failed) {}

  /** {@code operation} on keys of {@code region} was not sent: the node was {@link
   * NodeState#DOWN}, quarantined, or takes no puts. */
  default void notAttempted(String nodeId, String region, CacheOperation operation) {}

  /** The node changed state; {@link NodeState#QUARANTINED} counts as a quarantine. */
  default void stateChanged(String nodeId, NodeState state) {}

  /** {@code operation} had to read again and retry its compare-and-set {@code retries} times. */
  default void casRetried(String nodeId, CacheOperation operation, int retries) {}

  /** {@code operation} did not store a value larger than the node accepts. */
  default void itemTooLarge(String nodeId, CacheOperation operation) {}

  /** A record or value read by {@code operation} was not ringcache's, or not for this key or
   * mapping: it was treated as a miss. */
  default void codecRejected(String nodeId, CacheOperation operation) {}
}
