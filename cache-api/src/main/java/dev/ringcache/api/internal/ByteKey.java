package dev.ringcache.api.internal;

import java.util.Arrays;
import java.util.Objects;

/**
 * A byte array as a map key, compared by content. It does not copy the array: do not change it.
 *
 * <p>Immutable and thread-safe.
 */
final class ByteKey {
  private final byte[] bytes;
  private final int hash;

  ByteKey(byte[] bytes) {
    this.bytes = Objects.requireNonNull(bytes, "key");
    this.hash = Arrays.hashCode(bytes);
  }

  /** Whether the bytes start with {@code prefix}. */
  boolean startsWith(byte[] prefix) {
    return bytes.length >= prefix.length
        && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
  }

  int length() {
    return bytes.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ByteKey that && hash == that.hash && Arrays.equals(bytes, that.bytes);
  }

  @Override
  public int hashCode() {
    return hash;
  }
}
