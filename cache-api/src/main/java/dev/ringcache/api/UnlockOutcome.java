package dev.ringcache.api;

/** What releasing a lock did to the key. Immutable and thread-safe. */
public enum UnlockOutcome {
  /** Our lock was the only one and the transaction committed with write-through: the new value. */
  WROTE_VALUE,
  /** Our lock was the last one: the key is now a tombstone (rollback, delete, invalidate-only, or
   * another writer was concurrent). */
  WROTE_TOMBSTONE,
  /** Other writers still hold the key; our outcome is merged into their lock. */
  STILL_LOCKED,
  /** Our lock was gone but another writer's is there; our outcome is merged into it. */
  MERGED,
  /** No lock at all was there (expired, evicted, node replaced): the key is now a tombstone. A lost
   * lock never writes a value. */
  LOCK_LOST,
  /** The node could not be reached; it is quarantined until it has been cleared (DESIGN.md §5). */
  NOT_DELIVERED
}
