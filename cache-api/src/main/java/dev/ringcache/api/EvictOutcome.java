package dev.ringcache.api;

/** What an eviction did to the key. Immutable and thread-safe. */
public enum EvictOutcome {
  /** The key is now a tombstone: no value, and puts of data read before now are refused. */
  TOMBSTONED,
  /** A writer holds the key; its lock already keeps values out, and its unlock decides. */
  KEPT_LOCK,
  /** The node could not be reached; it is quarantined until it has been cleared (DESIGN.md §5). */
  NOT_DELIVERED
}
