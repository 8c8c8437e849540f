package dev.ringcache.api;

/** The outcome of caching a newly inserted entity. Immutable and thread-safe. */
public enum InsertOutcome {
  /** The key had no record (or an older version's tombstone): the value is stored. */
  STORED,
  /** Something is already there; the insert leaves it alone. */
  SKIPPED
}
