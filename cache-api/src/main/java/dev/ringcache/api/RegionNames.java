package dev.ringcache.api;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.util.Arrays;
import java.util.List;

/**
 * The region of a key, as a metrics tag: the text between the first and second {@code :} of a
 * {@link CacheKey}'s canonical form (escaped as there), one {@code String} per region, looked up
 * without allocating. {@link CacheMetrics#NO_REGION} for a key not of that form.
 *
 * <p>Thread-safe.
 */
final class RegionNames {
  /** Beyond this many regions, names are made afresh for each call rather than kept. */
  private static final int MAX_KEPT = 1024;

  private record Name(int hash, byte[] bytes, String text) {}

  /** Copied on write; read without a lock. */
  private volatile Name[] names = new Name[0];

  String of(byte[] key) {
    int start = indexOf(key, 0) + 1;
    int end = start == 0 ? -1 : indexOf(key, start);
    if (end <= start) {
      return CacheMetrics.NO_REGION;
    }
    int hash = 1;
    for (int i = start; i < end; i++) {
      hash = 31 * hash + key[i];
    }
    for (Name name : names) {
      if (name.hash == hash
          && Arrays.equals(name.bytes, 0, name.bytes.length, key, start, end)) {
        return name.text;
      }
    }
    return keep(hash, Arrays.copyOfRange(key, start, end));
  }

  /** The region of every key at {@code indices}, or {@link CacheMetrics#SEVERAL_REGIONS}. */
  String of(List<byte[]> keys, List<Integer> indices) {
    String region = of(keys.get(indices.get(0)));
    for (int i = 1; i < indices.size(); i++) {
      if (!of(keys.get(indices.get(i))).equals(region)) {
        return CacheMetrics.SEVERAL_REGIONS;
      }
    }
    return region;
  }

  private synchronized String keep(int hash, byte[] bytes) {
    Name[] current = names;
    for (Name name : current) {
      if (name.hash == hash && Arrays.equals(name.bytes, bytes)) {
        return name.text;
      }
    }
    String text = new String(bytes, US_ASCII);
    if (current.length < MAX_KEPT) {
      Name[] more = Arrays.copyOf(current, current.length + 1);
      more[current.length] = new Name(hash, bytes, text);
      names = more;
    }
    return text;
  }

  private static int indexOf(byte[] key, int from) {
    for (int i = from; i < key.length; i++) {
      if (key[i] == ':') {
        return i;
      }
    }
    return -1;
  }
}
