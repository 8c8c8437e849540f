package dev.ringcache.api;

/**
 * A setting, node URI or option that ringcache cannot accept. The message names the setting (or
 * URI, with any password removed), the value, and what would be accepted. Raised at start-up.
 *
 * <p>Immutable and thread-safe.
 */
public class ConfigurationException extends RingCacheException {
  private static final long serialVersionUID = 1L;

  public ConfigurationException(String message) {
    super(message);
  }

  public ConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }
}
