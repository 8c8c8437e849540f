package dev.ringcache.memcached;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ringcache.api.EntryTimes;
import dev.ringcache.api.EvictOutcome;
import dev.ringcache.api.Lookup;
import dev.ringcache.api.NodeUri;
import dev.ringcache.api.PutOutcome;
import dev.ringcache.api.ShardedCache;
import dev.ringcache.api.Unlock;
import dev.ringcache.api.UnlockOutcome;
import dev.ringcache.api.spi.CacheNode;
import dev.ringcache.api.spi.EntryRecord;
import dev.ringcache.api.testing.TestServerGroup;
import dev.ringcache.api.testing.TestServers;
import dev.ringcache.redis.RedisNodeProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One ring over two redis-server and two memcached processes: every key goes to the node the ring
 * names, batches span all four, keys either backend cannot take are digested, and the entry
 * protocol runs its whole course on each. What the cache stored is read back through nodes of
 * our own on the same servers, as another JVM would.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MixedRingIT {
  private static final EntryTimes TIMES = EntryTimes.of(Duration.ofMinutes(1),
      Duration.ofMinutes(10));
  private static TestServerGroup redis;
  private static TestServerGroup memcached;
  private static ShardedCache cache;
  /** By node id: a node of our own on each server. */
  private static final Map<String, CacheNode> direct = new HashMap<>();

  @BeforeAll
  static void startRing() {
    redis = TestServers.redis().start(2);
    memcached = TestServers.memcached().start(2);
    List<String> uris = new ArrayList<>(redis.uris());
    uris.addAll(memcached.uris());
    cache = ShardedCache.builder().nodes(uris).build();
    for (String uri : uris) {
      NodeUri parsed = NodeUri.parse(uri);
      CacheNode node = parsed.scheme().equals("redis") ? new RedisNodeProvider().open(parsed)
          : new MemcachedNodeProvider().open(parsed);
      direct.put(node.id(), node);
    }
    assertThat(cache.nodeIds()).containsExactlyInAnyOrderElementsOf(direct.keySet());
  }

  @AfterAll
  static void stopRing() {
    direct.values().forEach(CacheNode::close);
    if (cache != null) {
      cache.close();
    }
    if (memcached != null) {
      memcached.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  private static boolean isMemcached(String id) {
    return direct.get(id) instanceof MemcachedNode;
  }

  @Test
  void plainOperations_landOnTheOwningNode_andOnlyThere() {
    Set<String> owners = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      byte[] k = bytes("mixed:plain:" + i);
      cache.put(k, bytes("v" + i), Duration.ofMinutes(1));
      String owner = cache.nodeIdFor(k);
      owners.add(owner);
      for (Map.Entry<String, CacheNode> node : direct.entrySet()) {
        assertThat(node.getValue().get(k)).as("key %d on %s (owner %s)", i, node.getKey(), owner)
            .isEqualTo(node.getKey().equals(owner) ? bytes("v" + i) : null);
      }
      assertThat(cache.get(k)).isEqualTo(bytes("v" + i));
      assertThat(cache.delete(k)).isTrue();
      assertThat(direct.get(owner).get(k)).isNull();
    }
    assertThat(owners).as("every node owns some keys").hasSize(4);
  }

  @Test
  void batches_spanAllFourNodes_eachKeyAtItsOwner() {
    List<byte[]> keys = new ArrayList<>();
    List<byte[]> values = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      keys.add(bytes("mixed:batch:" + i));
      values.add(bytes("value-" + i));
    }
    cache.putAll(keys, values, Duration.ofMinutes(1));
    Map<String, Integer> perNode = new HashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      String owner = cache.nodeIdFor(keys.get(i));
      perNode.merge(owner, 1, Integer::sum);
      assertThat(direct.get(owner).get(keys.get(i))).isEqualTo(values.get(i));
    }
    assertThat(perNode).hasSize(4);
    List<byte[]> withMissing = new ArrayList<>(keys);
    withMissing.add(bytes("mixed:batch:never-written"));
    List<byte[]> found = cache.getAll(withMissing);
    assertThat(found.subList(0, keys.size())).containsExactlyElementsOf(values);
    assertThat(found.get(keys.size())).isNull();
  }

  @Test
  void keysMemcachedCannotTake_areDigestedThere_andRoundTripOnEveryNode() {
    Map<String, Integer> digested = new HashMap<>();
    for (int i = 0; i < 40; i++) {
      byte[] k = bytes("mixed key with spaces " + i + " " + "x".repeat(i * 10));
      byte[] v = bytes("value " + i);
      cache.put(k, v, Duration.ofMinutes(1));
      assertThat(cache.get(k)).isEqualTo(v);
      String owner = cache.nodeIdFor(k);
      CacheNode node = direct.get(owner);
      if (isMemcached(owner)) {
        assertThat(node.acceptsKey(k)).isFalse();
        digested.merge(owner, 1, Integer::sum);
      } else {
        assertThat(node.get(k)).as("redis stores such a key as it is").isEqualTo(v);
      }
    }
    assertThat(digested).as("both memcached nodes digested some").hasSize(2);
  }

  @Test
  void theEntryProtocol_runsItsWholeCourse_onEachNode() {
    Set<String> covered = new HashSet<>();
    for (int i = 0; covered.size() < 4; i++) {
      assertThat(i).as("keys enough to reach every node").isLessThan(1000);
      byte[] k = bytes("mixed:protocol:" + i);
      String owner = cache.nodeIdFor(k);
      if (!covered.add(owner)) {
        continue;
      }
      CacheNode node = direct.get(owner);
      Lookup lease = cache.getOrLease(k, true, TIMES);
      assertThat(lease.kind()).as(owner).isEqualTo(Lookup.Kind.LEASED);
      assertThat(node.inspect(k).state()).isEqualTo(EntryRecord.State.LEASE);
      assertThat(cache.putFromLoad(k, bytes("loaded"), 1, lease.leaseToken(), false, TIMES))
          .isEqualTo(PutOutcome.STORED);
      assertThat(node.getOrLease(k, false, "n", TIMES)).isEqualTo(Lookup.hit(bytes("loaded"), 1));
      assertThat(cache.lock(k, "tx-" + i, TIMES)).isFalse();
      assertThat(node.inspect(k).state()).isEqualTo(EntryRecord.State.LOCKED);
      assertThat(cache.getOrLease(k, true, TIMES)).isEqualTo(Lookup.locked());
      assertThat(cache.unlock(k, Unlock.committedValue("tx-" + i, bytes("updated"), 2), TIMES))
          .isEqualTo(UnlockOutcome.WROTE_VALUE);
      assertThat(cache.getOrLease(k, true, TIMES)).isEqualTo(Lookup.hit(bytes("updated"), 2));
      assertThat(node.getOrLease(k, false, "n", TIMES)).isEqualTo(Lookup.hit(bytes("updated"), 2));
      assertThat(cache.evict(k, TIMES)).isEqualTo(EvictOutcome.TOMBSTONED);
      assertThat(cache.putFromLoad(k, bytes("stale"), 1, null, false, TIMES))
          .isEqualTo(PutOutcome.REJECTED_TOMBSTONE);
      EntryRecord tombstone = Objects.requireNonNull(node.inspect(k));
      assertThat(tombstone.state()).isEqualTo(EntryRecord.State.TOMBSTONE);
      assertThat(tombstone.version()).isEqualTo(2);
    }
    assertThat(covered).allMatch(direct::containsKey);
  }
}
