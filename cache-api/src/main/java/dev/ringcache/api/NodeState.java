package dev.ringcache.api;

/**
 * Where a node of a {@link ShardedCache} stands, as its circuit breaker and quarantine see it
 * (DESIGN.md §5).
 *
 * <p>Immutable and thread-safe.
 */
public enum NodeState {
  /** Serving everything. */
  UP,
  /** The breaker is open: operations make no network attempt (reads miss, puts are skipped) and a
   * background probe waits for the server to answer. */
  DOWN,
  /** Like {@link #DOWN}, and an invalidation could not be delivered: when the server answers
   * again, the node is cleared before it serves. */
  QUARANTINED,
  /** Cleared after a quarantine: it serves reads and protocol steps but takes no puts until the
   * quarantine period has passed, so no put of data read before the clearing lands. */
  NO_PUTS
}
