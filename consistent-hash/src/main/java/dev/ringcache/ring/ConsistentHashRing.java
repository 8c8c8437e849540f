package dev.ringcache.ring;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A consistent-hash ring: maps each key to one of a set of nodes, so that a change of membership
 * moves as few keys as possible.
 *
 * <p>Each node, named by a unique id and given a weight, owns {@code replicas × weight} points on a
 * circle of hash values (the exact rule is the {@link Placement}'s); a key belongs to the node of the
 * first point at or after the key's hash, wrapping around. Two points that hash alike go to the node
 * whose id sorts first, whatever the order the nodes were added in.
 *
 * <p>A ring never changes: {@link #with} and {@link #without} return a new ring, so a membership
 * change is published by replacing one reference. Lookups take no lock, and {@link
 * #nodeFor(byte[])} allocates nothing. The ring holds its nodes but does not own them: closing them
 * is the caller's business. Node ids appear in {@link #toString()}: never put secrets in them.
 *
 * <p>Immutable and thread-safe.
 *
 * @param <N> the node type
 */
public final class ConsistentHashRing<N> {
  /**
   * At most this many points: building them takes about 1 GB for a moment, and a lookup table of
   * 300 MB. No sensible ring comes close.
   */
  static final int MAX_POINTS = 1 << 24;
  /** Weights are relative; this bound keeps every sum of them far from overflow. */
  static final int MAX_TOTAL_WEIGHT = 1 << 30;

  private final Placement placement;
  private final int replicas;
  private final List<String> ids;
  private final List<N> nodes;
  private final int[] weights;
  // The flattened ring: sorted signed hashes and, for each, the index of its node.
  private final long[] points;
  private final int[] owners;
  // buckets[b] is the index of the first point whose hash falls in bucket b or a later one; the
  // bucket of a hash is its offset from the placement's origin, shifted right by bucketShift.
  private final int[] buckets;
  private final int bucketShift;

  private ConsistentHashRing(
      Placement placement, int replicas, List<String> ids, List<N> nodes, int[] weights) {
    this.placement = placement;
    this.replicas = replicas;
    this.ids = ids;
    this.nodes = nodes;
    this.weights = weights;

    TreeMap<Long, Integer> sorted = new TreeMap<>();
    placement.addPoints(ids, weights, replicas, (hash, member) -> sorted.merge(hash, member,
        (a, b) -> sharedPointOwner(placement, ids, a, b)));
    points = new long[sorted.size()];
    owners = new int[sorted.size()];
    int i = 0;
    for (Map.Entry<Long, Integer> point : sorted.entrySet()) {
      points[i] = point.getKey();
      owners[i] = point.getValue();
      i++;
    }

    // About one point per bucket: a lookup reads one bucket and, on average, one or two points.
    int bucketBits = Math.max(1, 32 - Integer.numberOfLeadingZeros(points.length - 1));
    bucketBits = Math.min(bucketBits, placement.spaceBits() - 1);
    bucketShift = placement.spaceBits() - bucketBits;
    buckets = new int[1 << bucketBits];
    int p = 0;
    for (int b = 0; b < buckets.length; b++) {
      while (p < points.length && bucketOf(points[p]) < b) {
        p++;
      }
      buckets[b] = p;
    }
  }

  /**
   * Which of two members a point they share goes to: for {@link Placement#DEFAULT} the one whose id
   * sorts first, so that placement does not depend on the order of adding; for the placements that
   * reproduce a library, the one added later, as that library's {@code TreeMap.put} does.
   */
  static int sharedPointOwner(Placement placement, List<String> ids, int a, int b) {
    if (placement.laterNodeWinsSharedPoint()) {
      return Math.max(a, b);
    }
    return ids.get(a).compareTo(ids.get(b)) <= 0 ? a : b;
  }

  /** Starts a ring; at least one node must be added before {@link Builder#build()}. */
  public static <N> Builder<N> builder() {
    return new Builder<>();
  }

  /** The node that owns {@code key}, hashed as its UTF-8 bytes. */
  public N nodeFor(String key) {
    Objects.requireNonNull(key, "key");
    return nodeFor(key.getBytes(UTF_8));
  }

  /** The node that owns {@code key}. Allocates nothing. */
  public N nodeFor(byte[] key) {
    Objects.requireNonNull(key, "key");
    return nodeForHash(placement.keyHash(key));
  }

  /** The node that owns a key of this hash. */
  N nodeForHash(long hash) {
    return nodes.get(owners[pointIndex(hash)]);
  }

  /** Point {@code i} in ring order, and its node. */
  long point(int i) {
    return points[i];
  }

  N pointNode(int i) {
    return nodes.get(owners[i]);
  }

  /**
   * Up to {@code count} distinct nodes in clockwise order from the key's position: the owner first,
   * then the nodes that would own the key if the ones before them were removed (for {@link
   * Placement#DEFAULT}). Fewer than {@code count} when the ring has fewer nodes; allocates.
   */
  public List<N> successors(String key, int count) {
    Objects.requireNonNull(key, "key");
    return successors(key.getBytes(UTF_8), count);
  }

  /** As {@link #successors(String, int)}, for the key's bytes. */
  public List<N> successors(byte[] key, int count) {
    Objects.requireNonNull(key, "key");
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1, was " + count);
    }
    int wanted = Math.min(count, nodes.size());
    List<N> result = new ArrayList<>(wanted);
    boolean[] seen = new boolean[nodes.size()];
    int start = pointIndex(placement.keyHash(key));
    for (int step = 0; step < points.length && result.size() < wanted; step++) {
      int owner = owners[(start + step) % points.length];
      if (!seen[owner]) {
        seen[owner] = true;
        result.add(nodes.get(owner));
      }
    }
    return Collections.unmodifiableList(result);
  }

  /** A ring with one more node; this ring is unchanged. */
  public ConsistentHashRing<N> with(String id, N node, int weight) {
    checkMember(id, node, weight);
    if (ids.contains(id)) {
      throw new IllegalArgumentException("the ring already has a node with id '" + id + "'");
    }
    List<String> newIds = new ArrayList<>(ids);
    newIds.add(id);
    List<N> newNodes = new ArrayList<>(nodes);
    newNodes.add(node);
    int[] newWeights = Arrays.copyOf(weights, weights.length + 1);
    newWeights[weights.length] = weight;
    return create(placement, replicas, newIds, newNodes, newWeights);
  }

  /** A ring without the node {@code id}; this ring is unchanged. */
  public ConsistentHashRing<N> without(String id) {
    int m = indexOf(id);
    if (ids.size() == 1) {
      throw new IllegalArgumentException("cannot remove '" + id + "', the ring's only node");
    }
    List<String> newIds = new ArrayList<>(ids);
    newIds.remove(m);
    List<N> newNodes = new ArrayList<>(nodes);
    newNodes.remove(m);
    int[] newWeights = new int[weights.length - 1];
    System.arraycopy(weights, 0, newWeights, 0, m);
    System.arraycopy(weights, m + 1, newWeights, m, weights.length - m - 1);
    return create(placement, replicas, newIds, newNodes, newWeights);
  }

  /**
   * The exact share of the hash space each node owns, by id in the order the nodes were added,
   * computed from the arcs between points. The shares sum to 1.
   */
  public Map<String, Double> ownership() {
    ArcSum[] owned = new ArcSum[ids.size()];
    for (int m = 0; m < owned.length; m++) {
      owned[m] = new ArcSum();
    }
    for (int i = 0; i < points.length; i++) {
      long previous = points[i == 0 ? points.length - 1 : i - 1];
      owned[owners[i]].add(arc(previous, points[i]));
    }
    Map<String, Double> shares = new LinkedHashMap<>();
    for (int m = 0; m < ids.size(); m++) {
      shares.put(ids.get(m), owned[m].shareOf(placement.spaceBits()));
    }
    return Collections.unmodifiableMap(shares);
  }

  /**
   * The exact share of the hash space whose owner (by id) differs between this ring and {@code
   * other}: the fraction of keys that a change from one to the other moves. Both rings must use the
   * same placement.
   */
  public double movedShare(ConsistentHashRing<?> other) {
    Objects.requireNonNull(other, "other");
    if (other.placement != placement) {
      throw new IllegalArgumentException(
          "rings of different placements (" + placement + ", " + other.placement + ")");
    }
    // Walk the union of both rings' points: between two consecutive ones, each ring maps every
    // hash to one point, so an elementary arc moved iff its two owners differ.
    long[] a = points;
    long[] b = other.points;
    int ia = 0;
    int ib = 0;
    ArcSum moved = new ArcSum();
    long previous = Math.max(a[a.length - 1], b[b.length - 1]);
    while (ia < a.length || ib < b.length) {
      long boundary = ib >= b.length || (ia < a.length && a[ia] <= b[ib]) ? a[ia] : b[ib];
      String ownerA = ids.get(owners[ia < a.length ? ia : 0]);
      String ownerB = other.ids.get(other.owners[ib < b.length ? ib : 0]);
      if (!ownerA.equals(ownerB)) {
        moved.add(arc(previous, boundary));
      }
      previous = boundary;
      while (ia < a.length && a[ia] == boundary) {
        ia++;
      }
      while (ib < b.length && b[ib] == boundary) {
        ib++;
      }
    }
    return moved.shareOf(placement.spaceBits());
  }

  /** The placement this ring hashes with. */
  public Placement placement() {
    return placement;
  }

  /** Points per unit of weight. */
  public int replicas() {
    return replicas;
  }

  /** The nodes, in the order they were added. */
  public List<N> nodes() {
    return nodes;
  }

  /** The node ids, in the order the nodes were added. */
  public List<String> nodeIds() {
    return ids;
  }

  /** The number of nodes. */
  public int size() {
    return ids.size();
  }

  /** Whether a node has this id. */
  public boolean contains(String id) {
    Objects.requireNonNull(id, "id");
    return ids.contains(id);
  }

  /** The node with this id, or an exception naming the ids the ring has. */
  public N node(String id) {
    return nodes.get(indexOf(id));
  }

  /** The weight of the node with this id. */
  public int weight(String id) {
    return weights[indexOf(id)];
  }

  /** The number of distinct points on the ring. */
  public int pointCount() {
    return points.length;
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("ConsistentHashRing[").append(placement)
        .append(", replicas=").append(replicas).append(", points=").append(points.length)
        .append(", nodes=");
    for (int m = 0; m < ids.size(); m++) {
      s.append(m == 0 ? "" : ", ").append(ids.get(m));
      if (weights[m] != 1) {
        s.append(" x").append(weights[m]);
      }
    }
    return s.append(']').toString();
  }

  private int indexOf(String id) {
    Objects.requireNonNull(id, "id");
    int m = ids.indexOf(id);
    if (m < 0) {
      throw new IllegalArgumentException("the ring has no node with id '" + id + "'; it has " + ids);
    }
    return m;
  }

  private int bucketOf(long hash) {
    return (int) ((hash - placement.spaceOrigin()) >>> bucketShift);
  }

  /** The index of the first point at or after {@code hash}, wrapping around. */
  private int pointIndex(long hash) {
    long[] p = points;
    int i = buckets[bucketOf(hash)];
    while (i < p.length && p[i] < hash) {
      i++;
    }
    return i == p.length ? 0 : i;
  }

  /**
   * The length of the arc (from, to] as an unsigned number, wrapping around the placement's hash
   * space; 0 stands for the whole circle (from == to: a ring of one point).
   */
  private long arc(long from, long to) {
    long arc = to - from;
    return placement.spaceBits() == 32 ? arc & 0xFFFF_FFFFL : arc;
  }

  /** A sum of arcs, exact up to the whole circle of 2^64: a 128-bit unsigned accumulator. */
  private static final class ArcSum {
    private long low;
    private long high;

    void add(long arc) {
      if (arc == 0) {
        high++; // the whole 64-bit circle; a 32-bit one is handled by shareOf
        return;
      }
      low += arc;
      if (Long.compareUnsigned(low, arc) < 0) {
        high++;
      }
    }

    double shareOf(int spaceBits) {
      if (spaceBits == 32 && high > 0) {
        return 1.0; // only a one-point ring adds a zero arc on a 32-bit circle
      }
      double lowValue = (double) (low >>> 1) * 2.0 + (low & 1);
      return (Math.scalb((double) high, 64) + lowValue) / Math.scalb(1.0, spaceBits);
    }
  }

  private static void checkMember(String id, Object node, int weight) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(node, "node");
    if (id.isBlank()) {
      throw new IllegalArgumentException("a node id must not be empty or blank, was '" + id + "'");
    }
    if (weight < 1) {
      throw new IllegalArgumentException(
          "the weight of node '" + id + "' must be at least 1, was " + weight);
    }
  }

  private static <N> ConsistentHashRing<N> create(
      Placement placement, int replicas, List<String> ids, List<N> nodes, int[] weights) {
    String problem = placement.check(replicas, weights);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    long totalWeight = 0;
    for (int weight : weights) {
      totalWeight += weight;
    }
    if (totalWeight > MAX_TOTAL_WEIGHT) {
      throw new IllegalArgumentException("the weights add up to " + totalWeight + ", more than "
          + MAX_TOTAL_WEIGHT + "; weights are relative: use smaller ones");
    }
    long total = 0;
    for (int m = 0; m < ids.size(); m++) {
      long points = placement.pointCount(weights, m, replicas); // < 2^62: no overflow
      if (points == 0) {
        throw new IllegalArgumentException("node '" + ids.get(m) + "' of weight " + weights[m]
            + " would get no point on the ring (" + placement + ", replicas " + replicas
            + ", total weight " + totalWeight + "); raise the replicas or its weight");
      }
      total += points;
      if (total > MAX_POINTS) {
        throw new IllegalArgumentException("the ring would have more than " + MAX_POINTS
            + " points; lower the replicas (" + replicas + ") or the weights (" + placement
            + " gives a node replicas x weight points)");
      }
    }
    return new ConsistentHashRing<>(
        placement, replicas, List.copyOf(ids), List.copyOf(nodes), weights);
  }

  /**
   * Collects the placement, replicas and nodes of a new ring.
   *
   * <p>Not thread-safe.
   *
   * @param <N> the node type
   */
  public static final class Builder<N> {
    private Placement placement = Placement.DEFAULT;
    private int replicas; // 0: the placement's default
    private final List<String> ids = new ArrayList<>();
    private final List<N> nodes = new ArrayList<>();
    private final List<Integer> weights = new ArrayList<>();

    private Builder() {}

    /** How keys and nodes are hashed; {@link Placement#DEFAULT} if not set. */
    public Builder<N> placement(Placement placement) {
      this.placement = Objects.requireNonNull(placement, "placement");
      return this;
    }

    /** Points per unit of weight; the placement's {@link Placement#defaultReplicas()} if not set. */
    public Builder<N> replicas(int replicas) {
      if (replicas < 1) {
        throw new IllegalArgumentException("replicas must be at least 1, was " + replicas);
      }
      this.replicas = replicas;
      return this;
    }

    /** Adds a node of weight 1. */
    public Builder<N> add(String id, N node) {
      return add(id, node, 1);
    }

    /** Adds a node; its id must be unique in the ring, its weight at least 1. */
    public Builder<N> add(String id, N node, int weight) {
      checkMember(id, node, weight);
      if (ids.contains(id)) {
        throw new IllegalArgumentException("duplicate node id '" + id + "'");
      }
      ids.add(id);
      nodes.add(node);
      weights.add(weight);
      return this;
    }

    /**
     * The ring; fails if no node was added, if the replicas or weights do not suit the placement, or
     * if the ring would exceed its limits (16,777,216 points; weights adding up to 2^30).
     */
    public ConsistentHashRing<N> build() {
      if (ids.isEmpty()) {
        throw new IllegalStateException("a ring needs at least one node; add one before build()");
      }
      int r = replicas == 0 ? placement.defaultReplicas() : replicas;
      return create(placement, r, ids, nodes, weights.stream().mapToInt(Integer::intValue).toArray());
    }
  }
}
