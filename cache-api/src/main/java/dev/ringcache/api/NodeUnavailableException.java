package dev.ringcache.api;

/**
 * A cache node could not be reached or failed to answer. Reads that meet it are misses; puts are
 * skipped; an invalidation that meets it quarantines the node (DESIGN.md §5).
 *
 * <p>Immutable and thread-safe.
 */
public class NodeUnavailableException extends RingCacheException {
  private static final long serialVersionUID = 1L;

  public NodeUnavailableException(String message) {
    super(message);
  }

  public NodeUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
