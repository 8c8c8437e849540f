package dev.ringcache.api;

/**
 * A value that the codec cannot encode: its type is not supported and not on the Java
 * serialization allow-list. Bytes read from a node never raise it: what cannot be decoded is a miss.
 *
 * <p>Immutable and thread-safe.
 */
public class CodecException extends RingCacheException {
  private static final long serialVersionUID = 1L;

  public CodecException(String message) {
    super(message);
  }

  public CodecException(String message, Throwable cause) {
    super(message, cause);
  }
}
