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
  // with a buffer for its output: a key lookup allocates nothing.
  private static final ThreadLocal<Md5> MD5 = ThreadLocal.withInitial(Md5::new);

  private KetamaMd5() {}

  static long keyHash(byte[] key) {
    return group(MD5.get().digest(key), 0);
  }

  /** The four points of one repetition, written to {@code out[0..3]}. */
  static void points(byte[] nodeKey, long[] out) {
    byte[] digest = MD5.get().digest(nodeKey);
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

  /** One thread's digest and output buffer; the buffer is overwritten by the next digest. */
  private static final class Md5 {
    private final MessageDigest digest;
    private final byte[] output = new byte[16];

    Md5() {
      try {
        digest = MessageDigest.getInstance("MD5");
      } catch (NoSuchAlgorithmException e) {
        // Every Java platform is required to provide MD5.
        throw new IllegalStateException("MD5 is not available on this JVM", e);
      }
    }

    byte[] digest(byte[] input) {
      digest.update(input);
      try {
        digest.digest(output, 0, output.length); // also resets the digest
      } catch (DigestException e) {
        throw new IllegalStateException("MD5 output does not fit 16 bytes", e);
      }
      return output;
    }
  }
}
