package dev.ringcache.api;

/** The outcome of a put from a load: stored, or why not. Immutable and thread-safe. */
public enum PutOutcome {
  /** The value is now the key's committed value. */
  STORED,
  /** A writer holds the key; what was loaded may be stale. */
  REJECTED_LOCKED,
  /** The lease given is no longer the key's: a lock, unlock or eviction came in between. */
  REJECTED_LEASE,
  /** A value is present and the one offered is not newer. */
  REJECTED_PRESENT,
  /** The key was invalidated recently (or another reader holds its lease): a put without a lease
   * could carry data read before the invalidation. */
  REJECTED_TOMBSTONE,
  /** Not stored, for a reason outside the protocol: the node is unavailable or quarantined, or
   * the value is larger than the node accepts. */
  SKIPPED
}
