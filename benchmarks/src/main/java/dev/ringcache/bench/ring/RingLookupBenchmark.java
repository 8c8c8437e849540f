package dev.ringcache.bench.ring;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import dev.ringcache.bench.jedis6.redis.clients.jedis.ConnectionPool;
import dev.ringcache.bench.jedis6.redis.clients.jedis.HostAndPort;
import dev.ringcache.bench.jedis6.redis.clients.jedis.providers.ShardedConnectionProvider;
import dev.ringcache.ring.ConsistentHashRing;
import dev.ringcache.ring.Placement;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import net.spy.memcached.DefaultHashAlgorithm;
import net.spy.memcached.KetamaNodeLocator;
import net.spy.memcached.MemcachedNode;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of finding the node that owns a key, for ringcache's {@link ConsistentHashRing} and its
 * peers, side by side in one JMH run:
 *
 * <ul>
 *   <li>{@code ringcacheDefault*}, {@code ringcacheKetama*}, {@code ringcacheJedisBytes}: the ring
 *       with {@link Placement#DEFAULT}, {@link Placement#KETAMA} and {@link Placement#JEDIS}, given
 *       the key's UTF-8 bytes or (encoding included) the {@code String};
 *   <li>{@code spymemcachedKetama}: spymemcached's {@code KetamaNodeLocator.getPrimary} with {@code
 *       KETAMA_HASH}, the locator {@code Placement.KETAMA} reproduces;
 *   <li>{@code jedisSharding}: Jedis 6's {@code ShardedConnectionProvider}, as Jedis routes each
 *       command (MurmurHash of the key bytes, then {@code getNode}); the placement {@code
 *       Placement.JEDIS} reproduces, and the peer of {@code ringcacheJedisBytes};
 *   <li>{@code guavaJumpHash}: Guava's {@code Hashing.consistentHash} of the key's murmur3_128, a
 *       jump hash without a ring (it cannot weigh nodes or remove any but the last).
 * </ul>
 *
 * <p>Each invocation looks up the next of {@value #KEY_COUNT} keys shaped like Hibernate cache keys
 * ({@code com.example.Order#123456}), generated from a fixed seed. {@link #setUp()} fails if {@code
 * Placement.KETAMA} or {@code Placement.JEDIS} disagree with the library they reproduce on any of
 * {@value #CHECKED_KEYS} keys, so that the comparison is of the same placement. No node is ever
 * connected to: the addresses are literal IPs, and the Jedis pools stay empty (also checked).
 *
 * <p>Run it from the project root after {@code mvn -B -pl benchmarks -am package -DskipTests}:
 *
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar RingLookupBenchmark -prof gc
 * }</pre>
 *
 * <p>Add {@code -p nodes=10} for one ring size. JMH gives each thread its own instance.
 *
 * <p>Not thread-safe.
 */
@State(Scope.Thread)
@SuppressWarnings("deprecation") // Jedis 6 sharding is deprecated (gone in 7); it is measured here
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RingLookupBenchmark {
  /** Keys looked up in turn; a power of two, and more than fit in a CPU's L1 cache. */
  static final int KEY_COUNT = 4096;
  /** Keys on which the reproduced placements are checked against the originals. */
  static final int CHECKED_KEYS = 512;

  private static final long KEY_SEED = 20_240_601L;
  private static final int MEMCACHED_PORT = 11211;
  private static final int REDIS_PORT = 6379;

  /** The number of nodes in every ring, 1 to 254 (node n is 10.0.1.n). */
  @Param({"3", "10", "100"})
  public int nodes;

  private int next;

  // All set by setUp(), which JMH runs before any benchmark method.
  private String[] stringKeys;
  private byte[][] byteKeys;
  private ConsistentHashRing<String> defaultRing;
  private ConsistentHashRing<MemcachedNode> ketamaRing;
  private ConsistentHashRing<HostAndPort> jedisRing;
  private KetamaNodeLocator spymemcached;
  private ShardedConnectionProvider jedis;
  private dev.ringcache.bench.jedis6.redis.clients.jedis.util.Hashing jedisHashing;
  private HashFunction murmur3;
  private String[] guavaNodes;

  /** Generates the keys, builds every ring and checks that the reproduced placements agree. */
  @Setup
  public void setUp() {
    if (nodes < 1 || nodes > 254) {
      // Beyond 10.0.1.254 the "address" would no longer be an IP literal, and would be looked up.
      throw new IllegalArgumentException("nodes must be 1 to 254, was " + nodes);
    }
    generateKeys();

    ConsistentHashRing.Builder<String> defaultBuilder = ConsistentHashRing.builder();
    ConsistentHashRing.Builder<MemcachedNode> ketamaBuilder =
        ConsistentHashRing.<MemcachedNode>builder().placement(Placement.KETAMA);
    ConsistentHashRing.Builder<HostAndPort> jedisBuilder =
        ConsistentHashRing.<HostAndPort>builder().placement(Placement.JEDIS);
    List<MemcachedNode> memcachedNodes = new ArrayList<>();
    List<HostAndPort> redisNodes = new ArrayList<>();
    guavaNodes = new String[nodes];
    for (int n = 1; n <= nodes; n++) {
      String ip = "10.0.1." + n;
      // spymemcached names a node by its socket address; Placement.KETAMA needs the same id.
      String memcachedId = ip + ':' + MEMCACHED_PORT;
      MemcachedNode memcachedNode = unconnectedNode(new InetSocketAddress(ip, MEMCACHED_PORT));
      HostAndPort redisNode = new HostAndPort(ip, REDIS_PORT);
      defaultBuilder.add(memcachedId, memcachedId);
      ketamaBuilder.add(memcachedId, memcachedNode);
      jedisBuilder.add(redisNode.toString(), redisNode);
      memcachedNodes.add(memcachedNode);
      redisNodes.add(redisNode);
      guavaNodes[n - 1] = memcachedId;
    }
    defaultRing = defaultBuilder.build();
    ketamaRing = ketamaBuilder.build();
    jedisRing = jedisBuilder.build();
    spymemcached = new KetamaNodeLocator(memcachedNodes, DefaultHashAlgorithm.KETAMA_HASH);
    jedis = new ShardedConnectionProvider(redisNodes);
    jedisHashing = jedis.getHashingAlgo();
    murmur3 = Hashing.murmur3_128();

    checkSamePlacements();
    checkNoConnections();
  }

  /** Closes the Jedis provider's (empty) pools. */
  @TearDown
  public void tearDown() {
    try {
      checkNoConnections();
    } finally {
      jedis.close();
    }
  }

  /** {@link Placement#DEFAULT}, key bytes. */
  @Benchmark
  public String ringcacheDefaultBytes() {
    return defaultRing.nodeFor(nextBytes());
  }

  /** {@link Placement#DEFAULT}, key string (includes its UTF-8 encoding). */
  @Benchmark
  public String ringcacheDefaultString() {
    return defaultRing.nodeFor(nextString());
  }

  /** {@link Placement#KETAMA}, key bytes. */
  @Benchmark
  public MemcachedNode ringcacheKetamaBytes() {
    return ketamaRing.nodeFor(nextBytes());
  }

  /** {@link Placement#KETAMA}, key string: the same work as {@link #spymemcachedKetama()}. */
  @Benchmark
  public MemcachedNode ringcacheKetamaString() {
    return ketamaRing.nodeFor(nextString());
  }

  /** {@link Placement#JEDIS}, key bytes: the same work as {@link #jedisSharding()}. */
  @Benchmark
  public HostAndPort ringcacheJedisBytes() {
    return jedisRing.nodeFor(nextBytes());
  }

  /** spymemcached's Ketama locator; it takes only a {@code String}. */
  @Benchmark
  public MemcachedNode spymemcachedKetama() {
    return spymemcached.getPrimary(nextString());
  }

  /** Jedis 6 sharding, as {@code ShardedCommandArguments} and the provider route a binary key. */
  @Benchmark
  public HostAndPort jedisSharding() {
    return jedis.getNode(jedisHashing.hash(nextBytes()));
  }

  /** Guava's jump hash of the key's murmur3_128, key bytes. */
  @Benchmark
  public String guavaJumpHash() {
    return guavaNodes[Hashing.consistentHash(murmur3.hashBytes(nextBytes()), guavaNodes.length)];
  }

  private String nextString() {
    return stringKeys[next++ & (KEY_COUNT - 1)];
  }

  private byte[] nextBytes() {
    return byteKeys[next++ & (KEY_COUNT - 1)];
  }

  // Entity cache keys as Hibernate regions produce them: a few entity types, ids of various sizes.
  private void generateKeys() {
    Random random = new Random(KEY_SEED);
    stringKeys = new String[KEY_COUNT];
    byteKeys = new byte[KEY_COUNT][];
    for (int i = 0; i < KEY_COUNT; i++) {
      int kind = random.nextInt(4);
      String key;
      if (kind < 2) {
        key = "com.example.Order#" + (100_000 + random.nextInt(900_000));
      } else if (kind == 2) {
        key = "com.example.Customer#" + (1 + random.nextInt(50_000));
      } else {
        key = "com.example.Product#" + (1 + random.nextInt(200_000));
      }
      stringKeys[i] = key;
      byteKeys[i] = key.getBytes(UTF_8);
    }
  }

  private void checkSamePlacements() {
    for (int i = 0; i < CHECKED_KEYS; i++) {
      MemcachedNode spymemcachedNode = spymemcached.getPrimary(stringKeys[i]);
      MemcachedNode ketamaNode = ketamaRing.nodeFor(byteKeys[i]);
      if (ketamaNode != spymemcachedNode) {
        throw new IllegalStateException(disagreement(
            "Placement.KETAMA", "spymemcached", stringKeys[i], ketamaNode, spymemcachedNode));
      }
      HostAndPort jedisNode = jedis.getNode(jedisHashing.hash(byteKeys[i]));
      HostAndPort jedisRingNode = jedisRing.nodeFor(byteKeys[i]);
      if (!jedisRingNode.equals(jedisNode)) {
        throw new IllegalStateException(disagreement(
            "Placement.JEDIS", "Jedis 6", stringKeys[i], jedisRingNode, jedisNode));
      }
    }
  }

  private String disagreement(
      String placement, String library, String key, Object ours, @Nullable Object theirs) {
    return placement + " puts key '" + key + "' on " + ours + " but " + library + " on " + theirs
        + " (" + nodes + " nodes): the benchmark would compare different placements";
  }

  // A pool creates a connection only when asked for one; the benchmark must never ask.
  private void checkNoConnections() {
    for (Map.Entry<String, ConnectionPool> pool : jedis.getConnectionMap().entrySet()) {
      long created = pool.getValue().getCreatedCount();
      if (created != 0) {
        throw new IllegalStateException("the Jedis pool for " + pool.getKey() + " created "
            + created + " connection(s); the benchmark must not connect to any node");
      }
    }
  }

  /** A spymemcached node that has an address and nothing else: it is never connected. */
  private static MemcachedNode unconnectedNode(InetSocketAddress address) {
    return (MemcachedNode) Proxy.newProxyInstance(MemcachedNode.class.getClassLoader(),
        new Class<?>[] {MemcachedNode.class}, new AddressOnly(address));
  }

  /** Answers {@code getSocketAddress()} and the {@code Object} methods; refuses everything else. */
  private static final class AddressOnly implements InvocationHandler {
    private final InetSocketAddress address;

    AddressOnly(InetSocketAddress address) {
      this.address = address;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object @Nullable [] args) {
      switch (method.getName()) {
        case "getSocketAddress":
          return address;
        case "hashCode":
          return address.hashCode();
        case "equals":
          Object other = args == null ? null : args[0];
          return other != null && Proxy.isProxyClass(other.getClass())
              && Proxy.getInvocationHandler(other) instanceof AddressOnly that
              && that.address.equals(address);
        case "toString":
          return address.getHostString() + ':' + address.getPort();
        default:
          throw new UnsupportedOperationException(
              method.getName() + "() on " + address + ", a benchmark node that is never connected");
      }
    }
  }
}
