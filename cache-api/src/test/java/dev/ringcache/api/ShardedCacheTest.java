package dev.ringcache.api;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ringcache.api.spi.CacheNode;
import dev.ringcache.ring.ConsistentHashRing;
import dev.ringcache.ring.Placement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The router over in-process nodes: placement, batches, digested keys, membership, misuse. */
class ShardedCacheTest {
  private static final Duration TTL = Duration.ofMinutes(5);
  private static final EntryTimes TIMES = EntryTimes.of(Duration.ofMinutes(1), TTL);
  private static int run;

  private final String tag = "sc" + (++run) + "-";
  private final List<ShardedCache> caches = new ArrayList<>();

  @AfterEach
  void closeCaches() {
    caches.forEach(ShardedCache::close);
  }

  private ShardedCache cache(String... names) {
    List<String> uris = new ArrayList<>();
    for (String name : names) {
      uris.add(name.contains("://") ? name : "local://" + tag + name);
    }
    ShardedCache cache = ShardedCache.builder().nodes(uris).build();
    caches.add(cache);
    return cache;
  }

  @Test
  void eachKey_goesToTheNodeTheRingNames() {
    ShardedCache cache = cache("a", "b", "c");
    // The same ring, built independently from the node ids.
    ConsistentHashRing.Builder<String> independent = ConsistentHashRing.builder();
    cache.nodeIds().forEach(id -> independent.add(id, id));
    ConsistentHashRing<String> ring = independent.build();
    Set<String> used = new HashSet<>();
    for (int i = 0; i < 300; i++) {
      byte[] key = bytes("com.example.Order#" + i);
      cache.put(key, bytes("v" + i), TTL);
      String owner = ring.nodeFor(key);
      used.add(owner);
      assertThat(cache.nodeIdFor(key)).isEqualTo(owner);
      assertThat(cache.node(owner).get(key)).as("stored on its owner").isEqualTo(bytes("v" + i));
      for (String other : cache.nodeIds()) {
        if (!other.equals(owner)) {
          assertThat(cache.node(other).get(key)).as("and nowhere else").isNull();
        }
      }
    }
    assertThat(used).hasSize(3);
  }

  @Test
  void aSecondCacheOnTheSameNodes_seesTheSameEntries() {
    ShardedCache one = cache("a", "b");
    ShardedCache two = cache("a", "b");
    one.put(bytes("k"), bytes("v"), TTL);
    assertThat(two.get(bytes("k"))).isEqualTo(bytes("v"));
  }

  @Test
  void getAllAndPutAll_keepTheOrderOfTheKeys() {
    ShardedCache cache = cache("a", "b", "c", "d");
    List<byte[]> keys = new ArrayList<>();
    List<byte[]> values = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      keys.add(bytes("k" + i));
      values.add(bytes("v" + i));
    }
    cache.putAll(keys.subList(0, 400), values.subList(0, 400), TTL);
    List<byte @Nullable []> found = cache.getAll(keys);
    for (int i = 0; i < 500; i++) {
      assertThat(found.get(i)).isEqualTo(i < 400 ? values.get(i) : null);
    }
    assertThatThrownBy(() -> cache.putAll(keys, values.subList(0, 3), TTL))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pair up");
  }

  @Test
  void batches_callEachNodeOnce_withOnlyItsKeys() {
    CountingNodeProvider.reset();
    ShardedCache cache = cache("counting://" + tag + "x", "counting://" + tag + "y",
        "counting://" + tag + "z");
    List<byte[]> keys = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      keys.add(bytes("k" + i));
    }
    cache.putAll(keys, keys, TTL);
    cache.getAll(keys);
    for (String node : List.of("x", "y", "z")) {
      assertThat(CountingNodeProvider.calls(tag + node, "putAll")).as(node).isEqualTo(1);
      assertThat(CountingNodeProvider.calls(tag + node, "getAll")).as(node).isEqualTo(1);
      assertThat(CountingNodeProvider.calls(tag + node, "get")).as(node).isZero();
      assertThat(CountingNodeProvider.calls(tag + node, "put")).as(node).isZero();
    }
    cache.get(keys.get(0));
    int gets = 0;
    for (String node : List.of("x", "y", "z")) {
      gets += CountingNodeProvider.calls(tag + node, "get");
    }
    assertThat(gets).as("a get asks one node once").isEqualTo(1);
  }

  @Test
  void lockAllAndUnlockAll_callEachNodeOnce_withOnlyItsKeys_andNoKeysCallNoNode() {
    CountingNodeProvider.reset();
    ShardedCache cache = cache("counting://" + tag + "x", "counting://" + tag + "y",
        "counting://" + tag + "z");
    List<byte[]> keys = new ArrayList<>();
    List<Unlock> unlocks = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      keys.add(bytes("k" + i));
      unlocks.add(Unlock.committedValue("tx", bytes("v" + i), 1));
    }
    assertThat(cache.lockAll(List.of(), "tx", TIMES)).isEmpty();
    assertThat(cache.unlockAll(List.of(), List.of(), TIMES)).isEmpty();
    for (String node : List.of("x", "y", "z")) {
      assertThat(CountingNodeProvider.calls(tag + node, "lockAll")).as(node).isZero();
      assertThat(CountingNodeProvider.calls(tag + node, "unlockAll")).as(node).isZero();
    }
    assertThat(cache.lockAll(keys, "tx", TIMES)).hasSize(60).containsOnly(false);
    assertThat(cache.unlockAll(keys, unlocks, TIMES)).hasSize(60)
        .containsOnly(UnlockOutcome.WROTE_VALUE);
    for (String node : List.of("x", "y", "z")) {
      assertThat(CountingNodeProvider.calls(tag + node, "lockAll")).as(node).isEqualTo(1);
      assertThat(CountingNodeProvider.calls(tag + node, "unlockAll")).as(node).isEqualTo(1);
      assertThat(CountingNodeProvider.calls(tag + node, "lock")).as(node).isZero();
      assertThat(CountingNodeProvider.calls(tag + node, "unlock")).as(node).isZero();
    }
    for (int i = 0; i < 60; i++) {
      assertThat(cache.get(keys.get(i))).isEqualTo(bytes("v" + i));
    }
  }

  @Test
  void lockAllAndUnlockAll_giveEachKeysResultInOrder_andFrameTheValuesOfDigestedKeys() {
    ShardedCache cache = cache("a", "b", "c");
    byte[] longOne = new byte[5000];
    Arrays.fill(longOne, (byte) 'l');
    byte[] longTwo = longOne.clone();
    longTwo[4999] = 'm';
    List<byte[]> keys = List.of(bytes("short-1"), longOne, bytes("held"), bytes("short-2"),
        longTwo, longOne);
    assertThat(cache.lock(bytes("held"), "other", TIMES)).isFalse();
    assertThat(cache.lockAll(keys, "tx", TIMES)).as("another writer held only 'held'")
        .containsExactly(false, false, true, false, false, false);
    List<Unlock> unlocks = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      unlocks.add(Unlock.committedValue("tx", bytes("value-" + i), 1));
    }
    assertThat(cache.unlockAll(keys, unlocks, TIMES)).containsExactly(UnlockOutcome.WROTE_VALUE,
        UnlockOutcome.WROTE_VALUE, UnlockOutcome.STILL_LOCKED, UnlockOutcome.WROTE_VALUE,
        UnlockOutcome.WROTE_VALUE, UnlockOutcome.LOCK_LOST);
    assertThat(cache.getAll(keys)).as("framed with their whole keys, digested ones included")
        .containsExactly(bytes("value-0"), null, null, bytes("value-3"), bytes("value-4"), null);
    assertThat(cache.getOrLease(longTwo, false, TIMES)).isEqualTo(Lookup.hit(bytes("value-4"), 1));
  }

  @Test
  void longKeys_areStoredUnderADigest_andCheckedOnRead() {
    ShardedCache cache = cache("a");
    CacheNode node = cache.node(cache.nodeIds().get(0));
    byte[] longKey = new byte[node.maxKeyLength() + 100];
    Arrays.fill(longKey, (byte) 'x');
    cache.put(longKey, bytes("v"), TTL);
    assertThat(cache.get(longKey)).isEqualTo(bytes("v"));
    assertThat(node.get(longKey)).as("not under the key itself").isNull();
    byte[] digest = StorageKeys.storageKey(node, longKey);
    assertThat(digest.length).isLessThanOrEqualTo(node.maxKeyLength());
    assertThat(new String(digest, UTF_8)).contains("#sha256:");

    // Another key whose digest collides (simulated by writing its frame under this digest) reads
    // as a miss, never as the other key's value.
    byte[] otherKey = longKey.clone();
    otherKey[otherKey.length - 1] = 'y';
    node.put(digest, StorageKeys.frame(node, otherKey, bytes("other")), 60_000);
    assertThat(cache.get(longKey)).isNull();
    assertThat(cache.getAll(List.of(longKey))).containsExactly((byte[]) null);
    assertThat(cache.getOrLease(longKey, false, TIMES)).isEqualTo(Lookup.miss());
  }

  @Test
  void protocol_throughTheRouter_worksWithDigestedKeysToo() {
    ShardedCache cache = cache("a", "b");
    byte[] shortKey = bytes("com.example.Customer#1");
    byte[] longKey = new byte[5000];
    Arrays.fill(longKey, (byte) 'z');
    for (byte[] key : List.of(shortKey, longKey)) {
      Lookup miss = cache.getOrLease(key, true, TIMES);
      assertThat(miss.kind()).isEqualTo(Lookup.Kind.LEASED);
      assertThat(cache.putFromLoad(key, bytes("loaded"), 1, miss.leaseToken(), false, TIMES))
          .isEqualTo(PutOutcome.STORED);
      assertThat(cache.getOrLease(key, true, TIMES)).isEqualTo(Lookup.hit(bytes("loaded"), 1));
      assertThat(cache.lock(key, "tx1", TIMES)).isFalse();
      assertThat(cache.unlock(key, Unlock.committedValue("tx1", bytes("updated"), 2), TIMES))
          .isEqualTo(UnlockOutcome.WROTE_VALUE);
      assertThat(cache.getOrLease(key, true, TIMES)).isEqualTo(Lookup.hit(bytes("updated"), 2));
      assertThat(cache.evict(key, TIMES)).isEqualTo(EvictOutcome.TOMBSTONED);
      assertThat(cache.afterInsert(key, bytes("inserted"), 3, TIMES))
          .isEqualTo(InsertOutcome.STORED);
      assertThat(cache.get(key)).isEqualTo(bytes("inserted"));
    }
  }

  @Test
  void dropValue_throughTheRouter_comparesTheValueAsRead_forDigestedKeysToo() {
    ShardedCache cache = cache("a", "b");
    byte[] shortKey = bytes("com.example.Customer#2");
    byte[] longKey = new byte[5000];
    Arrays.fill(longKey, (byte) 'd');
    for (byte[] key : List.of(shortKey, longKey)) {
      assertThat(cache.putFromLoad(key, bytes("old"), 1, null, false, TIMES))
          .isEqualTo(PutOutcome.STORED);
      byte[] read = cache.getOrLease(key, true, TIMES).value();
      assertThat(cache.dropValue(key, bytes("other"))).isFalse();
      assertThat(cache.get(key)).isEqualTo(bytes("old"));
      assertThat(cache.dropValue(key, read)).as("the value as the hit gave it").isTrue();
      assertThat(cache.get(key)).isNull();
      assertThat(cache.putFromLoad(key, bytes("current"), 1, null, false, TIMES))
          .as("the same version, into the absent key").isEqualTo(PutOutcome.STORED);
      assertThat(cache.getOrLease(key, true, TIMES)).isEqualTo(Lookup.hit(bytes("current"), 1));
    }
  }

  @Test
  void increment_countsOnTheOwningNode_forDigestedKeysToo() {
    ShardedCache cache = cache("a", "b");
    byte[] shortKey = bytes("stamp:com.example.Order");
    byte[] longKey = new byte[5000];
    Arrays.fill(longKey, (byte) 's');
    for (byte[] key : List.of(shortKey, longKey)) {
      assertThat(cache.increment(key, 7, TTL)).hasValue(7);
      assertThat(cache.increment(key, 7, TTL)).hasValue(8);
      CacheNode owner = cache.node(cache.nodeIdFor(key));
      assertThat(owner.increment(StorageKeys.storageKey(owner, key), 7, 60_000))
          .as("the counter is on the key's owner, under its storage key").isEqualTo(9);
    }
  }

  @Test
  void addingANode_movesOnlyTheKeysItTakes_andRemovingItClosesIt() {
    ShardedCache cache = cache("a", "b", "c");
    List<byte[]> keys = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      keys.add(bytes("key-" + i));
    }
    List<String> before = new ArrayList<>();
    for (byte[] key : keys) {
      before.add(cache.nodeIdFor(key));
    }
    String added = cache.addNode("local://" + tag + "d");
    assertThat(cache.nodeIds()).contains(added);
    int moved = 0;
    for (int i = 0; i < keys.size(); i++) {
      String now = cache.nodeIdFor(keys.get(i));
      if (!now.equals(before.get(i))) {
        assertThat(now).isEqualTo(added);
        moved++;
      }
    }
    assertThat(moved).isBetween(150, 350);
    CacheNode d = cache.node(added);
    cache.removeNode(added);
    assertThat(cache.nodeIds()).doesNotContain(added).hasSize(3);
    assertThatThrownBy(() -> d.get(bytes("k"))).as("the removed node is closed")
        .isInstanceOf(NodeUnavailableException.class);
    for (int i = 0; i < keys.size(); i++) {
      assertThat(cache.nodeIdFor(keys.get(i))).isEqualTo(before.get(i));
    }
    assertThatThrownBy(() -> cache.addNode("local://" + tag + "a"))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("already");
    assertThat(d.id()).isEqualTo(added);
  }

  @Test
  void placementAndWeights_comeFromTheBuilderAndTheUris() {
    ShardedCache cache = ShardedCache.builder()
        .nodes("local://" + tag + "light", "local://" + tag + "heavy?weight=3")
        .placement(Placement.DEFAULT).replicas(512).build();
    caches.add(cache);
    ConsistentHashRing<String> expected = ConsistentHashRing.<String>builder()
        .placement(Placement.DEFAULT).replicas(512)
        .add(tag + "light", "light").add(tag + "heavy", "heavy", 3).build();
    assertThat(cache.ownership()).isEqualTo(expected.ownership());
    assertThat(cache.ownership().get(tag + "heavy")).isBetween(0.7, 0.8);
  }

  @Test
  void badConfiguration_failsAtBuild_withMessagesThatSayWhy() {
    assertThatThrownBy(() -> ShardedCache.builder().build())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("at least one node");
    assertThatThrownBy(() -> ShardedCache.builder().nodes("nosuch://host:1").build())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("no provider")
        .hasMessageContaining("'nosuch'").hasMessageContaining("local");
    assertThatThrownBy(() -> ShardedCache.builder()
            .nodes("local://" + tag + "x", "local://" + tag + "x").build())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("duplicate node id");
    assertThatThrownBy(() -> ShardedCache.builder().nodes("local://" + tag + "x?weight=2")
            .placement(Placement.JEDIS).build())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("JEDIS has no weights");
  }

  @Test
  void closedCache_refusesWork_andClosingTwiceIsFine() {
    ShardedCache cache = cache("a");
    cache.close();
    cache.close();
    assertThatThrownBy(() -> cache.get(bytes("k")))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }

  @Test
  void badInput_isRejected() {
    ShardedCache cache = cache("a");
    assertThatThrownBy(() -> cache.get(null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("key");
    assertThatThrownBy(() -> cache.put(bytes("k"), bytes("v"), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ttl");
    assertThatThrownBy(() -> cache.getAll(Arrays.asList(bytes("a"), null)))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("keys[1]");
    assertThatThrownBy(() -> cache.increment(null, 1, TTL))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("key");
    assertThatThrownBy(() -> cache.increment(bytes("k"), -1, TTL))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("seed");
    assertThatThrownBy(() -> cache.increment(bytes("k"), 1, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ttl");
    assertThatThrownBy(() -> cache.increment(bytes("k"), 1, null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("ttl");
    List<byte[]> two = List.of(bytes("a"), bytes("b"));
    assertThatThrownBy(() -> cache.lockAll(null, "tx", TIMES))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("keys");
    assertThatThrownBy(() -> cache.lockAll(Arrays.asList(bytes("a"), null), "tx", TIMES))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("keys[1]");
    assertThatThrownBy(() -> cache.lockAll(two, "t x", TIMES))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lockId");
    assertThatThrownBy(() -> cache.lockAll(two, "tx", null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("times");
    assertThatThrownBy(() -> cache.unlockAll(two, null, TIMES))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("unlocks");
    assertThatThrownBy(() -> cache.unlockAll(two, List.of(Unlock.rolledBack("tx")), TIMES))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pair up");
    assertThatThrownBy(() -> cache.unlockAll(two, Arrays.asList(Unlock.rolledBack("tx"), null),
        TIMES)).isInstanceOf(NullPointerException.class).hasMessageContaining("unlocks[1]");
    assertThatThrownBy(() -> cache.unlockAll(Arrays.asList(bytes("a"), null),
        List.of(Unlock.rolledBack("tx"), Unlock.rolledBack("tx")), TIMES))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("keys[1]");
    assertThat(cache.node(cache.nodeIds().get(0)).inspect(bytes("a")))
        .as("nothing was locked or unlocked").isNull();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }
}
