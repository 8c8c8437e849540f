package dev.ringcache.redis;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ringcache.api.EntryTimes;
import dev.ringcache.api.Lookup;
import dev.ringcache.api.ConfigurationException;
import dev.ringcache.api.NodeUnavailableException;
import dev.ringcache.api.NodeUri;
import dev.ringcache.api.ShardedCache;
import dev.ringcache.api.Unlock;
import dev.ringcache.api.UnlockOutcome;
import dev.ringcache.api.spi.CacheNode;
import dev.ringcache.api.spi.CacheNodeContract;
import dev.ringcache.api.testing.RoundTripProxy;
import dev.ringcache.api.testing.TestServer;
import dev.ringcache.api.testing.TestServerGroup;
import dev.ringcache.api.testing.TestServers;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** The Redis node against the node contract on a real redis-server, and what is particular to it. */
class RedisNodeIT extends CacheNodeContract {
  private static TestServer server;

  @BeforeAll
  static void startServer() {
    server = TestServers.redis().start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Override
  protected CacheNode openNode() {
    return new RedisNodeProvider().open(NodeUri.parse(server.uri()));
  }

  private static Jedis admin(TestServer s) {
    return new Jedis(s.host(), s.port());
  }

  /** Calls per command since the last reset, from INFO commandstats. */
  private static Map<String, Long> commandCalls(TestServer s) {
    Map<String, Long> calls = new HashMap<>();
    try (Jedis jedis = admin(s)) {
      for (String line : jedis.info("commandstats").split("\r?\n")) {
        if (line.startsWith("cmdstat_")) {
          String name = line.substring(8, line.indexOf(':'));
          if (name.startsWith("config") || name.equals("info")) {
            continue; // the measurement's own commands
          }
          String count = line.substring(line.indexOf("calls=") + 6, line.indexOf(','));
          calls.put(name, Long.parseLong(count));
        }
      }
    }
    return calls;
  }

  private static void resetStats(TestServer s) {
    try (Jedis jedis = admin(s)) {
      jedis.configResetStat();
    }
  }

  @Test
  void eachOperation_isOneCommand_atTheServer() {
    byte[] k = key("round-trips");
    EntryTimes times = LONG;
    node.put(k, bytes("warm"), 60_000); // loads the script once
    resetStats(server);
    assertThat(node.get(k)).isEqualTo(bytes("warm"));
    assertThat(commandCalls(server)).containsEntry("hmget", 1L).hasSize(1);

    resetStats(server);
    node.lock(k, "tx", times);
    node.unlock(k, Unlock.committedValue("tx", bytes("new"), 2), times);
    Lookup hit = node.getOrLease(k, true, "n", times);
    node.evict(k, times);
    assertThat(hit).isEqualTo(Lookup.hit(bytes("new"), 2));
    // Four steps, four EVALSHA. Redis also counts the commands a script runs inside itself; any
    // other command sent by the client (a SCRIPT LOAD, a PING, a second round trip) would show.
    Map<String, Long> calls = commandCalls(server);
    assertThat(calls).containsEntry("evalsha", 4L);
    assertThat(calls.keySet()).isSubsetOf(
        "evalsha", "hgetall", "del", "hset", "pexpire", "pttl", "hincrby", "hdel");
  }

  @Test
  void dropValue_isOneEvalsha_whetherItDropsOrNot() {
    byte[] k = key("drop-round-trips");
    node.putFromLoad(k, bytes("old"), 1, null, false, LONG); // loads the script once
    resetStats(server);
    assertThat(node.dropValue(k, bytes("other"))).isFalse();
    assertThat(node.dropValue(k, bytes("old"))).isTrue();
    Map<String, Long> calls = commandCalls(server);
    assertThat(calls).containsEntry("evalsha", 2L);
    assertThat(calls.keySet()).isSubsetOf("evalsha", "hmget", "del");
  }

  @Test
  void lockAllAndUnlockAll_areOneRoundTrip_ofTheEvalshaEachKeysStepWouldSend() {
    try (RoundTripProxy counter = RoundTripProxy.inFrontOf(server)) {
      CacheNode proxied =
          new RedisNodeProvider().open(NodeUri.parse("redis://" + counter.address()));
      try {
        List<byte[]> keys = new ArrayList<>();
        List<Unlock> unlocks = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
          keys.add(key("pipelined-" + i));
          unlocks.add(Unlock.committedValue("tx", bytes("v" + i), 1));
        }
        proxied.put(key("warm"), bytes("warm"), 60_000); // connects, loads the script
        counter.reset();
        proxied.lock(key("single-1"), "tx", LONG);
        proxied.lock(key("single-2"), "tx", LONG);
        assertThat(counter.roundTrips()).as("the counter counts one per step").isEqualTo(2);

        counter.reset();
        resetStats(server);
        assertThat(proxied.lockAll(keys, "tx", LONG)).containsOnly(false).hasSize(10);
        assertThat(counter.roundTrips()).isEqualTo(1);
        assertThat(commandCalls(server)).containsEntry("evalsha", 10L);

        counter.reset();
        resetStats(server);
        assertThat(proxied.unlockAll(keys, unlocks, LONG)).containsOnly(UnlockOutcome.WROTE_VALUE)
            .hasSize(10);
        assertThat(counter.roundTrips()).isEqualTo(1);
        assertThat(commandCalls(server)).containsEntry("evalsha", 10L);
        assertThat(proxied.getAll(keys).get(7)).isEqualTo(bytes("v7"));
      } finally {
        proxied.close();
      }
    }
  }

  @Test
  void lockAllAndUnlockAll_afterTheServerLostItsScripts_loadThemAgain_andRunEachStepOnce() {
    List<byte[]> keys = List.of(key("noscript-1"), key("noscript-2"), key("noscript-1"));
    try (Jedis jedis = admin(server)) {
      jedis.scriptFlush();
    }
    assertThat(node.lockAll(keys, "a", LONG)).containsExactly(false, false, false);
    assertThat(node.inspect(keys.get(0)).generation()).as("locked twice, once each")
        .isEqualTo(2);
    assertThat(node.inspect(keys.get(1)).generation()).isEqualTo(1);
    try (Jedis jedis = admin(server)) {
      jedis.scriptFlush();
    }
    assertThat(node.unlockAll(keys.subList(0, 2), List.of(
        Unlock.committedValue("a", bytes("one"), 1), Unlock.committedValue("a", bytes("two"), 1)),
        LONG)).as("an unlock run twice would find its lock gone")
        .containsExactly(UnlockOutcome.WROTE_VALUE, UnlockOutcome.WROTE_VALUE);
    assertThat(node.getAll(keys)).containsExactly(bytes("one"), bytes("two"), bytes("one"));
  }

  @Test
  void aBatchOverSeveralNodes_sendsEachNodeOnlyItsKeys_inOnePipeline() {
    try (TestServerGroup servers = TestServers.redis().start(3);
        ShardedCache cache = ShardedCache.builder().nodes(servers.uris()).build()) {
      List<byte[]> keys = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        keys.add(bytes("batch-" + i));
      }
      cache.putAll(keys, keys, Duration.ofMinutes(1));
      Map<String, Integer> perNode = new HashMap<>();
      for (byte[] key : keys) {
        perNode.merge(cache.nodeIdFor(key), 1, Integer::sum);
      }
      servers.forEach(RedisNodeIT::resetStats);
      List<byte[]> found = cache.getAll(keys);
      for (int i = 0; i < keys.size(); i++) {
        assertThat(found.get(i)).isEqualTo(keys.get(i));
      }
      for (TestServer s : servers) {
        String id = NodeUri.parse(s.uri()).id(RedisNodeProvider.DEFAULT_PORT);
        assertThat(commandCalls(s)).as(id)
            .isEqualTo(Map.of("hmget", (long) perNode.getOrDefault(id, 0)));
      }
    }
  }

  @Test
  void scriptsLostByTheServer_areLoadedAgain() {
    byte[] k = key("noscript");
    node.lock(k, "a", LONG);
    try (Jedis jedis = admin(server)) {
      jedis.scriptFlush();
    }
    assertThat(node.unlock(k, Unlock.rolledBack("a"), LONG))
        .isEqualTo(UnlockOutcome.WROTE_TOMBSTONE);
    try (Jedis jedis = admin(server)) {
      jedis.scriptFlush();
    }
    node.putAll(List.of(key("p1"), key("p2")), List.of(bytes("1"), bytes("2")), 60_000);
    assertThat(node.get(key("p2"))).isEqualTo(bytes("2"));
  }

  @Test
  void increment_isOneEvalsha_andTheCounterIsAPlainRedisNumber_thatKeepsItsExpiry() {
    byte[] k = key("counter");
    node.put(key("warm"), bytes("warm"), 60_000); // loads the script once
    resetStats(server);
    assertThat(node.increment(k, 41, 60_000)).isEqualTo(41);
    assertThat(node.increment(k, 41, 90_000)).isEqualTo(42);
    Map<String, Long> calls = commandCalls(server);
    assertThat(calls).containsEntry("evalsha", 2L);
    assertThat(calls.keySet()).isSubsetOf("evalsha", "exists", "set", "incr", "get");
    try (Jedis jedis = admin(server)) {
      assertThat(jedis.get(new String(k, UTF_8))).isEqualTo("42");
      assertThat(jedis.pttl(k)).as("the first increment's lifetime").isBetween(1L, 60_000L);
    }
  }

  @Test
  void increment_afterTheServerLostItsScripts_loadsThemAgain_andCountsOnce() {
    byte[] k = key("counter-noscript");
    assertThat(node.increment(k, 1, 60_000)).isEqualTo(1);
    try (Jedis jedis = admin(server)) {
      jedis.scriptFlush();
    }
    assertThat(node.increment(k, 1, 60_000)).isEqualTo(2);
    assertThat(node.increment(k, 1, 60_000)).isEqualTo(3);
  }

  @Test
  void aForeignValueUnderOurKey_readsAsAMiss() {
    byte[] k = key("foreign");
    try (Jedis jedis = admin(server)) {
      jedis.set(k, bytes("someone else's string"));
    }
    assertThat(node.get(k)).isNull();
    assertThat(node.getAll(List.of(k))).containsExactly((byte[]) null);
  }

  @Test
  void aHostNameThatDoesNotResolve_failsOnUse_withAMessageThatSaysSo() {
    CacheNode unknown = new RedisNodeProvider().open(
        NodeUri.parse("redis://no-such-host.invalid:6379?timeout=200ms&connectTimeout=200ms"));
    try {
      assertThatThrownBy(() -> unknown.get(bytes("k")))
          .isInstanceOf(NodeUnavailableException.class)
          .hasMessageContaining("unknown host: no-such-host.invalid");
    } finally {
      unknown.close();
    }
  }

  @Test
  void aServerThatIsDown_failsOnUse_withNodeUnavailable_notAtOpen() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    CacheNode down = new RedisNodeProvider().open(
        NodeUri.parse("redis://127.0.0.1:" + port + "?timeout=200ms&connectTimeout=200ms"));
    try {
      assertThatThrownBy(() -> down.get(bytes("k")))
          .isInstanceOf(NodeUnavailableException.class).hasMessageContaining("127.0.0.1:" + port);
    } finally {
      down.close();
    }
  }

  @Test
  void passwords_areUsed_andNeverShown() {
    try (TestServer secured = TestServers.redis().args("--requirepass", "s3cret").start()) {
      CacheNode good = new RedisNodeProvider().open(NodeUri.parse(
          "redis://:s3cret@" + secured.host() + ":" + secured.port()));
      try {
        good.put(bytes("k"), bytes("v"), 60_000);
        assertThat(good.get(bytes("k"))).isEqualTo(bytes("v"));
        assertThat(good.toString()).doesNotContain("s3cret");
      } finally {
        good.close();
      }
      CacheNode bad = new RedisNodeProvider().open(NodeUri.parse(
          "redis://:wrong-pass@" + secured.host() + ":" + secured.port()));
      try {
        // A wrong password is a configuration error, not an outage: ping (what ShardedCache runs
        // at start-up) says so at once.
        long start = System.nanoTime();
        assertThatThrownBy(bad::ping).isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("credentials").hasMessageNotContaining("wrong-pass");
        assertThat(System.nanoTime() - start).as("no hang").isLessThan(2_000_000_000L);
        assertThatThrownBy(() -> bad.get(bytes("k"))).isInstanceOf(ConfigurationException.class)
            .hasMessageNotContaining("wrong-pass");
      } finally {
        bad.close();
      }
    }
  }

  @Test
  void aWrongPassword_failsTheCacheStart_atOnce_andNoLogOrMetricShowsIt() {
    try (TestServer secured = TestServers.redis().args("--requirepass", "s3cret").start()) {
      java.util.logging.Logger log = java.util.logging.Logger.getLogger(
          dev.ringcache.api.ShardedCache.class.getName());
      java.util.List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
      java.util.logging.Handler capture = new java.util.logging.Handler() {
        @Override
        public void publish(java.util.logging.LogRecord r) {
          logged.add(r.getMessage() + " " + r.getThrown());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
      log.addHandler(capture);
      dev.ringcache.api.CacheStatistics statistics = new dev.ringcache.api.CacheStatistics();
      String hostPort = secured.host() + ":" + secured.port();
      try {
        long start = System.nanoTime();
        assertThatThrownBy(() -> dev.ringcache.api.ShardedCache.builder()
            .nodes("redis://:wrong-pass@" + hostPort).metrics(statistics).build())
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining(hostPort).hasMessageContaining("credentials")
            .hasMessageNotContaining("wrong-pass");
        assertThat(System.nanoTime() - start).as("a clear error, not a hang")
            .isLessThan(3_000_000_000L);
        // The right password works; a node that goes down and back is logged without it.
        try (dev.ringcache.api.ShardedCache cache = dev.ringcache.api.ShardedCache.builder()
            .nodes("redis://:s3cret@" + hostPort + "?timeout=200ms").metrics(statistics)
            .probeInterval(java.time.Duration.ofMillis(20)).build()) {
          cache.put(bytes("k"), bytes("v"), java.time.Duration.ofMinutes(1));
          assertThat(cache.get(bytes("k"))).isEqualTo(bytes("v"));
          assertThat(cache.toString()).doesNotContain("s3cret");
          secured.kill();
          cache.evict(bytes("k"), LONG);
          assertThat(cache.nodeState(hostPort)).isEqualTo(dev.ringcache.api.NodeState.QUARANTINED);
        }
      } finally {
        log.removeHandler(capture);
      }
      assertThat(logged).as("a state change was logged").isNotEmpty();
      assertThat(String.join("\n", logged)).doesNotContain("s3cret").doesNotContain("wrong-pass");
      assertThat(statistics.nodeIds()).containsExactly(hostPort);
      assertThat(statistics.toString()).doesNotContain("s3cret");
    }
  }

  @Test
  void aclUser_withItsPassword_isUsed() {
    try (TestServer secured = TestServers.redis().start()) {
      try (Jedis jedis = admin(secured)) {
        jedis.aclSetUser("app", "on", ">app-pass", "~*", "&*", "+@all");
        jedis.aclSetUser("default", "off");
      }
      String hostPort = secured.host() + ":" + secured.port();
      CacheNode app = new RedisNodeProvider().open(NodeUri.parse("redis://app:app-pass@" + hostPort));
      CacheNode anonymous = new RedisNodeProvider().open(NodeUri.parse("redis://" + hostPort));
      try {
        app.put(bytes("k"), bytes("v"), 60_000);
        assertThat(app.get(bytes("k"))).isEqualTo(bytes("v"));
        assertThatThrownBy(anonymous::ping).isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> anonymous.get(bytes("k")))
            .isInstanceOf(ConfigurationException.class);
      } finally {
        app.close();
        anonymous.close();
      }
    }
  }

  @Test
  void nodeIds_areTheSameHoweverTheUriSpellsTheNode() {
    RedisNodeProvider provider = new RedisNodeProvider();
    List<String> ids = new ArrayList<>();
    for (String uri : List.of("redis://Cache-1", "redis://cache-1:6379", "redis://cache-1:6379/0",
        "redis://user:pw@CACHE-1:6379/?timeout=1s")) {
      CacheNode n = provider.open(NodeUri.parse(uri));
      ids.add(n.id());
      n.close();
    }
    assertThat(ids).containsOnly("cache-1:6379");
    CacheNode db2 = provider.open(NodeUri.parse("redis://cache-1/2"));
    assertThat(db2.id()).isEqualTo("cache-1:6379/2");
    db2.close();
  }

  @Test
  void aClosedNode_failsWithNodeUnavailable() {
    CacheNode closed = openNode();
    closed.close();
    assertThatThrownBy(() -> closed.get(key("k"))).isInstanceOf(NodeUnavailableException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void databaseIndex_fromThePath_separatesRecords() {
    CacheNode db3 = new RedisNodeProvider().open(NodeUri.parse(server.uri() + "/3"));
    try {
      db3.put(key("db"), bytes("three"), 60_000);
      assertThat(node.get(key("db"))).isNull();
      assertThat(db3.get(key("db"))).isEqualTo(bytes("three"));
    } finally {
      db3.close();
    }
  }
}
