package dev.ringcache.ring;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The MD5 arithmetic of libketama and spymemcached's {@code KetamaNodeLocator}: a key hashes to
 * bytes 0..3 of its MD5 digest read little-endian as an unsigned 32-bit number; a node's
 * repetition {@code i} yields four points, one per 4-byte group of the MD5 of {@code "<id>-<i>"}.
 */
final class KetamaMd5 {
  // A MessageDigest is not thread-safe and costs allocations to create, so each thread keeps one,
  // and a buffer for its output: after a thread's first key, a lookup allocates nothing. Only JDK
  // types are kept per thread, so a redeployed application's class loader is not held by them.
  private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(KetamaMd5::md5);
  private static final ThreadLocal<byte[]> OUTPUT = ThreadLocal.withInitial(() -> new byte[16]);

  private KetamaMd5() {}

  static long keyHash(byte[] key) {
    return group(digest(key), 0);
  }

  /** The four points of one repetition, written to {@code out[0..3]}. */
  static void points(byte[] nodeKey, long[] out) {
    byte[] digest = digest(nodeKey);
    for (int g = 0; g < 4; g++) {
      out[g] = group(digest, g);
    }
  }

  private static long group(byte[] digest, int g) {
    int b = g * 4;
    return ((long) (digest[b + 3] & 0xFF) << 24)
        | ((long) (digest[b + 2] & 0xFF) << 16)
        | ((long) (digest[b + 1] & 0xFF) << 8)
        | (digest[b] & 0xFF);
  }

  /** The MD5 of {@code input} in this thread's buffer, which the next call overwrites. */
  private static byte[] digest(byte[] input) {
    MessageDigest md5 = DIGEST.get();
    byte[] output = OUTPUT.get();
    md5.update(input);
    try {
      md5.digest(output, 0, output.length); // also resets the digest
    } catch (DigestException e) {
      throw new IllegalStateException("an MD5 digest does not fit 16 bytes", e);
    }
    return output;
  }

  private static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      // Every Java platform is required to provide MD5.
      throw new IllegalStateException("MD5 is not available on this JVM", e);
    }
  }
}
