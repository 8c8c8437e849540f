package dev.ringcache.api;

/**
 * The root of every exception ringcache throws. Unchecked: a cache failure is never the caller's
 * business when the database can serve, so the cache layers catch it; only configuration errors
 * and misuse reach the application.
 *
 * <p>Immutable and thread-safe.
 */
public class RingCacheException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RingCacheException(String message) {
    super(message);
  }

  public RingCacheException(String message, Throwable cause) {
    super(message, cause);
  }
}
