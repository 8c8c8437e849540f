package dev.ringcache.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ringcache.hibernate.model.Item;
import dev.ringcache.hibernate.model.Named;
import dev.ringcache.hibernate.model.Note;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.hibernate.KeyType;
import org.hibernate.cache.spi.access.AccessType;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * After a region clear (a new region generation), the values of the generation before read as
 * misses, and the next loads cache the current values at once, as Hibernate's own providers do:
 * natural ids (put without a lease, only into an absent key) and inserted rows included. Θ is
 * the default 60 s, so a tombstone left in the place of an old value would keep them out for the
 * whole test.
 *
 * <p>Values of the generation before are dropped once the new one is settled, one generation
 * check interval after the clear (50 ms here): each test waits for that first.
 */
class RegionClearTest {
  private Orm orm;

  private Orm start() {
    String db = "clear" + UUID.randomUUID();
    orm = Orm.start(new Orm.Setup("jdbc:h2:mem:" + db + ";DB_CLOSE_DELAY=-1", "local://" + db,
        db, AccessType.READ_WRITE, Map.of()), true);
    // A factory puts nothing without a lease until its generations have settled, so that the
    // rows cached before the clear are cached by their insert and first lookups.
    orm.awaitSettledGenerations();
    return orm;
  }

  @AfterEach
  void stop() {
    if (orm != null) {
      orm.close();
    }
  }

  static Stream<Class<? extends Named>> types() {
    return Stream.of(Item.class, Note.class);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("types")
  void naturalIdLookups_afterEvictAllRegions_areCachedAgainByTheFirstLoad(
      Class<? extends Named> type) {
    start();
    cachedRow(type, 1L, "c1");
    orm.factory.getCache().evictAllRegions();
    orm.awaitSettledGenerations();
    lookUpThreeTimes_cachedByTheFirst_thenAllCached(type, () -> {
      // The first lookup's natural-id query loads the entity too, but its put without a lease
      // finds the entity's old value, which only a lookup by id drops: the second lookup's.
      assertThat(stats().getPrepareStatementCount()).as("statements").isEqualTo(2);
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("types")
  void aNaturalIdLookup_afterEvictNaturalIdData_isCachedAgainByTheFirstLoad(
      Class<? extends Named> type) {
    start();
    cachedRow(type, 1L, "c1");
    orm.factory.getCache().evictEntityData(type, 1L);
    orm.factory.getCache().evictNaturalIdData(type);
    orm.awaitSettledGenerations();
    lookUpThreeTimes_cachedByTheFirst_thenAllCached(type, () -> {});
  }

  /**
   * A new row whose id and natural id repeat those of a row deleted behind a region clear (a
   * database recreated between two runs of an application, say) is cached by its insert.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("types")
  void aRowInserted_overKeysHoldingValuesOfTheGenerationBefore_isCachedByItsInsert(
      Class<? extends Named> type) {
    start();
    cachedRow(type, 1L, "c1");
    orm.connections.jdbc(s -> s.executeUpdate("delete from " + RaceScenarios.table(type)));
    orm.factory.getCache().evictAllRegions();
    orm.awaitSettledGenerations();
    orm.inTx(s -> {
      s.persist(RaceScenarios.newRow(type, 1L, "second", "c1"));
      return null;
    });
    stats().clear();
    String name = orm.inTx(s -> s.find(type, "c1", KeyType.NATURAL).getName());
    assertThat(name).isEqualTo("second");
    assertThat(stats().getNaturalIdCacheHitCount()).as("natural-id hits").isEqualTo(1);
    assertThat(stats().getSecondLevelCacheHitCount()).as("entity hits").isEqualTo(1);
    assertThat(stats().getPrepareStatementCount()).as("statements").isZero();
  }

  /**
   * Three lookups of natural id {@code c1}: the first loads and caches it, the other two hit
   * ({@code afterThree} checks more); then a fourth runs no statement at all.
   */
  private void lookUpThreeTimes_cachedByTheFirst_thenAllCached(Class<? extends Named> type,
      Runnable afterThree) {
    stats().clear();
    for (int i = 0; i < 3; i++) {
      assertThat(idByCode(type, "c1")).as("lookup %d", i).isEqualTo(1L);
    }
    assertThat(stats().getNaturalIdCachePutCount()).as("natural-id puts").isEqualTo(1);
    assertThat(stats().getNaturalIdCacheHitCount()).as("natural-id hits").isEqualTo(2);
    afterThree.run();
    stats().clear();
    assertThat(idByCode(type, "c1")).isEqualTo(1L);
    assertThat(stats().getPrepareStatementCount()).as("statements, all cached").isZero();
  }

  /** A row, its entity and its natural id cached. */
  private void cachedRow(Class<? extends Named> type, long id, String code) {
    orm.inTx(s -> {
      s.persist(RaceScenarios.newRow(type, id, "first", code));
      return null;
    });
    for (int i = 0; i < 2; i++) {
      assertThat(idByCode(type, code)).isEqualTo(id);
    }
    stats().clear();
    assertThat(idByCode(type, code)).isEqualTo(id);
    assertThat(stats().getPrepareStatementCount()).as("cached before the clear").isZero();
  }

  private Long idByCode(Class<? extends Named> type, String code) {
    return orm.inTx(s -> s.find(type, code, KeyType.NATURAL).getId());
  }

  private Statistics stats() {
    return orm.factory.getStatistics();
  }
}
