package dev.ringcache.api;

/**
 * The operations a {@link ShardedCache} sends to its nodes, as metrics name them.
 *
 * <p>Immutable and thread-safe.
 */
public enum CacheOperation {
  GET,
  GET_ALL,
  PUT,
  PUT_ALL,
  DELETE,
  GET_OR_LEASE,
  PUT_FROM_LOAD,
  LOCK,
  UNLOCK,
  /** The locks of several keys on one node, in one batch ({@link ShardedCache#lockAll}). */
  LOCK_ALL,
  /** The unlocks of several keys on one node, in one batch ({@link ShardedCache#unlockAll}). */
  UNLOCK_ALL,
  AFTER_INSERT,
  EVICT,
  /**
   * Dropping a value its reader cannot use ({@link ShardedCache#dropValue}). It neither
   * invalidates nor stores: a failure counts against the node's breaker, as a read's does, and a
   * node in its no-puts period takes it.
   */
  DROP_VALUE,
  /**
   * A counter step ({@link ShardedCache#increment}). It neither invalidates nor stores a value
   * read from the database: a failure counts against the node's breaker, as a read's does.
   */
  INCREMENT,
  /** A check that the node's server answers, at start-up and while its breaker is open. */
  PING,
  /** Removing every record of a quarantined node before it serves again. */
  CLEAR;

  /** The name as metrics tag it: lower case with dashes, e.g. {@code put-from-load}. */
  public String tagValue() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  /**
   * Whether the operation invalidates: when it cannot be delivered, the node may still hold
   * what it should have invalidated, so the node is quarantined (DESIGN.md §5).
   */
  public boolean invalidates() {
    return this == DELETE || this == LOCK || this == UNLOCK || this == LOCK_ALL
        || this == UNLOCK_ALL || this == EVICT;
  }

  /** Whether the operation stores a value that may have been read from the database. */
  public boolean stores() {
    return this == PUT || this == PUT_ALL || this == PUT_FROM_LOAD || this == AFTER_INSERT;
  }
}
