package dev.ringcache.api;

/**
 * A cache node did not answer within its deadline.
 *
 * <p>Immutable and thread-safe.
 */
public class CacheTimeoutException extends NodeUnavailableException {
  private static final long serialVersionUID = 1L;

  public CacheTimeoutException(String message) {
    super(message);
  }

  public CacheTimeoutException(String message, Throwable cause) {
    super(message, cause);
  }
}
