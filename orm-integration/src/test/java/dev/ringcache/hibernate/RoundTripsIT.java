package dev.ringcache.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ringcache.api.CacheOperation;
import dev.ringcache.api.CacheStatistics;
import dev.ringcache.api.testing.RoundTripProxy;
import dev.ringcache.api.testing.TestServer;
import dev.ringcache.api.testing.TestServers;
import dev.ringcache.hibernate.model.Plain;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.hibernate.CacheMode;
import org.hibernate.Session;
import org.hibernate.Transaction;
import org.hibernate.cache.spi.access.AccessType;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Round trips per Hibernate operation, counted by the servers themselves: Redis {@code INFO
 * commandstats} (the scripts a client called; the commands inside a script are not round trips)
 * and Memcached {@code stats} (every get, gets, add, set and cas). The region generation's
 * periodic read is kept out of the counts by a long check interval.
 */
class RoundTripsIT {
  /** What one step of a test cost at the server. */
  private interface Counter {
    long count();
  }

  private static Orm orm(TestServer server) {
    return orm(server.uri());
  }

  private static Orm orm(String nodes) {
    String name = "trips-" + UUID.randomUUID();
    Orm.Setup setup = new Orm.Setup("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1", nodes,
        name, AccessType.READ_WRITE, Map.of(RingCacheSettings.GENERATION_CHECK_INTERVAL, "10s"));
    return Orm.start(setup, true);
  }

  /** Runs the operations and returns the round trips of each, in order. */
  private static Map<String, Long> measure(Orm orm, Counter counter) {
    Map<String, Long> trips = new HashMap<>();
    long before = counter.count();
    orm.inTx(s -> {
      s.persist(new Plain(1L, "v1"));
      return null;
    });
    long after = counter.count();
    trips.put("insert", after - before);
    before = after;
    orm.inTx(s -> s.find(Plain.class, 1L).getName());
    after = counter.count();
    trips.put("hit", after - before);
    orm.factory.getCache().evict(Plain.class, 1L);
    before = counter.count();
    orm.inTx(s -> s.find(Plain.class, 1L).getName());
    after = counter.count();
    trips.put("miss then put", after - before);
    before = after;
    orm.inTx(s -> s.find(Plain.class, 1L).getName());
    after = counter.count();
    trips.put("hit after the put", after - before);
    before = after;
    orm.inTx(s -> {
      s.find(Plain.class, 1L).setName("v2"); // a hit, then lock and unlock
      return null;
    });
    after = counter.count();
    trips.put("find and update", after - before);
    before = after;
    orm.inTx(s -> {
      s.remove(s.find(Plain.class, 1L)); // a hit, then lock and unlock
      return null;
    });
    after = counter.count();
    trips.put("find and delete", after - before);
    return trips;
  }

  @Test
  void redis_hitIs1_missThenPutIs2_updateOrDeleteIs2PerKey() {
    try (TestServer server = TestServers.redis().start();
        Jedis admin = new Jedis(server.host(), server.port())) {
      try (Orm orm = orm(server)) {
        Map<String, Long> trips = measure(orm, () -> scriptCalls(admin));
        // persist with an assigned id looks the key up first: a get, then the after-insert put
        assertThat(trips).containsEntry("insert", 1L + 1L).containsEntry("hit", 1L)
            .containsEntry("miss then put", 2L).containsEntry("hit after the put", 1L)
            .containsEntry("find and update", 1L + 2L).containsEntry("find and delete", 1L + 2L);
      }
    }
  }

  @Test
  void memcached_hitIs1_andEveryWritingStepIsGetsThenAddOrCas() {
    try (TestServer server = TestServers.memcached().start()) {
      try (Orm orm = orm(server)) {
        Map<String, Long> trips = measure(orm, () -> memcachedCommands(server));
        assertThat(trips).containsEntry("hit", 1L).containsEntry("hit after the put", 1L);
        // gets then add or cas for each step that writes (the binary protocol has no
        // conditional write that also reads):
        assertThat(trips).containsEntry("insert", 4L).containsEntry("miss then put", 4L)
            .containsEntry("find and update", 1L + 4L).containsEntry("find and delete", 1L + 4L);
      }
    }
  }

  /**
   * The locks of a transaction go out as one pipelined batch per node before the commit, and its
   * unlocks as one after it: ten updated entities on one node cost the commit two round trips.
   */
  @Test
  void redis_aCommitThatUpdatedTenEntities_costs2RoundTrips() throws Exception {
    try (TestServer server = TestServers.redis().start();
        RoundTripProxy proxy = RoundTripProxy.inFrontOf(server);
        Orm orm = orm("redis://" + proxy.address())) {
      assertThat(commitOfTenUpdates(orm, proxy)).isEqualTo(2);
      for (long id = 1; id <= 10; id++) {
        long key = id;
        String name = orm.inTx(s -> s.find(Plain.class, key).getName());
        assertThat(name).isEqualTo("v2");
      }
      assertThat(orm.factory.getStatistics().getSecondLevelCacheHitCount())
          .as("the committed values were written through").isEqualTo(10);
    }
  }

  /**
   * With the query cache on, a commit also locks, stamps and unlocks the table's record, whose
   * times differ from the entity region's: still one batch of locks, the stamp, and one batch of
   * unlocks, three round trips in all.
   */
  @Test
  void redis_aCommitWithTheQueryCacheOn_sendsItsUnlocksInOneBatch() throws Exception {
    try (TestServer server = TestServers.redis().start();
        RoundTripProxy proxy = RoundTripProxy.inFrontOf(server);
        Orm orm = Orm.start(new Orm.Setup("jdbc:h2:mem:trips-" + UUID.randomUUID()
            + ";DB_CLOSE_DELAY=-1", "redis://" + proxy.address(),
            "trips-" + UUID.randomUUID(), AccessType.READ_WRITE,
            Map.of(RingCacheSettings.GENERATION_CHECK_INTERVAL, "10s",
                "hibernate.cache.use_query_cache", "true")), true)) {
      assertThat(commitOfTenUpdates(orm, proxy)).isEqualTo(3);
      String name = orm.inTx(s -> s.find(Plain.class, 1L).getName());
      assertThat(name).isEqualTo("v2");
      assertThat(orm.factory.getStatistics().getSecondLevelCacheHitCount())
          .as("the committed value was written through").isEqualTo(1);
    }
  }

  /**
   * Hibernate puts every row a query loads, though the cache holds most of them already: each
   * such put is a round trip the node refuses. The same put again within a second is not sent
   * ({@link RecentPuts}).
   */
  @Test
  void redis_aQueryRunAgain_doesNotSendThePutsOfTheRowsItJustPut() {
    CacheStatistics metrics = new CacheStatistics();
    try (TestServer server = TestServers.redis().start()) {
      Orm.Setup setup = new Orm.Setup("jdbc:h2:mem:trips-" + UUID.randomUUID()
          + ";DB_CLOSE_DELAY=-1", server.uri(), "trips-" + UUID.randomUUID(),
          AccessType.READ_WRITE, Map.of());
      try (Orm writer = Orm.start(setup, true);
          Orm reader = Orm.start(setup.with(RingCacheSettings.METRICS, metrics), false)) {
        writer.inTx(s -> {
          for (long id = 1; id <= 10; id++) {
            s.persist(new Plain(id, "v1")); // cached by the writer's after-insert puts
          }
          return null;
        });
        reader.awaitSettledGenerations(); // before that, nothing is put without a lease
        long sent = putsSent(metrics);
        for (int run = 1; run <= 3; run++) {
          int rows = reader.inTx(
              s -> s.createQuery("from Plain", Plain.class).getResultList().size());
          assertThat(rows).isEqualTo(10);
          long now = putsSent(metrics);
          assertThat(now - sent).as("puts sent by run %d", run).isEqualTo(run == 1 ? 10 : 0);
          sent = now;
        }
        // CacheMode REFRESH replaces what is cached: its puts are always sent (each refused by
        // the value there, then sent again over its tombstone).
        reader.inTx(s -> {
          s.setCacheMode(CacheMode.REFRESH);
          return s.createQuery("from Plain", Plain.class).getResultList().size();
        });
        assertThat(putsSent(metrics) - sent).as("puts sent under REFRESH").isEqualTo(20);
        reader.factory.getStatistics().clear();
        reader.inTx(s -> s.find(Plain.class, 7L).getName());
        assertThat(reader.factory.getStatistics().getSecondLevelCacheHitCount()).isEqualTo(1);
      }
    }
  }

  private static long putsSent(CacheStatistics metrics) {
    return metrics.region(Plain.class.getName()).get(CacheOperation.PUT_FROM_LOAD).count();
  }

  /** The round trips of the commit of a transaction that updated ten cached entities. */
  private static long commitOfTenUpdates(Orm orm, RoundTripProxy proxy) {
    orm.inTx(s -> {
      for (long id = 1; id <= 10; id++) {
        s.persist(new Plain(id, "v1"));
      }
      return null;
    });
    try (Session session = orm.factory.openSession()) {
      Transaction tx = session.beginTransaction();
      for (long id = 1; id <= 10; id++) {
        session.find(Plain.class, id).setName("v2");
      }
      long before = proxy.roundTrips();
      tx.commit();
      long trips = proxy.roundTrips() - before;
      orm.factory.getStatistics().clear();
      return trips;
    }
  }

  private static long scriptCalls(Jedis admin) {
    long calls = 0;
    for (String line : admin.info("commandstats").split("\r?\n")) {
      // ringcache calls the protocol script and nothing else on this path; the commands the
      // script runs inside are listed too, but are no round trips.
      if (line.startsWith("cmdstat_evalsha:") || line.startsWith("cmdstat_eval:")) {
        calls += Long.parseLong(line.replaceAll("^[^:]*:calls=(\\d+),.*", "$1"));
      }
    }
    return calls;
  }

  private static long memcachedCommands(TestServer server) {
    try (Socket socket = new Socket(server.host(), server.port())) {
      OutputStream out = socket.getOutputStream();
      out.write("stats\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in = new BufferedReader(
          new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      long commands = 0;
      for (String line; (line = in.readLine()) != null && !line.equals("END"); ) {
        String[] parts = line.split(" ");
        if (parts.length == 3 && (parts[1].equals("cmd_get") || parts[1].equals("cmd_set")
            || parts[1].equals("cmd_touch"))) {
          commands += Long.parseLong(parts[2]);
        }
      }
      return commands;
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
