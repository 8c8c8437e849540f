package dev.ringcache.ring;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import net.openhft.hashing.LongHashFunction;
import net.spy.memcached.DefaultHashAlgorithm;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.util.MurmurHash;

/** The three hash functions against independent implementations, and pinned golden values. */
class HashFunctionsTest {

  @Test
  void xxh64_matchesPublishedValues() {
    // The reference values published with xxHash for XXH64, seed 0.
    assertThat(Xxh64.hash(bytes(""), 0)).isEqualTo(0xEF46DB3751D8E999L);
    assertThat(Xxh64.hash(bytes("a"), 0)).isEqualTo(0xD24EC4F1A98C6E5BL);
    assertThat(Xxh64.hash(bytes("abc"), 0)).isEqualTo(0x44BC2CF5AD770999L);
  }

  @Test
  void xxh64_goldenValues_neverChange() {
    // Placement.DEFAULT is defined by these: a change here moves every key of every user.
    assertThat(Xxh64.hash(bytes("com.example.Order#123456"), 0)).isEqualTo(0x73A69FC2D7DF36FCL);
    assertThat(Xxh64.hash(bytes("cache-1:6379#0"), 0)).isEqualTo(0x4770642B60B65E27L);
    assertThat(Xxh64.hash(
            bytes("The quick brown fox jumps over the lazy dog, twice over: 0123456789"), 0))
        .isEqualTo(0xBACF8DECAF7F2D1EL);
  }

  @Test
  void xxh64_matchesReferenceImplementation_onEveryLengthAndOffset() {
    Random random = new Random(20261121);
    LongHashFunction reference = LongHashFunction.xx();
    for (int length = 0; length <= 600; length++) {
      for (int trial = 0; trial < 20; trial++) {
        byte[] data = new byte[length + 7];
        random.nextBytes(data);
        int offset = random.nextInt(8);
        int len = Math.min(length, data.length - offset);
        assertThat(Xxh64.hash(data, offset, len, 0))
            .as("length %d offset %d", len, offset)
            .isEqualTo(reference.hashBytes(data, offset, len));
      }
    }
    byte[] large = new byte[100_003];
    random.nextBytes(large);
    assertThat(Xxh64.hash(large, 0)).isEqualTo(reference.hashBytes(large));
  }

  @Test
  void murmurHash64A_matchesJedis() {
    Random random = new Random(7);
    MurmurHash jedis = new MurmurHash();
    for (int length = 0; length <= 300; length++) {
      for (int trial = 0; trial < 20; trial++) {
        byte[] data = new byte[length];
        random.nextBytes(data);
        assertThat(MurmurHash64A.hash(data, MurmurHash64A.JEDIS_SEED))
            .as("length %d", length)
            .isEqualTo(jedis.hash(data));
      }
    }
  }

  @Test
  void ketamaKeyHash_matchesSpymemcached() {
    Random random = new Random(11);
    for (int i = 0; i < 20_000; i++) {
      String key = randomKey(random);
      assertThat(KetamaMd5.keyHash(bytes(key)))
          .as("key %s", key)
          .isEqualTo(DefaultHashAlgorithm.KETAMA_HASH.hash(key));
    }
  }

  @Test
  void keyHashes_ofEachPlacement_neverChange() {
    byte[] key = bytes("com.example.Order#1");
    assertThat(Placement.DEFAULT.keyHash(key)).isEqualTo(1032327297931578603L);
    assertThat(Placement.KETAMA.keyHash(key)).isEqualTo(2596186993L);
    assertThat(Placement.JEDIS.keyHash(key)).isEqualTo(6723116784589337039L);
  }

  /** Printable and non-ASCII characters, so UTF-8 encoding is part of what is compared. */
  static String randomKey(Random random) {
    int length = 1 + random.nextInt(60);
    StringBuilder key = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      key.append(random.nextInt(10) == 0 ? (char) (0xA0 + random.nextInt(0x2000))
          : (char) (0x21 + random.nextInt(0x5E)));
    }
    return key.toString();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }
}
