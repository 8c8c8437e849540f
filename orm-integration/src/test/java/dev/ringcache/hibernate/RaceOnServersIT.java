package dev.ringcache.hibernate;

import dev.ringcache.api.testing.TestServerGroup;
import dev.ringcache.api.testing.TestServers;
import dev.ringcache.hibernate.model.Item;
import dev.ringcache.hibernate.model.Named;
import dev.ringcache.hibernate.model.Note;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.hibernate.cache.spi.access.AccessType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The races of {@link RaceScenarios} on real servers: a ring of two Redis servers, a ring of two
 * Memcached servers (both on H2), and a mixed ring of both kinds on PostgreSQL, for READ_WRITE and
 * TRANSACTIONAL, versioned and not. (Every access type runs on the in-process node in {@link
 * RaceTest}; the protocol steps are the same on every node, held to one contract by cache-api's
 * tests.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RaceOnServersIT extends RaceScenarios {
  private static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
  private static final long TWO_THETA_MILLIS = 2_000;

  enum Ring { REDIS, MEMCACHED, MIXED_ON_POSTGRES }

  private TestServerGroup redis;
  private TestServerGroup memcached;
  private final String schema = "race_" + UUID.randomUUID().toString().replace("-", "");
  private final Map<String, Orm> as = new HashMap<>();
  private final Map<String, Orm> bs = new HashMap<>();
  private Ring ring = Ring.REDIS;

  @BeforeAll
  void startServers() throws Exception {
    redis = TestServers.redis().start(2);
    memcached = TestServers.memcached().start(2);
    try (Connection c = DriverManager.getConnection(POSTGRES);
        Statement s = c.createStatement()) {
      s.execute("create schema " + schema);
    }
  }

  @AfterAll
  void stop() throws Exception {
    shutdownPool();
    as.values().forEach(Orm::close);
    bs.values().forEach(Orm::close);
    if (redis != null) {
      redis.close();
    }
    if (memcached != null) {
      memcached.close();
    }
    try (Connection c = DriverManager.getConnection(POSTGRES);
        Statement s = c.createStatement()) {
      s.execute("drop schema if exists " + schema + " cascade");
    }
  }

  private String key(AccessType access) {
    return ring + "/" + access;
  }

  private void start(AccessType access) {
    if (as.containsKey(key(access))) {
      return;
    }
    String name = "it-" + ring.name().toLowerCase() + "-" + access.getExternalName() + "-"
        + UUID.randomUUID();
    String nodes = switch (ring) {
      case REDIS -> String.join(",", redis.uris());
      case MEMCACHED -> String.join(",", memcached.uris());
      case MIXED_ON_POSTGRES -> redis.get(0).uri() + "," + memcached.get(0).uri();
    };
    String jdbc = ring == Ring.MIXED_ON_POSTGRES ? POSTGRES + "&currentSchema=" + schema
        : "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=30000";
    Orm.Setup setup = new Orm.Setup(jdbc, nodes, name, access,
        Map.of(RingCacheSettings.MAX_TRANSACTION, "1s", "hibernate.cache.use_query_cache",
            "true"));
    // One schema per access type on PostgreSQL: the first factory of each creates its tables.
    if (ring == Ring.MIXED_ON_POSTGRES) {
      String own = schema + "_" + access.getExternalName().replace('-', '_');
      PausableConnections admin = new PausableConnections(POSTGRES);
      admin.jdbc(s -> s.execute("create schema if not exists " + own));
      setup = new Orm.Setup(POSTGRES + "&currentSchema=" + own, nodes, name, access,
          setup.extra());
    }
    as.put(key(access), Orm.start(setup, true));
    bs.put(key(access), Orm.start(setup, false));
  }

  @Override
  Orm a(AccessType access) {
    start(access);
    return as.get(key(access));
  }

  @Override
  Orm b(AccessType access) {
    start(access);
    return bs.get(key(access));
  }

  static Stream<Arguments> writable() {
    List<Arguments> all = new ArrayList<>();
    for (Ring r : Ring.values()) {
      for (AccessType access : List.of(AccessType.READ_WRITE, AccessType.TRANSACTIONAL)) {
        for (Class<? extends Named> type : List.of(Item.class, Note.class)) {
          all.add(Arguments.of(r, access, type));
        }
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("writable")
  void stalePut_afterAnUpdateCommits(Ring r, AccessType access, Class<? extends Named> type)
      throws Exception {
    ring = r;
    stalePut_afterAnUpdateCommits_isRefused(access, type);
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("writable")
  void stalePut_afterADeleteCommits(Ring r, AccessType access, Class<? extends Named> type)
      throws Exception {
    ring = r;
    stalePut_afterADeleteCommits_isRefused(access, type);
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("writable")
  void stalePut_ofAQueryLoadedRow(Ring r, AccessType access, Class<? extends Named> type)
      throws Exception {
    ring = r;
    stalePut_ofAQueryLoadedRow_isRefused(access, type);
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("writable")
  void rolledBackUpdateAndInsert(Ring r, AccessType access, Class<? extends Named> type)
      throws Exception {
    ring = r;
    rolledBackUpdate_isNeverVisible(access, type);
    rolledBackInsert_isNeverVisible(access, type);
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("writable")
  void twoUpdaters_oneRollingBack(Ring r, AccessType access, Class<? extends Named> type)
      throws Exception {
    ring = r;
    twoUpdaters_oneRollingBack_leaveTheCommittedValue(access, type);
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("writable")
  void collectionAndNaturalIdChanges(Ring r, AccessType access, Class<? extends Named> type)
      throws Exception {
    ring = r;
    collectionLoad_aroundAnAddition_isRefused(access, type);
    naturalIdLoad_aroundAChange_isRefused(access, type);
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("writable")
  void bulkUpdates(Ring r, AccessType access, Class<? extends Named> type) throws Exception {
    ring = r;
    load_aroundABulkUpdate_isRefused(access, type);
    cachedValue_afterABulkUpdate_isNotServed(access, type);
    bulkUpdate_rolledBack_leavesNoValueItLoaded(access, type);
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("writable")
  void evictionAndCacheMode(Ring r, AccessType access, Class<? extends Named> type)
      throws Exception {
    ring = r;
    load_aroundAnEviction_isRefused(access, type);
    updateWithCacheModeIgnore_invalidates(access, type);
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("writable")
  void writerStoppedAfterCommit(Ring r, AccessType access, Class<? extends Named> type)
      throws Exception {
    ring = r;
    writerStoppedAfterCommit_neverLetsTheOldValueBeRead(access, type, TWO_THETA_MILLIS);
  }

  static Stream<Arguments> queries() {
    List<Arguments> all = new ArrayList<>();
    for (Ring r : Ring.values()) {
      all.add(Arguments.of(r, AccessType.READ_WRITE, Item.class));
      all.add(Arguments.of(r, AccessType.TRANSACTIONAL, Note.class));
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("queries")
  void queryCache_afterAnUpdateOnTheOtherServer(Ring r, AccessType access,
      Class<? extends Named> type) {
    ring = r;
    queryResult_afterAnUpdateOnTheOtherServer_isNotServed(access, type);
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("queries")
  void queryCache_readBeforeAnUpdateCommits(Ring r, AccessType access,
      Class<? extends Named> type) throws Exception {
    ring = r;
    queryResult_readBeforeAnUpdateCommits_isNotServed(access, type);
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("queries")
  void queryCache_afterARolledBackUpdate(Ring r, AccessType access,
      Class<? extends Named> type) {
    ring = r;
    queryResult_afterARolledBackUpdate_isTheCommittedOne(access, type);
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("queries")
  void queryCache_afterABulkUpdate(Ring r, AccessType access, Class<? extends Named> type) {
    ring = r;
    queryResult_afterABulkUpdate_isNotServed(access, type);
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("queries")
  void queryCache_ofAnOpenTransaction(Ring r, AccessType access, Class<? extends Named> type) {
    ring = r;
    queryResult_ofAnOpenTransaction_isNotServedToOthers(access, type);
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("queries")
  void queryCache_whileAWriterIsStoppedAfterCommit(Ring r, AccessType access,
      Class<? extends Named> type) throws Exception {
    ring = r;
    queryResult_whileAWriterIsStoppedAfterCommit_isNeverTheOldOne(access, type, TWO_THETA_MILLIS);
  }
}
