package dev.ringcache.hibernate;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The fingerprint of a mapping: the first 8 bytes of the SHA-256 of a text that describes what a
 * cached value of it holds (attribute names and types). Values carry it, so that a redeploy that
 * changes the mapping reads the old values as misses.
 *
 * <p>Immutable and thread-safe (static only).
 */
final class Fingerprint {
  private Fingerprint() {}

  static long of(String description) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(description.getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(digest).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java platform", e);
    }
  }
}
