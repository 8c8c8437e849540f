package dev.ringcache.api;

/**
 * A cache node lost a record it held: a write the node refused (out of memory, too large for the
 * server) made it drop what was under the key, whoever wrote it. A lock, tombstone or lease may be
 * gone, so the caller must treat it like an invalidation that was not delivered: quarantine the
 * node, whatever the operation (DESIGN.md §5).
 *
 * <p>Immutable and thread-safe.
 */
public class RecordLostException extends NodeUnavailableException {
  private static final long serialVersionUID = 1L;

  public RecordLostException(String message) {
    super(message);
  }

  public RecordLostException(String message, Throwable cause) {
    super(message, cause);
  }
}
