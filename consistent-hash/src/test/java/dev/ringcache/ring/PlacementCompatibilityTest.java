package dev.ringcache.ring;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import net.spy.memcached.DefaultHashAlgorithm;
import net.spy.memcached.KetamaNodeKeyFormatter;
import net.spy.memcached.KetamaNodeLocator;
import net.spy.memcached.MemcachedNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.providers.ShardedConnectionProvider;
import redis.clients.jedis.util.Hashing;

/**
 * {@link Placement#KETAMA} and {@link Placement#JEDIS} against the real libraries they promise to
 * match, key for key: spymemcached's {@code KetamaNodeLocator} and Jedis 6's {@code
 * ShardedConnectionProvider}, on random node sets and 100,000 random keys each; and against
 * upstream test vectors.
 */
class PlacementCompatibilityTest {
  private static final int KEYS = 100_000;

  @ParameterizedTest(name = "{0} nodes")
  @ValueSource(ints = {1, 2, 3, 5, 10, 31})
  void ketama_unweighted_placesEveryKeyLikeSpymemcached(int nodeCount) throws Exception {
    Random random = new Random(1000 + nodeCount);
    List<InetSocketAddress> addresses = randomAddresses(random, nodeCount);
    List<MemcachedNode> spyNodes = new ArrayList<>();
    ConsistentHashRing.Builder<MemcachedNode> ring =
        ConsistentHashRing.<MemcachedNode>builder().placement(Placement.KETAMA);
    for (InetSocketAddress address : addresses) {
      MemcachedNode node = memcachedNode(address);
      spyNodes.add(node);
      ring.add(spymemcachedId(address), node, 1);
    }
    KetamaNodeLocator locator = new KetamaNodeLocator(spyNodes, DefaultHashAlgorithm.KETAMA_HASH);

    assertSamePlacement(ring.build(), locator, random);
  }

  @ParameterizedTest(name = "{0} nodes")
  @ValueSource(ints = {2, 3, 5, 10, 31})
  void ketama_weighted_placesEveryKeyLikeSpymemcached(int nodeCount) throws Exception {
    Random random = new Random(2000 + nodeCount);
    int[] weights = new int[nodeCount];
    for (int i = 0; i < nodeCount; i++) {
      weights[i] = 1 + random.nextInt(5);
    }
    assertWeightedKetamaLikeSpymemcached(weights, random);
  }

  @Test
  void ketamaWeighted_withEqualWeights_isSpymemcachedsWeightedLocator_notItsUnweightedOne()
      throws Exception {
    // At 25 nodes spymemcached's weighted rounding gives each node 156 points, not 160.
    int[] weights = new int[25];
    Arrays.fill(weights, 1);
    ConsistentHashRing<MemcachedNode> ring =
        assertWeightedKetamaLikeSpymemcached(weights, new Random(2200));
    assertThat(ring.pointCount()).isEqualTo(25 * 156);
  }

  @Test
  void ketama_pointSharedByTwoNodes_goesToTheLaterOne_likeSpymemcached() throws Exception {
    // These two ids have a point in common (found by search).
    InetSocketAddress a =
        new InetSocketAddress(InetAddress.getByAddress(new byte[] {10, 0, 2, (byte) 161}), 11211);
    InetSocketAddress b =
        new InetSocketAddress(InetAddress.getByAddress(new byte[] {10, 0, 2, 53}), 11211);
    long shared = 3152960057L;
    for (List<InetSocketAddress> order : List.of(List.of(a, b), List.of(b, a))) {
      List<MemcachedNode> spyNodes = new ArrayList<>();
      ConsistentHashRing.Builder<MemcachedNode> builder =
          ConsistentHashRing.<MemcachedNode>builder().placement(Placement.KETAMA);
      for (InetSocketAddress address : order) {
        MemcachedNode node = memcachedNode(address);
        spyNodes.add(node);
        builder.add(spymemcachedId(address), node, 1);
      }
      ConsistentHashRing<MemcachedNode> ring = builder.build();
      assertThat(ring.pointCount()).as("one point is shared").isEqualTo(2 * 160 - 1);
      assertThat(ring.nodeForHash(shared)).isSameAs(spyNodes.get(1));
      KetamaNodeLocator locator = new KetamaNodeLocator(spyNodes, DefaultHashAlgorithm.KETAMA_HASH);
      assertThat(spymemcachedOwner(locator, shared)).isSameAs(spyNodes.get(1));
    }
  }

  @Test
  void ketama_weighted_roundsInFloatLikeSpymemcached() throws Exception {
    // With these weights spymemcached's float arithmetic gives three nodes 188 points where exact
    // arithmetic would give 192, and the weight-2 node 60 instead of 64.
    int[] weights = {5, 6, 6, 2, 6};
    ConsistentHashRing<MemcachedNode> ring =
        assertWeightedKetamaLikeSpymemcached(weights, new Random(2100));
    assertThat(ring.pointCount()).isEqualTo(160 + 188 + 188 + 60 + 188);
  }

  private static ConsistentHashRing<MemcachedNode> assertWeightedKetamaLikeSpymemcached(
      int[] weights, Random random) throws Exception {
    List<InetSocketAddress> addresses = randomAddresses(random, weights.length);
    List<MemcachedNode> spyNodes = new ArrayList<>();
    Map<InetSocketAddress, Integer> spyWeights = new HashMap<>();
    ConsistentHashRing.Builder<MemcachedNode> builder =
        ConsistentHashRing.<MemcachedNode>builder().placement(Placement.KETAMA_WEIGHTED);
    for (int i = 0; i < weights.length; i++) {
      InetSocketAddress address = addresses.get(i);
      MemcachedNode node = memcachedNode(address);
      spyNodes.add(node);
      spyWeights.put(address, weights[i]);
      builder.add(spymemcachedId(address), node, weights[i]);
    }
    KetamaNodeLocator locator = new KetamaNodeLocator(spyNodes, DefaultHashAlgorithm.KETAMA_HASH,
        KetamaNodeKeyFormatter.Format.SPYMEMCACHED, spyWeights);
    ConsistentHashRing<MemcachedNode> ring = builder.build();
    assertSamePlacement(ring, locator, random);
    return ring;
  }

  @Test
  void ketama_matchesSpymemcachedsOwnTestVectors() throws IOException {
    ConsistentHashRing.Builder<String> builder =
        ConsistentHashRing.<String>builder().placement(Placement.KETAMA);
    for (int n = 1; n <= 8; n++) {
      builder.add("10.0.1." + n + ":11211", "10.0.1." + n + ":11211", 1);
    }
    ConsistentHashRing<String> ring = builder.build();
    List<String[]> rows = csv("spymemcached_ketama_8x160_unweighted.csv");
    assertThat(rows).hasSizeGreaterThan(3000);
    for (String[] row : rows) {
      assertThat(Placement.KETAMA.keyHash(row[0].getBytes(UTF_8))).isEqualTo(Long.parseLong(row[1]));
      assertThat(ring.nodeFor(row[0])).as("key %s", row[0]).isEqualTo(row[2]);
    }
  }

  @ParameterizedTest(name = "{0} shards")
  @ValueSource(ints = {1, 2, 3, 5, 10, 31})
  void jedis_placesEveryKeyLikeJedisSharding(int shardCount) {
    Random random = new Random(3000 + shardCount);
    Set<HostAndPort> shards = new LinkedHashSet<>();
    while (shards.size() < shardCount) {
      shards.add(new HostAndPort(
          "10." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256),
          6379 + random.nextInt(3)));
    }
    ConsistentHashRing.Builder<HostAndPort> ring =
        ConsistentHashRing.<HostAndPort>builder().placement(Placement.JEDIS);
    shards.forEach(shard -> ring.add(shard.toString(), shard, 1));
    ConsistentHashRing<HostAndPort> ours = ring.build();

    // Builds connection pools but opens no connection until one is borrowed.
    try (ShardedConnectionProvider jedis = new ShardedConnectionProvider(new ArrayList<>(shards))) {
      for (int i = 0; i < KEYS; i++) {
        byte[] key = HashFunctionsTest.randomKey(random).getBytes(UTF_8);
        assertThat(ours.nodeFor(key)).isEqualTo(jedis.getNode(Hashing.MURMUR_HASH.hash(key)));
      }
    }
  }

  @Test
  void jedis_matchesDerivedVectors() throws IOException {
    List<String[]> rows = csv("jedis_sharding_murmur_derived.csv");
    assertThat(rows).hasSize(600);
    Map<Integer, ConsistentHashRing<Integer>> rings = new HashMap<>();
    for (String[] row : rows) {
      int shards = Integer.parseInt(row[0]);
      ConsistentHashRing<Integer> ring = rings.computeIfAbsent(shards, n -> {
        ConsistentHashRing.Builder<Integer> builder =
            ConsistentHashRing.<Integer>builder().placement(Placement.JEDIS);
        for (int i = 0; i < n; i++) {
          builder.add("shard-" + i, i, 1);
        }
        return builder.build();
      });
      assertThat(Placement.JEDIS.keyHash(row[1].getBytes(UTF_8))).isEqualTo(Long.parseLong(row[2]));
      assertThat(ring.nodeFor(row[1])).as("key %s on %d shards", row[1], shards)
          .isEqualTo(Integer.parseInt(row[3]));
    }
  }

  private static void assertSamePlacement(
      ConsistentHashRing<MemcachedNode> ring, KetamaNodeLocator locator, Random random) {
    for (int i = 0; i < KEYS; i++) {
      String key = HashFunctionsTest.randomKey(random);
      assertThat(ring.nodeFor(key)).as("key %s", key).isSameAs(locator.getPrimary(key));
    }
  }

  /** spymemcached's owner of a hash: its package-private {@code getNodeForKey(long)}. */
  private static MemcachedNode spymemcachedOwner(KetamaNodeLocator locator, long hash)
      throws ReflectiveOperationException {
    Method getNodeForKey = KetamaNodeLocator.class.getDeclaredMethod("getNodeForKey", long.class);
    getNodeForKey.setAccessible(true);
    return (MemcachedNode) getNodeForKey.invoke(locator, hash);
  }

  private static List<InetSocketAddress> randomAddresses(Random random, int count)
      throws UnknownHostException {
    Set<InetSocketAddress> addresses = new LinkedHashSet<>();
    while (addresses.size() < count) {
      byte[] ip = {10, (byte) random.nextInt(256), (byte) random.nextInt(256),
          (byte) random.nextInt(256)};
      int port = random.nextBoolean() ? 11211 : 11211 + random.nextInt(100);
      addresses.add(new InetSocketAddress(InetAddress.getByAddress(ip), port));
    }
    return new ArrayList<>(addresses);
  }

  /** The id spymemcached hashes for a node: its socket address as text, without leading slash. */
  private static String spymemcachedId(InetSocketAddress address) {
    String text = String.valueOf(address);
    return text.startsWith("/") ? text.substring(1) : text;
  }

  /** A MemcachedNode that only knows its address: enough for a node locator, no connection. */
  private static MemcachedNode memcachedNode(InetSocketAddress address) {
    return (MemcachedNode) Proxy.newProxyInstance(MemcachedNode.class.getClassLoader(),
        new Class<?>[] {MemcachedNode.class}, (proxy, method, args) -> {
          switch (method.getName()) {
            case "getSocketAddress":
              return address;
            case "toString":
              return "node " + address;
            case "hashCode":
              return System.identityHashCode(proxy);
            case "equals":
              return proxy == Objects.requireNonNull(args)[0];
            default:
              throw new UnsupportedOperationException(method.getName());
          }
        });
  }

  private static List<String[]> csv(String name) throws IOException {
    List<String[]> rows = new ArrayList<>();
    try (InputStream in = PlacementCompatibilityTest.class.getResourceAsStream(name)) {
      Objects.requireNonNull(in, name);
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, UTF_8));
      reader.readLine(); // header
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (!line.isEmpty()) {
          rows.add(line.split(",", -1));
        }
      }
    }
    return rows;
  }
}
