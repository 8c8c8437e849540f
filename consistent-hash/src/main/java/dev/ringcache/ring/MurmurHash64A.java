package dev.ringcache.ring;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * MurmurHash64A as Jedis computes it for its sharding ({@code redis.clients.jedis.util.MurmurHash},
 * seed {@code 0x1234ABCD}): 8-byte little-endian blocks, and the 1..7 trailing bytes read as one
 * zero-padded little-endian block. Allocates nothing.
 */
final class MurmurHash64A {
  static final int JEDIS_SEED = 0x1234ABCD;
  private static final long M = 0xc6a4a7935bd1e995L;
  private static final int R = 47;
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private MurmurHash64A() {}

  static long hash(byte[] data, int seed) {
    int length = data.length;
    long h = seed ^ (length * M);
    int p = 0;
    int blockEnd = length & ~7;
    while (p < blockEnd) {
      long k = (long) LONG_LE.get(data, p);
      k *= M;
      k ^= k >>> R;
      k *= M;
      h ^= k;
      h *= M;
      p += 8;
    }
    if (p < length) {
      long tail = 0;
      for (int i = length - 1; i >= p; i--) {
        tail = (tail << 8) | (data[i] & 0xFFL);
      }
      h ^= tail;
      h *= M;
    }
    h ^= h >>> R;
    h *= M;
    h ^= h >>> R;
    return h;
  }
}
