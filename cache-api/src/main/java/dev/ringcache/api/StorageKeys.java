package dev.ringcache.api;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * Fits keys to a node's limit. A key that fits is stored as it is. A longer one is stored under a
 * digest — its first {@value #PREFIX} bytes, {@code #sha256:} and the SHA-256 of the whole key in
 * hex — and its value is framed with the whole key, which is checked on every read: even a digest
 * collision can never return another key's value.
 *
 * <p>Immutable and thread-safe (stateless).
 */
final class StorageKeys {
  static final int PREFIX = 64;
  private static final byte[] SEPARATOR = "#sha256:".getBytes(US_ASCII);
  /** The shortest node limit that can hold a digest key. */
  static final int MIN_LIMIT = PREFIX + SEPARATOR.length + 64;
  private static final byte FRAME = (byte) 0xFD;

  private StorageKeys() {}

  static boolean fits(byte[] key, int maxLength) {
    return key.length <= maxLength;
  }

  /** The key a node of this limit stores {@code key} under. */
  static byte[] storageKey(byte[] key, int maxLength) {
    if (fits(key, maxLength)) {
      return key;
    }
    if (maxLength < MIN_LIMIT) {
      throw new IllegalStateException("a node limit of " + maxLength + " bytes cannot hold a digest"
          + " key of " + MIN_LIMIT);
    }
    byte[] hex = HexFormat.of().formatHex(sha256(key)).getBytes(US_ASCII);
    ByteBuffer out = ByteBuffer.allocate(PREFIX + SEPARATOR.length + hex.length);
    out.put(key, 0, PREFIX).put(SEPARATOR).put(hex);
    return out.array();
  }

  /** The value to store: {@code value} itself, or framed with the whole key if it was digested. */
  static byte[] frame(byte[] key, int maxLength, byte[] value) {
    if (fits(key, maxLength)) {
      return value;
    }
    return ByteBuffer.allocate(1 + 4 + key.length + value.length)
        .put(FRAME).putInt(key.length).put(key).put(value).array();
  }

  /** The value read back, or null if it was framed for another key (or is not a frame at all). */
  static byte @Nullable [] unframe(byte[] key, int maxLength, byte[] stored) {
    if (fits(key, maxLength)) {
      return stored;
    }
    if (stored.length < 5 + key.length || stored[0] != FRAME
        || ByteBuffer.wrap(stored, 1, 4).getInt() != key.length
        || !Arrays.equals(stored, 5, 5 + key.length, key, 0, key.length)) {
      return null;
    }
    return Arrays.copyOfRange(stored, 5 + key.length, stored.length);
  }

  private static byte[] sha256(byte[] key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available on this JVM", e);
    }
  }
}
