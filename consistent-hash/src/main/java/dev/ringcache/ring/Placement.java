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
   * first point at or after its hash, wrapping around. A point two nodes share goes to the node whose
   * id sorts first. Because a node's points depend only on its own id and weight, adding a node moves
   * keys only to it, removing one moves only its keys, and the order of adding does not matter.
   * Default replicas: 4096, so a ring holds at most 4096 units of weight in all.
   */
  DEFAULT(4096, Long.MIN_VALUE, 64),

  /**
   * Bit for bit the placement of spymemcached's unweighted {@code KetamaNodeLocator(nodes,
   * DefaultHashAlgorithm.KETAMA_HASH)} (libketama's MD5 continuum), so a cache filled by spymemcached
   * stays warm. A node's id must be the string spymemcached derives from its socket address: {@code
   * 10.0.1.1:11211} for a node given by IP, {@code cache-1/10.0.1.1:11211} for one given by host name.
   * Every weight must be 1. Default replicas: 160 (a multiple of 4: each MD5 yields four points). A
   * point two nodes share goes to the node added later, as in spymemcached.
   */
  KETAMA(160, 0L, 32),

  /**
   * Bit for bit the placement of spymemcached's weighted {@code KetamaNodeLocator} (constructed with
   * a weights map, {@code KETAMA_HASH}, the {@code SPYMEMCACHED} key format), with ids as for {@link
   * #KETAMA}. A node's points are {@code floor(weight / totalWeight × replicas / 4 × nodeCount) × 4},
   * in spymemcached's float arithmetic, so they depend on every node's weight and on the node count:
   * adding or removing a node also moves keys between the other nodes, exactly as in spymemcached.
   * Note that with all weights equal this is not always {@link #KETAMA}: spymemcached's rounding gives
   * some node counts fewer points.
   */
  KETAMA_WEIGHTED(160, 0L, 32),

  /**
   * Bit for bit the placement of Jedis 4.x–6.x sharding ({@code JedisSharding} / {@code
   * ShardedConnectionProvider} with {@code Hashing.MURMUR_HASH}, no key tag pattern): MurmurHash64A
   * with seed {@code 0x1234ABCD}; the node at list position {@code p} (the order of {@link
   * ConsistentHashRing.Builder#add}) gets 160 points named {@code "SHARD-<p>-NODE-<n>"}. Jedis has no
   * weights there and a fixed point count, so every weight must be 1 and replicas 160. Node ids play
   * no part in placement. A point two nodes share goes to the node added later, as in Jedis.
   *
   * <p>Because Jedis names points by position, removing a node other than the last renumbers every
   * node after it and moves many keys between surviving nodes. Use it to take over a cache filled by
   * Jedis, not for a ring whose membership changes.
   */
  JEDIS(160, Long.MIN_VALUE, 64);

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

  /** The size of the hash space in bits: 64, or 32 for the Ketama placements. */
  int spaceBits() {
    return spaceBits;
  }

  long keyHash(byte[] key) {
    switch (this) {
      case DEFAULT:
        return Xxh64.hash(key, 0L);
      case KETAMA:
      case KETAMA_WEIGHTED:
        return KetamaMd5.keyHash(key);
      case JEDIS:
        return MurmurHash64A.hash(key, MurmurHash64A.JEDIS_SEED);
      default:
        throw new AssertionError(this);
    }
  }

  /** What is wrong with these replicas and weights for this placement, or null. */
  @Nullable String check(int replicas, int[] weights) {
    if ((this == KETAMA || this == KETAMA_WEIGHTED) && replicas % 4 != 0) {
      return "replicas for " + this + " must be a multiple of 4 (each MD5 yields four points), was "
          + replicas;
    }
    if (this == JEDIS && replicas != 160) {
      return "replicas for JEDIS must be 160, as in Jedis, was " + replicas;
    }
    if (this == KETAMA || this == JEDIS) {
      for (int weight : weights) {
        if (weight != 1) {
          return this + " has no weights (every weight must be 1, was " + weight + ")"
              + (this == KETAMA ? "; KETAMA_WEIGHTED is spymemcached's weighted locator" : "");
        }
      }
    }
    return null;
  }

  /** Whether a point two nodes share goes to the node added later (as in the library reproduced). */
  boolean laterNodeWinsSharedPoint() {
    return this != DEFAULT;
  }

  /** How many points member {@code m} gets; weights are at least 1 and replicas at least 1. */
  long pointCount(int[] weights, int m, int replicas) {
    if (this == KETAMA_WEIGHTED) {
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
        case KETAMA_WEIGHTED:
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

  // spymemcached's KetamaNodeLocator.setKetamaNodes, weighted branch, in the same float
  // arithmetic: any other rounding would move keys.
  private static int ketamaWeightedPoints(int[] weights, int m, int replicas) {
    int totalWeight = 0; // an int, as in spymemcached; the ring's limits keep it far from overflow
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
