package dev.ringcache.api;

import static java.nio.charset.StandardCharsets.US_ASCII;

import dev.ringcache.api.spi.CacheNode;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import org.jspecify.annotations.Nullable;

/**
 * Fits keys to a node. A key the node accepts ({@link CacheNode#acceptsKey}) is stored as it is.
 * Any other — too long, or with bytes the node cannot take in a key, like spaces for Memcached —
 * is stored under a digest form: its first {@value #PREFIX} bytes (fewer if the limit needs it;
 * each byte outside printable ASCII 0x21 to 0x7E replaced by {@code _}), {@code #sha256:} and the
 * unpadded base64url of the SHA-256 of the whole key (43 characters). Its value is framed with the
 * whole key, which is checked on every read: even a digest collision can never return another
 * key's value. A digest form is printable ASCII, and never equals a {@link CacheKey}'s canonical
 * form: it has a {@code :} after its last {@code #}, which a canonical form never has. The form is
 * a promise (pinned by a golden value): a change would make every digested entry unreachable.
 *
 * <p>Immutable and thread-safe (stateless).
 */
final class StorageKeys {
  static final int PREFIX = 64;
  private static final byte[] MARK = "#sha256:".getBytes(US_ASCII);
  private static final int DIGEST_TEXT = 43; // 32 bytes in unpadded base64url
  /** The shortest node limit that can hold a digest form (with a prefix of 49 bytes). */
  static final int MIN_LIMIT = 100;
  private static final byte FRAME = (byte) 0xFD;

  private StorageKeys() {}

  /** Whether {@code node} stores {@code key} under its digest form, with a framed value. */
  static boolean digested(CacheNode node, byte[] key) {
    return !node.acceptsKey(key);
  }

  /** The key {@code node} stores {@code key} under. */
  static byte[] storageKey(CacheNode node, byte[] key) {
    return digested(node, key) ? digestForm(key, node.maxKeyLength()) : key;
  }

  /** The digest form of {@code key} for a node whose keys may have {@code maxLength} bytes. */
  static byte[] digestForm(byte[] key, int maxLength) {
    if (maxLength < MIN_LIMIT) {
      throw new IllegalStateException("a node's key limit must be at least " + MIN_LIMIT
          + " bytes to hold a digest form, was " + maxLength);
    }
    byte[] digest = Base64.getUrlEncoder().withoutPadding().encode(sha256(key));
    int prefix = Math.min(Math.min(PREFIX, key.length), maxLength - MARK.length - DIGEST_TEXT);
    byte[] form = ByteBuffer.allocate(prefix + MARK.length + digest.length)
        .put(key, 0, prefix).put(MARK).put(digest).array();
    for (int i = 0; i < prefix; i++) {
      if (form[i] < 0x21 || form[i] > 0x7E) {
        form[i] = '_';
      }
    }
    return form;
  }

  /** The value to store: {@code value} itself, or framed with the whole key if it is digested. */
  static byte[] frame(CacheNode node, byte[] key, byte[] value) {
    if (!digested(node, key)) {
      return value;
    }
    return ByteBuffer.allocate(1 + 4 + key.length + value.length)
        .put(FRAME).putInt(key.length).put(key).put(value).array();
  }

  /** The value read back, or null if it was framed for another key (or is not a frame at all). */
  static byte @Nullable [] unframe(CacheNode node, byte[] key, byte[] stored) {
    if (!digested(node, key)) {
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
