package dev.ringcache.ring;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How keys and nodes are hashed onto a {@link ConsistentHashRing}.
 *
 * <p>A placement is a promise: the owner of a key depends only on the key's bytes, the placement,
 * the replicas, and the node ids and weights (for {@link #JEDIS}, also their order). A placement is
 * never changed in place; a different one would be a new constant.
 *
 * <p>Immutable and thread-safe.
 */
public enum Placement {
  /**
   * ringcache's own placement, version 1. A key hashes to XXH64 (seed 0) of its bytes; a node of
   * weight {@code w} gets {@code replicas × w} points, point {@code i} at XXH64 (seed 0) of the UTF-8
   * bytes of {@code "<id>#<i>"}. Hashes are ordered as signed 64-bit numbers; a key belongs to the
   * first point at or after its hash, wrapping around. Because a node's points depend only on its
   * own id and weight, adding a node moves keys only to it, and removing one moves only its keys.
   * Default replicas: {@value #DEFAULT_REPLICAS_DEFAULT}.
   */
  DEFAULT(Placement.DEFAULT_REPLICAS_DEFAULT, Long.MIN_VALUE, 64),

  /**
   * Bit for bit the placement of spymemcached's {@code KetamaNodeLocator} with {@code
   * DefaultHashAlgorithm.KETAMA_HASH} (libketama's MD5 continuum), so a cache filled by
   * spymemcached stays warm. A node's id must be the string spymemcached derives from its socket
   * address, e.g. {@code 10.0.1.1:11211}. Default replicas: 160 (replicas must be a multiple of 4:
   * each MD5 yields four points).
   *
   * <p>When every weight is 1, each node gets {@code replicas} points, as spymemcached's unweighted
   * locator. When any weight differs from 1, the points per node follow spymemcached's weighted
   * locator, which depends on the total weight and the node count: adding or removing a node then
   * also moves keys between the other nodes, exactly as it does in spymemcached.
   */
  KETAMA(160, 0L, 32),

  /**
   * Bit for bit the placement of Jedis 4.x–6.x sharding ({@code JedisSharding} / {@code
   * ShardedConnectionProvider} with {@code Hashing.MURMUR_HASH}, no key tag pattern): MurmurHash64A
   * with seed {@code 0x1234ABCD}; the node at list position {@code p} (the order of {@link
   * ConsistentHashRing.Builder#add}) gets {@code replicas × weight} points named {@code
   * "SHARD-<p>-NODE-<n>"}. Default replicas: 160. Node ids play no part in placement.
   *
   * <p>Because Jedis names points by position, removing a node other than the last renumbers every
   * node after it and moves many keys between surviving nodes. Use it to take over a cache filled
   * by Jedis, not for a ring whose membership changes.
   */
  JEDIS(160, Long.MIN_VALUE, 64);

  static final int DEFAULT_REPLICAS_DEFAULT = 4096;

  private final int defaultReplicas;
  private final long spaceOrigin;
  private final int spaceBits;

  Placement(int defaultReplicas, long spaceOrigin, int spaceBits) {
    this.defaultReplicas = defaultReplicas;
    this.spaceOrigin = spaceOrigin;
    this.spaceBits = spaceBits;
  }

  /** Points per unit of weight when the builder is given no {@code replicas}. */
  public int defaultReplicas() {
    return defaultReplicas;
  }

  /** The smallest hash value, as a signed long: hashes lie in {@code [origin, origin + 2^bits)}. */
  long spaceOrigin() {
    return spaceOrigin;
  }

  /** The size of the hash space in bits: 64, or 32 for {@link #KETAMA}. */
  int spaceBits() {
    return spaceBits;
  }

  long keyHash(byte[] key) {
    switch (this) {
      case DEFAULT:
        return Xxh64.hash(key, 0L);
      case KETAMA:
        return KetamaMd5.keyHash(key);
      case JEDIS:
        return MurmurHash64A.hash(key, MurmurHash64A.JEDIS_SEED);
      default:
        throw new AssertionError(this);
    }
  }

  /** Rejects replicas this placement cannot honour; returns an error message or null. */
  @Nullable String checkReplicas(int replicas) {
    if (this == KETAMA && replicas % 4 != 0) {
      return "replicas for KETAMA must be a multiple of 4 (each MD5 yields four points), was "
          + replicas;
    }
    return null;
  }

  /** How many points member {@code m} gets. */
  long pointCount(int[] weights, int m, int replicas) {
    if (this == KETAMA && isWeightedKetama(weights)) {
      return ketamaWeightedPoints(weights, m, replicas);
    }
    return (long) replicas * weights[m];
  }

  /** Emits every point of every member; the sink resolves points that hash alike. */
  void addPoints(List<String> ids, int[] weights, int replicas, PointSink sink) {
    for (int m = 0; m < ids.size(); m++) {
      int points = (int) pointCount(weights, m, replicas);
      switch (this) {
        case DEFAULT:
          for (int i = 0; i < points; i++) {
            sink.point(Xxh64.hash((ids.get(m) + '#' + i).getBytes(UTF_8), 0L), m);
          }
          break;
        case KETAMA:
          long[] four = new long[4];
          for (int i = 0; i < points / 4; i++) {
            KetamaMd5.points((ids.get(m) + '-' + i).getBytes(UTF_8), four);
            for (long point : four) {
              sink.point(point, m);
            }
          }
          break;
        case JEDIS:
          for (int n = 0; n < points; n++) {
            byte[] name = ("SHARD-" + m + "-NODE-" + n).getBytes(UTF_8);
            sink.point(MurmurHash64A.hash(name, MurmurHash64A.JEDIS_SEED), m);
          }
          break;
        default:
          throw new AssertionError(this);
      }
    }
  }

  private static boolean isWeightedKetama(int[] weights) {
    for (int w : weights) {
      if (w != 1) {
        return true;
      }
    }
    return false;
  }

  // spymemcached's KetamaNodeLocator.setKetamaNodes, weighted branch, in the same float
  // arithmetic: any other rounding would move keys.
  private static int ketamaWeightedPoints(int[] weights, int m, int replicas) {
    int totalWeight = 0;
    for (int w : weights) {
      totalWeight += w;
    }
    int nodeCount = weights.length;
    float percent = (float) weights[m] / (float) totalWeight;
    return (int) (Math.floor((float) (percent * (float) replicas / 4 * (float) nodeCount
        + 0.0000000001)) * 4);
  }

  /** Receives the points of a ring as it is built. */
  @FunctionalInterface
  interface PointSink {
    void point(long hash, int member);
  }
}
