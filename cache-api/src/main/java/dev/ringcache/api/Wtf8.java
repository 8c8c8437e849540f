package dev.ringcache.api;

/**
 * UTF-8 for every Java string, including one with unpaired surrogates: a surrogate pair is one
 * four-byte sequence, as in UTF-8, and an unpaired surrogate is the three-byte sequence of its code
 * unit (the generalized UTF-8 called WTF-8), where the JDK's encoder would write {@code '?'}. So
 * distinct strings always have distinct bytes, and every string round-trips. For a string without
 * unpaired surrogates the bytes are exactly its UTF-8.
 *
 * <p>Both {@link CacheKey}'s text and {@link ValueCodec}'s strings rest on this: it is part of both
 * persistent formats.
 */
final class Wtf8 {
  private Wtf8() {}

  /** The number of bytes {@link #encode} writes for {@code s}. */
  static int length(String s) {
    int n = s.length();
    int bytes = n;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        if (c < 0x800) {
          bytes += 1;
        } else if (Character.isHighSurrogate(c) && i + 1 < n
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          bytes += 2; // two chars, four bytes
          i++;
        } else {
          bytes += 2;
        }
      }
    }
    return bytes;
  }

  /**
   * Writes the bytes of {@code s} to {@code out} from {@code pos}, which has room for {@link
   * #length} of them, and returns the position after the last.
   */
  static int encode(String s, byte[] out, int pos) {
    int n = s.length();
    int p = pos;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        out[p++] = (byte) c;
      } else if (c < 0x800) {
        out[p++] = (byte) (0xC0 | c >> 6);
        out[p++] = (byte) (0x80 | c & 0x3F);
      } else if (Character.isHighSurrogate(c) && i + 1 < n
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        out[p++] = (byte) (0xF0 | cp >> 18);
        out[p++] = (byte) (0x80 | cp >> 12 & 0x3F);
        out[p++] = (byte) (0x80 | cp >> 6 & 0x3F);
        out[p++] = (byte) (0x80 | cp & 0x3F);
      } else {
        out[p++] = (byte) (0xE0 | c >> 12);
        out[p++] = (byte) (0x80 | c >> 6 & 0x3F);
        out[p++] = (byte) (0x80 | c & 0x3F);
      }
    }
    return p;
  }

  /** The bytes of {@code s}. */
  static byte[] encode(String s) {
    byte[] out = new byte[length(s)];
    encode(s, out, 0);
    return out;
  }

  /**
   * The string of exactly the {@code length} bytes at {@code offset}; an {@link
   * IllegalArgumentException} if they are not bytes that {@link #encode} writes (overlong or
   * truncated sequences, a surrogate pair written as two three-byte sequences, …).
   */
  static String decode(byte[] in, int offset, int length) {
    // Each byte yields at most one char (a four-byte sequence yields two).
    char[] chars = new char[length];
    int n = 0;
    int p = offset;
    int end = offset + length;
    while (p < end) {
      int b = in[p++];
      if (b >= 0) {
        chars[n++] = (char) b;
      } else if ((b & 0xE0) == 0xC0) {
        int c = (b & 0x1F) << 6 | continuation(in, p++, end);
        if (c < 0x80) {
          throw malformed(p);
        }
        chars[n++] = (char) c;
      } else if ((b & 0xF0) == 0xE0) {
        int c = (b & 0x0F) << 12 | continuation(in, p++, end) << 6 | continuation(in, p++, end);
        boolean pairedSurrogate = Character.isLowSurrogate((char) c) && n > 0
            && Character.isHighSurrogate(chars[n - 1]); // a pair is one four-byte sequence
        if (c < 0x800 || pairedSurrogate) {
          throw malformed(p);
        }
        chars[n++] = (char) c;
      } else if ((b & 0xF8) == 0xF0) {
        int cp = (b & 0x07) << 18 | continuation(in, p++, end) << 12
            | continuation(in, p++, end) << 6 | continuation(in, p++, end);
        if (cp < 0x10000 || cp > Character.MAX_CODE_POINT) {
          throw malformed(p);
        }
        chars[n++] = Character.highSurrogate(cp);
        chars[n++] = Character.lowSurrogate(cp);
      } else {
        throw malformed(p);
      }
    }
    return new String(chars, 0, n);
  }

  private static int continuation(byte[] in, int p, int end) {
    if (p >= end || (in[p] & 0xC0) != 0x80) {
      throw malformed(p);
    }
    return in[p] & 0x3F;
  }

  private static IllegalArgumentException malformed(int position) {
    return new IllegalArgumentException("malformed WTF-8 near byte " + position);
  }
}
