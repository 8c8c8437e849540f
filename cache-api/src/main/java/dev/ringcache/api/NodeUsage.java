package dev.ringcache.api;

import java.util.Objects;

/**
 * What one node holds under a key prefix ({@link ShardedCache#usage}): how many records, and how
 * many bytes of the node's memory they take as the node reports it (for Redis {@code MEMORY
 * USAGE}, for Memcached the item sizes, for an in-process node the keys and values). Records of
 * every kind count: values, and the locks, leases and tombstones of the entry protocol.
 * {@link #UNKNOWN} in both numbers means the node could not tell: it is down, or cannot list its
 * keys (a Memcached node that requires SASL).
 *
 * @param nodeId the node's id on the ring
 * @param entries the number of records, or {@link #UNKNOWN}
 * @param bytes the bytes they take, or {@link #UNKNOWN}
 *
 * <p>Immutable and thread-safe.
 */
public record NodeUsage(String nodeId, long entries, long bytes) {
  /** The number for what a node could not tell. */
  public static final long UNKNOWN = -1;

  public NodeUsage {
    Objects.requireNonNull(nodeId, "nodeId");
    if (entries < UNKNOWN || bytes < UNKNOWN || (entries == UNKNOWN) != (bytes == UNKNOWN)) {
      throw new IllegalArgumentException("entries and bytes must both be at least 0, or both "
          + UNKNOWN + " (unknown); were " + entries + " and " + bytes);
    }
  }

  /** The usage of a node that could not tell. */
  public static NodeUsage unknown(String nodeId) {
    return new NodeUsage(nodeId, UNKNOWN, UNKNOWN);
  }

  /** Whether the node told. */
  public boolean known() {
    return entries != UNKNOWN;
  }
}
