package dev.ringcache.ring;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ConsistentHashRingTest {
  private static final int KEYS = 200_000;

  @Test
  void defaultPlacement_goldenOwners_neverChange() {
    // Placement.DEFAULT is a promise: these owners hold for every release.
    ConsistentHashRing<String> ring = ConsistentHashRing.<String>builder()
        .add("cache-1:6379", "n1", 1)
        .add("cache-2:6379", "n2", 1)
        .add("cache-3:6379", "n3", 2)
        .add("cache-4:6379", "n4", 1)
        .add("cache-5:6379", "n5", 1)
        .build();
    List<String> owners = new ArrayList<>();
    for (int k = 1; k <= 24; k++) {
      owners.add(ring.nodeFor("com.example.Order#" + k));
    }
    assertThat(owners).containsExactly("n4", "n1", "n3", "n2", "n3", "n2", "n3", "n2", "n3", "n2",
        "n1", "n1", "n1", "n1", "n3", "n3", "n3", "n2", "n4", "n1", "n2", "n3", "n5", "n2");
    assertThat(ring.replicas()).isEqualTo(4096);
    assertThat(ring.pointCount()).isEqualTo(24576);
    assertThat(ring.ownership().get("cache-3:6379")).isEqualTo(0.33339986562539026);
  }

  @Test
  void nodeFor_stringAndBytes_agree() {
    ConsistentHashRing<String> ring = ring(Placement.DEFAULT, 7);
    Random random = new Random(1);
    for (int i = 0; i < 10_000; i++) {
      String key = HashFunctionsTest.randomKey(random);
      assertThat(ring.nodeFor(key)).isEqualTo(ring.nodeFor(key.getBytes(UTF_8)));
    }
  }

  @ParameterizedTest
  @EnumSource(Placement.class)
  void nodeForHash_agreesWithABinarySearchOfThePoints(Placement placement) {
    // The bucket index is a shortcut; a plain binary search over the same points is the reference.
    ConsistentHashRing<String> ring = ring(placement, 13);
    long[] points = new long[ring.pointCount()];
    for (int i = 0; i < points.length; i++) {
      points[i] = ring.point(i);
      if (i > 0) {
        assertThat(points[i]).isGreaterThan(points[i - 1]);
      }
    }
    List<Long> probes = new ArrayList<>(List.of(Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L,
        points[0] - 1, points[points.length - 1] + 1, 0xFFFF_FFFFL));
    for (long point : points) {
      probes.add(point);
      probes.add(point - 1);
      probes.add(point + 1);
    }
    Random random = new Random(2);
    for (int i = 0; i < KEYS; i++) {
      probes.add(placement.spaceBits() == 32 ? random.nextLong() & 0xFFFF_FFFFL : random.nextLong());
    }
    for (long hash : probes) {
      if (placement.spaceBits() == 32 && (hash < 0 || hash > 0xFFFF_FFFFL)) {
        continue; // KETAMA key hashes are unsigned 32-bit numbers
      }
      int at = Arrays.binarySearch(points, hash);
      int first = at >= 0 ? at : -at - 1; // first point at or after the hash
      String expected = ring.pointNode(first == points.length ? 0 : first);
      assertThat(ring.nodeForHash(hash)).as("hash %d", hash).isEqualTo(expected);
    }
  }

  @ParameterizedTest
  @EnumSource(value = Placement.class, names = {"DEFAULT", "KETAMA"})
  void with_afterNodeAdded_keysStayOrMoveToTheNewNode(Placement placement) {
    ConsistentHashRing<String> ring = ring(placement, 10);
    ConsistentHashRing<String> bigger = ring.with("added:1", "added:1", 1);
    Random random = new Random(3);
    int moved = 0;
    for (int i = 0; i < KEYS; i++) {
      byte[] key = randomKey(random);
      String before = ring.nodeFor(key);
      String after = bigger.nodeFor(key);
      if (!before.equals(after)) {
        assertThat(after).as("a moved key moves to the new node").isEqualTo("added:1");
        moved++;
      }
    }
    assertThat((double) moved / KEYS).isCloseTo(ring.movedShare(bigger), within(0.01));
  }

  @ParameterizedTest
  @EnumSource(value = Placement.class, names = {"DEFAULT", "KETAMA"})
  void without_afterNodeRemoved_onlyItsKeysMove(Placement placement) {
    ConsistentHashRing<String> ring = ring(placement, 10);
    String removed = ring.nodeIds().get(4);
    ConsistentHashRing<String> smaller = ring.without(removed);
    Random random = new Random(4);
    for (int i = 0; i < KEYS; i++) {
      byte[] key = randomKey(random);
      String before = ring.nodeFor(key);
      String after = smaller.nodeFor(key);
      if (!before.equals(removed)) {
        assertThat(after).isEqualTo(before);
      } else {
        // Its keys go to the next node clockwise: the second of the old successors.
        assertThat(after).isEqualTo(ring.successors(key, 2).get(1));
      }
    }
    assertThat(smaller.nodeIds()).doesNotContain(removed).hasSize(9);
    assertThat(ring.nodeIds()).contains(removed).hasSize(10);
  }

  @Test
  void jedis_removingTheLastShard_movesOnlyItsKeys_butAMiddleOneRenumbersTheRest() {
    ConsistentHashRing<String> ring = ring(Placement.JEDIS, 10);
    double lastShare = ring.ownership().get(ring.nodeIds().get(9));
    assertThat(ring.movedShare(ring.without(ring.nodeIds().get(9))))
        .isCloseTo(lastShare, within(1e-12));
    double middleShare = ring.ownership().get(ring.nodeIds().get(2));
    assertThat(ring.movedShare(ring.without(ring.nodeIds().get(2))))
        .as("documented: Jedis names points by position")
        .isGreaterThan(3 * middleShare);
  }

  @Test
  void defaultPlacement_balanceAndMovement_meetTheTargetsAtTenNodes() {
    // Targets: peak/mean <= 1.05 averaged over 100 random node-id sets; adding a node moves at
    // most 1.05 x 1/(n+1) of the keys.
    Random random = new Random(5);
    double peakSum = 0;
    for (int set = 0; set < 100; set++) {
      ConsistentHashRing.Builder<String> builder = ConsistentHashRing.builder();
      Set<String> ids = new HashSet<>();
      while (ids.size() < 10) {
        String id = "10." + random.nextInt(256) + "." + random.nextInt(256) + "."
            + random.nextInt(256) + ":" + (6379 + random.nextInt(10));
        if (ids.add(id)) {
          builder.add(id, id, 1);
        }
      }
      ConsistentHashRing<String> ring = builder.build();
      double peak = ring.ownership().values().stream().mapToDouble(d -> d).max().orElseThrow();
      peakSum += peak * ring.size();
      ConsistentHashRing<String> bigger = ring.with("joining-" + set, "x", 1);
      assertThat(ring.movedShare(bigger)).isLessThanOrEqualTo(1.05 / (ring.size() + 1));
    }
    assertThat(peakSum / 100).isLessThanOrEqualTo(1.05);
  }

  @Test
  void weights_giveProportionalShares() {
    ConsistentHashRing<String> ring = ConsistentHashRing.<String>builder()
        .add("a", "a", 1).add("b", "b", 2).add("c", "c", 5).build();
    Map<String, Double> shares = ring.ownership();
    assertThat(shares.get("a")).isCloseTo(1 / 8.0, within(0.01));
    assertThat(shares.get("b")).isCloseTo(2 / 8.0, within(0.01));
    assertThat(shares.get("c")).isCloseTo(5 / 8.0, within(0.01));
    assertThat(ring.pointCount()).isEqualTo(8 * 4096);
  }

  @ParameterizedTest
  @EnumSource(Placement.class)
  void ownership_isExact_andMatchesCountedKeys(Placement placement) {
    ConsistentHashRing<String> ring = ring(placement, 6);
    Map<String, Double> shares = ring.ownership();
    assertThat(shares.keySet()).containsExactlyElementsOf(ring.nodeIds());
    assertThat(shares.values().stream().mapToDouble(d -> d).sum()).isCloseTo(1.0, within(1e-12));
    Map<String, Integer> counted = new HashMap<>();
    Random random = new Random(6);
    for (int i = 0; i < KEYS; i++) {
      counted.merge(ring.nodeFor(randomKey(random)), 1, Integer::sum);
    }
    for (String id : ring.nodeIds()) {
      assertThat(counted.getOrDefault(id, 0) / (double) KEYS)
          .as(id).isCloseTo(shares.get(id), within(0.01));
    }
  }

  @Test
  void ownership_ofOneNode_isEverything() {
    for (Placement placement : Placement.values()) {
      ConsistentHashRing<String> ring = ConsistentHashRing.<String>builder()
          .placement(placement).add("only", "only", 1).build();
      assertThat(ring.ownership()).containsEntry("only", 1.0);
      assertThat(ring.nodeFor("anything")).isEqualTo("only");
      assertThat(ring.successors("anything", 3)).containsExactly("only");
    }
    // One point: its arc is the whole circle.
    ConsistentHashRing<String> onePoint = ConsistentHashRing.<String>builder()
        .replicas(1).add("only", "only", 1).build();
    assertThat(onePoint.pointCount()).isEqualTo(1);
    assertThat(onePoint.ownership()).containsEntry("only", 1.0);
    assertThat(onePoint.movedShare(onePoint.with("other", "other", 1)))
        .isEqualTo(onePoint.with("other", "other", 1).ownership().get("other"));
  }

  @ParameterizedTest
  @EnumSource(Placement.class)
  void nodeFor_bytes_allocatesNothing(Placement placement) {
    ConsistentHashRing<String> ring = ring(placement, 10);
    byte[][] keys = new byte[1024][];
    Random random = new Random(9);
    for (int i = 0; i < keys.length; i++) {
      keys[i] = randomKey(random);
    }
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    int sink = 0;
    for (int i = 0; i < 20_000; i++) { // warm up: the first MD5 of a thread allocates
      sink += ring.nodeFor(keys[i & 1023]).length();
    }
    long before = threads.getThreadAllocatedBytes(thread);
    for (int i = 0; i < 200_000; i++) {
      sink += ring.nodeFor(keys[i & 1023]).length();
    }
    long allocated = threads.getThreadAllocatedBytes(thread) - before;
    // One byte per lookup would be 200 KB; the measurement itself costs a few hundred bytes.
    assertThat(allocated).as("bytes allocated by 200,000 lookups").isLessThan(4096);
    assertThat(sink).isPositive();
  }

  @Test
  void movedShare_ofIdenticalRings_isZero_andOfDisjointRings_isOne() {
    ConsistentHashRing<String> ring = ring(Placement.DEFAULT, 4);
    assertThat(ring.movedShare(ring)).isZero();
    ConsistentHashRing<String> other = ConsistentHashRing.<String>builder()
        .add("x", "x", 1).add("y", "y", 1).build();
    assertThat(ring.movedShare(other)).isCloseTo(1.0, within(1e-12));
    assertThatThrownBy(() -> ring.movedShare(ring(Placement.KETAMA, 4)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("placements");
  }

  @Test
  void successors_areDistinct_ownerFirst_andCappedAtTheNodeCount() {
    ConsistentHashRing<String> ring = ring(Placement.DEFAULT, 5);
    Random random = new Random(7);
    for (int i = 0; i < 10_000; i++) {
      byte[] key = randomKey(random);
      List<String> three = ring.successors(key, 3);
      assertThat(three).hasSize(3).doesNotHaveDuplicates();
      assertThat(three.get(0)).isEqualTo(ring.nodeFor(key));
      assertThat(ring.successors(key, 99)).hasSize(5).startsWith(three.toArray(new String[0]));
    }
    assertThatThrownBy(() -> ring.successors("k", 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("count");
  }

  @Test
  void sharedPoint_inDefault_goesToTheSmallerId_whateverTheOrder() {
    // XXH64 points never collide in practice, so the rule itself is checked.
    List<String> ids = List.of("b", "a", "c");
    assertThat(ConsistentHashRing.sharedPointOwner(Placement.DEFAULT, ids, 0, 1)).isEqualTo(1);
    assertThat(ConsistentHashRing.sharedPointOwner(Placement.DEFAULT, ids, 1, 0)).isEqualTo(1);
    assertThat(ConsistentHashRing.sharedPointOwner(Placement.DEFAULT, ids, 2, 0)).isEqualTo(0);
    assertThat(ConsistentHashRing.sharedPointOwner(Placement.JEDIS, ids, 0, 1)).isEqualTo(1);
    assertThat(ConsistentHashRing.sharedPointOwner(Placement.KETAMA, ids, 1, 0)).isEqualTo(1);
  }

  @Test
  void sharedPoint_inKetama_goesToTheNodeAddedLater() {
    // KETAMA points are 32-bit, so two ids that share a point can be found by search.
    Map<Long, String> seen = new HashMap<>();
    String first = null;
    String second = null;
    long shared = 0;
    long[] four = new long[4];
    for (int n = 0; first == null; n++) {
      String id = "node-" + n;
      for (int rep = 0; rep < 40 && first == null; rep++) {
        KetamaMd5.points((id + '-' + rep).getBytes(UTF_8), four);
        for (long point : four) {
          String previous = seen.putIfAbsent(point, id);
          if (previous != null && !previous.equals(id)) {
            first = previous;
            second = id;
            shared = point;
          }
        }
      }
    }
    for (List<String> order : List.of(List.of(first, second), List.of(second, first))) {
      ConsistentHashRing<String> ring = ConsistentHashRing.<String>builder()
          .placement(Placement.KETAMA).add(order.get(0), order.get(0), 1)
          .add(order.get(1), order.get(1), 1).build();
      assertThat(ring.pointCount()).isEqualTo(2 * 160 - 1);
      assertThat(ring.nodeForHash(shared)).isEqualTo(order.get(1));
    }
  }

  @Test
  void defaultPlacement_doesNotDependOnInsertionOrder() {
    ConsistentHashRing<String> forward = ring(Placement.DEFAULT, 8);
    ConsistentHashRing.Builder<String> builder = ConsistentHashRing.builder();
    List<String> ids = new ArrayList<>(forward.nodeIds());
    Collections.reverse(ids);
    ids.forEach(id -> builder.add(id, id, 1));
    assertThat(forward.movedShare(builder.build())).isZero();
  }

  @ParameterizedTest
  @EnumSource(Placement.class)
  void lookups_duringMembershipChanges_alwaysAnswerFromOneWholeRing(Placement placement)
      throws Exception {
    ConsistentHashRing<String> small = ring(placement, 4);
    ConsistentHashRing<String> large = small.with("extra", "extra", 1);
    AtomicReference<ConsistentHashRing<String>> current = new AtomicReference<>(small);
    byte[][] keys = new byte[2048][];
    Random random = new Random(8);
    for (int i = 0; i < keys.length; i++) {
      keys[i] = randomKey(random);
    }
    // Computed before any thread starts: the answers each ring must give, whatever runs beside it.
    String[] expectedSmall = new String[keys.length];
    String[] expectedLarge = new String[keys.length];
    for (int i = 0; i < keys.length; i++) {
      expectedSmall[i] = small.nodeFor(keys[i]);
      expectedLarge[i] = large.nodeFor(keys[i]);
    }
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      CountDownLatch started = new CountDownLatch(3);
      List<Future<Long>> readers = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        readers.add(pool.submit(() -> {
          long lookups = 0;
          do {
            for (int i = 0; i < keys.length; i++) {
              ConsistentHashRing<String> ring = current.get();
              String owner = ring.nodeFor(keys[i]);
              assertThat(owner)
                  .isEqualTo(ring.contains("extra") ? expectedLarge[i] : expectedSmall[i]);
              lookups++;
            }
            if (lookups == keys.length) {
              started.countDown(); // a whole pass done: the swaps start while it goes on
            }
          } while (!stop.get());
          return lookups;
        }));
      }
      started.await();
      for (int swap = 0; swap < 40; swap++) {
        // Each ring is built while the readers look up keys in the one before it.
        ConsistentHashRing<String> now = current.get();
        current.set(now.contains("extra") ? now.without("extra") : now.with("extra", "extra", 1));
      }
      stop.set(true);
      for (Future<Long> reader : readers) {
        assertThat(reader.get(60, TimeUnit.SECONDS)).isPositive();
      }
    } finally {
      stop.set(true);
      pool.shutdownNow();
    }
  }

  @Test
  void badInput_isRejected_withMessagesThatSayWhy() {
    assertThatThrownBy(() -> ConsistentHashRing.builder().build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("at least one node");
    assertThatThrownBy(() -> ConsistentHashRing.builder().add(null, "n", 1))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("id");
    assertThatThrownBy(() -> ConsistentHashRing.builder().add("a", null, 1))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("node");
    assertThatThrownBy(() -> ConsistentHashRing.builder().add("", "n", 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
    assertThatThrownBy(() -> ConsistentHashRing.builder().add("  ", "n", 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blank, was '  '");
    assertThatThrownBy(() -> ConsistentHashRing.builder().add("a", "n", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("weight of node 'a' must be at least 1, was 0");
    assertThatThrownBy(() -> ConsistentHashRing.builder().add("a", "n", -3))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was -3");
    assertThatThrownBy(() -> ConsistentHashRing.builder().add("a", "n", 1).add("a", "m", 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate node id 'a'");
    assertThatThrownBy(() -> ConsistentHashRing.builder().replicas(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("replicas");
    assertThatThrownBy(() -> ConsistentHashRing.builder().placement(null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("placement");
    assertThatThrownBy(() -> ConsistentHashRing.builder().placement(Placement.KETAMA).replicas(150)
            .add("a", "n", 1).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiple of 4");
    assertThatThrownBy(() -> ConsistentHashRing.builder().replicas(1 << 20).add("a", "n", 100)
            .build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("points");
    assertThatThrownBy(() -> ConsistentHashRing.builder().replicas(Integer.MAX_VALUE)
            .add("a", "n", Integer.MAX_VALUE).add("b", "n", Integer.MAX_VALUE).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("weights add up to");
    assertThatThrownBy(() -> ConsistentHashRing.builder().replicas(Integer.MAX_VALUE)
            .add("a", "n", 1).add("b", "n", 1).add("c", "n", 1).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more than 16777216");
    assertThatThrownBy(() -> ConsistentHashRing.builder().placement(Placement.KETAMA)
            .add("a", "n", 2).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("KETAMA has no weights").hasMessageContaining("KETAMA_WEIGHTED");
    assertThatThrownBy(() -> ConsistentHashRing.builder().placement(Placement.JEDIS)
            .add("a", "n", 3).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("JEDIS has no weights");
    assertThatThrownBy(() -> ConsistentHashRing.builder().placement(Placement.JEDIS).replicas(100)
            .add("a", "n", 1).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be 160");
    assertThatThrownBy(() -> ConsistentHashRing.builder().placement(Placement.KETAMA_WEIGHTED)
            .replicas(4).add("a", "n", 1).add("b", "n", 3).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("node 'a' of weight 1 would get no point");

    ConsistentHashRing<String> ring = ring(Placement.DEFAULT, 2);
    assertThatThrownBy(() -> ring.with(ring.nodeIds().get(0), "again", 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already");
    assertThatThrownBy(() -> ring.with("new", "n", 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("weight");
    assertThatThrownBy(() -> ring.without("missing"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no node with id");
    assertThatThrownBy(() -> ring.without(ring.nodeIds().get(0)).without(ring.nodeIds().get(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only node");
    assertThatThrownBy(() -> ring.nodeFor((byte[]) null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("key");
    assertThatThrownBy(() -> ring.nodeFor((String) null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("key");
    assertThatThrownBy(() -> ring.node(null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("id");
    assertThatThrownBy(() -> ring.contains(null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("id");
    assertThatThrownBy(() -> ring.weight("nope"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'nope'");
  }

  @Test
  void ring_isImmutable_andSaysWhatItIs() {
    ConsistentHashRing<String> ring = ConsistentHashRing.<String>builder()
        .add("a:1", "a", 1).add("b:1", "b", 3).build();
    assertThatThrownBy(() -> ring.nodes().add("c")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> ring.ownership().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(ring.toString()).isEqualTo(
        "ConsistentHashRing[DEFAULT, replicas=4096, points=16384, nodes=a:1, b:1 x3]");
    assertThat(ring.weight("b:1")).isEqualTo(3);
    assertThat(ring.node("b:1")).isEqualTo("b");
    assertThat(ring.contains("a:1")).isTrue();
    assertThat(ring.size()).isEqualTo(2);
  }

  static ConsistentHashRing<String> ring(Placement placement, int nodes) {
    ConsistentHashRing.Builder<String> builder = ConsistentHashRing.<String>builder()
        .placement(placement);
    for (int n = 1; n <= nodes; n++) {
      String id = "10.0.1." + n + ":11211";
      builder.add(id, id, 1);
    }
    return builder.build();
  }

  private static byte[] randomKey(Random random) {
    return ("com.example.Order#" + random.nextInt(100_000_000)).getBytes(UTF_8);
  }
}
