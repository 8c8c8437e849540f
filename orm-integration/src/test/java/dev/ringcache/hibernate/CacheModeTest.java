package dev.ringcache.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ringcache.hibernate.model.Item;
import dev.ringcache.hibernate.model.Named;
import dev.ringcache.hibernate.model.Note;
import jakarta.persistence.EntityManagerFactory;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.hibernate.Cache;
import org.hibernate.CacheMode;
import org.hibernate.KeyType;
import org.hibernate.Session;
import org.hibernate.Transaction;
import org.hibernate.cache.spi.access.AccessType;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.persister.entity.EntityPersister;
import org.hibernate.stat.Statistics;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The session's {@link CacheMode} as Hibernate defines it (NORMAL reads and puts, GET only reads,
 * PUT and REFRESH only put, IGNORE does neither; a write invalidates or updates the cache in every
 * mode), and the eviction APIs of JPA and Hibernate, for a versioned entity ({@link Item}), an
 * unversioned one ({@link Note}), their {@code tags} collections and their natural ids, on H2 and
 * an in-process node.
 *
 * <p>What the cache must not know of is inserted or changed with plain JDBC, behind Hibernate's
 * back (Hibernate's own statements invalidate). Each test works on rows of its own.
 *
 * <p>Two things Hibernate 7.4 does that shape these tests: {@code Session.find(Class, Object)}
 * follows the JPA cache properties, not {@code Session.setCacheMode}, so reads pass their mode to
 * {@code find} as a {@code FindOption}; and natural-id resolutions are read from and put into the
 * cache whatever the mode, so only their invalidation is checked per mode.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CacheModeTest {
  private static final AtomicLong IDS = new AtomicLong();
  private static final List<CacheMode> MODES = List.of(CacheMode.NORMAL, CacheMode.GET,
      CacheMode.PUT, CacheMode.REFRESH, CacheMode.IGNORE);

  private final Map<AccessType, Orm> orms = new EnumMap<>(AccessType.class);

  /**
   * After a region clear (some tests here evict whole regions) a factory puts nothing without a
   * lease until the new generation has settled: PUT and REFRESH put without one, as inserts do.
   * The cases here test the cache modes, not that first check interval.
   */
  @BeforeEach
  void settle() {
    orms.values().forEach(Orm::awaitSettledGenerations);
  }

  @AfterAll
  void stop() {
    orms.values().forEach(Orm::close);
  }

  // ---- entity reads: what each mode takes from the cache and gives to it

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("modesAndTypes")
  void find_ofACachedRow_readsTheCacheOnlyWhereTheModeGets(CacheMode mode,
      Class<? extends Named> type) {
    long id = cachedRow(type);
    changeBehind(type, id, "behind", false);
    stats().clear();
    String read = nameIn(mode, type, id);
    if (mode.isGetEnabled()) {
      assertThat(read).as("the cached value").isEqualTo("v1");
      assertThat(stats().getPrepareStatementCount()).as("statements").isZero();
      assertThat(entityHits(type)).as("cache hits").isEqualTo(1);
    } else {
      assertThat(read).as("the row").isEqualTo("behind");
      assertThat(stats().getPrepareStatementCount()).as("statements").isEqualTo(1);
      assertThat(entityHits(type)).as("cache hits").isZero();
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("modesAndTypes")
  void find_ofAnUncachedRow_putsOnlyWhereTheModePuts(CacheMode mode,
      Class<? extends Named> type) {
    long id = uncachedRow(type);
    stats().clear();
    assertThat(nameIn(mode, type, id)).isEqualTo("v1");
    assertThat(stats().getPrepareStatementCount()).as("statements").isEqualTo(1);
    assertThat(entityPuts(type)).as("cache puts").isEqualTo(mode.isPutEnabled() ? 1 : 0);
    assertThat(cache().containsEntity(type, id)).as("cached").isEqualTo(mode.isPutEnabled());
    assertThat(storedOnTheNode(type, id)).as("a value on the node")
        .isEqualTo(mode.isPutEnabled());
  }

  /** What a mode did with a miss does not keep the next NORMAL read from caching the row. */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("modesButGetAndTypes")
  void find_ofAnUncachedRow_thenNormalReads_areCached(CacheMode mode,
      Class<? extends Named> type) {
    long id = uncachedRow(type);
    assertThat(nameIn(mode, type, id)).isEqualTo("v1");
    assertThat(nameIn(CacheMode.NORMAL, type, id)).isEqualTo("v1");
    assertServedFromTheCache(type, id, "v1");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("types")
  void put_neverServesWhatTheCacheHolds(Class<? extends Named> type) {
    long id = cachedRow(type);
    changeBehind(type, id, "behind", false);
    for (int i = 0; i < 2; i++) {
      stats().clear();
      assertThat(nameIn(CacheMode.PUT, type, id)).as("read %d", i).isEqualTo("behind");
      assertThat(entityHits(type)).as("cache hits").isZero();
      assertThat(stats().getPrepareStatementCount()).as("statements").isEqualTo(1);
    }
  }

  @Test
  void put_ofARowWithANewerVersion_replacesTheCachedValue() {
    long id = cachedRow(Item.class);
    changeBehind(Item.class, id, "behind", true);
    assertThat(nameIn(CacheMode.NORMAL, Item.class, id)).as("still cached").isEqualTo("v1");
    stats().clear();
    assertThat(nameIn(CacheMode.PUT, Item.class, id)).isEqualTo("behind");
    assertThat(entityPuts(Item.class)).as("cache puts").isEqualTo(1);
    assertServedFromTheCache(Item.class, id, "behind");
  }

  @Test
  void refresh_ofARowWithANewerVersion_replacesTheCachedValue() {
    long id = cachedRow(Item.class);
    changeBehind(Item.class, id, "behind", true);
    assertThat(nameIn(CacheMode.NORMAL, Item.class, id)).as("still cached").isEqualTo("v1");
    stats().clear();
    assertThat(nameIn(CacheMode.REFRESH, Item.class, id)).isEqualTo("behind");
    assertThat(stats().getPrepareStatementCount()).as("statements").isEqualTo(1);
    assertThat(entityPuts(Item.class)).as("cache puts").isEqualTo(1);
    assertServedFromTheCache(Item.class, id, "behind");
  }

  /** A version that PUT or REFRESH would have put; IGNORE must not. */
  @Test
  void ignore_ofARowWithANewerVersion_leavesTheCachedValue() {
    long id = cachedRow(Item.class);
    changeBehind(Item.class, id, "behind", true);
    stats().clear();
    assertThat(nameIn(CacheMode.IGNORE, Item.class, id)).isEqualTo("behind");
    assertThat(stats().getSecondLevelCacheHitCount()).as("cache hits").isZero();
    assertThat(stats().getSecondLevelCachePutCount()).as("cache puts").isZero();
    assertThat(nameIn(CacheMode.NORMAL, Item.class, id)).as("untouched").isEqualTo("v1");
  }

  // ---- the collection

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("modesAndTypes")
  void collection_cached_isReadFromTheCacheOnlyWhereTheModeGets(CacheMode mode,
      Class<? extends Named> type) {
    long id = cachedRow(type);
    addTagBehind(type, id, "t1");
    stats().clear();
    Set<String> tags = tagsIn(mode, type, id);
    if (mode.isGetEnabled()) {
      assertThat(tags).as("the cached collection").containsExactly("t0");
      assertThat(stats().getCollectionLoadCount()).as("collection loads").isZero();
      assertThat(collectionHits(type)).as("cache hits").isEqualTo(1);
    } else {
      assertThat(tags).as("the rows").containsExactlyInAnyOrder("t0", "t1");
      assertThat(stats().getCollectionLoadCount()).as("collection loads").isEqualTo(1);
      assertThat(collectionHits(type)).as("cache hits").isZero();
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("modesAndTypes")
  void collection_uncached_isPutOnlyWhereTheModePuts(CacheMode mode,
      Class<? extends Named> type) {
    long id = uncachedRow(type);
    stats().clear();
    assertThat(tagsIn(mode, type, id)).containsExactly("t0");
    assertThat(stats().getCollectionLoadCount()).as("collection loads").isEqualTo(1);
    assertThat(collectionPuts(type)).as("cache puts").isEqualTo(mode.isPutEnabled() ? 1 : 0);
    assertThat(cache().containsCollection(role(type), id)).as("cached")
        .isEqualTo(mode.isPutEnabled());
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("modesButGetAndTypes")
  void collection_uncached_thenNormalReads_areCached(CacheMode mode,
      Class<? extends Named> type) {
    long id = uncachedRow(type);
    assertThat(tagsIn(mode, type, id)).containsExactly("t0");
    assertThat(tagsIn(CacheMode.NORMAL, type, id)).containsExactly("t0");
    assertCollectionServedFromTheCache(type, id, "t0");
  }

  // ---- the natural id (Hibernate reads and puts resolutions in every mode)

  @ParameterizedTest(name = "{0}")
  @MethodSource("types")
  void naturalId_cached_isResolvedWithoutSqlUnderGet(Class<? extends Named> type) {
    long id = cachedRow(type);
    stats().clear();
    assertThat(idByCode(CacheMode.GET, type, "code-" + id)).isEqualTo(id);
    assertThat(stats().getNaturalIdCacheHitCount()).as("natural-id cache hits").isEqualTo(1);
    assertThat(stats().getPrepareStatementCount()).as("statements").isZero();
  }

  // ---- writes in each mode: what they leave in the cache once committed

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("writableAccessesModesAndTypes")
  void update_inEachMode_leavesNoOldValueCached(AccessType access, CacheMode mode,
      Class<? extends Named> type) {
    long id = cachedRow(access, type);
    write(access, mode, s -> s.find(type, id, mode).setName("v2"));
    assertReadsAfterAWrite(access, type, id, "v2");
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("writableAccessesModesAndTypes")
  void delete_inEachMode_leavesNothingCached(AccessType access, CacheMode mode,
      Class<? extends Named> type) {
    long id = cachedRow(access, type);
    write(access, mode, s -> s.remove(s.find(type, id, mode)));
    assertThat(cache(access).containsEntity(type, id)).as("cached").isFalse();
    for (int i = 0; i < 2; i++) {
      assertThat(nameIn(access, CacheMode.NORMAL, type, id)).as("read %d", i).isNull();
    }
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("writableAccessesModesAndTypes")
  void collectionChange_inEachMode_leavesNoOldCollectionCached(AccessType access,
      CacheMode mode, Class<? extends Named> type) {
    long id = cachedRow(access, type);
    write(access, mode, s -> s.find(type, id, mode).getTags().add("t1"));
    assertThat(cache(access).containsCollection(role(type), id)).as("cached").isFalse();
    for (int i = 0; i < 2; i++) {
      assertThat(tagsIn(access, CacheMode.NORMAL, type, id)).as("read %d", i)
          .containsExactlyInAnyOrder("t0", "t1");
    }
    assertThat(cache(access).containsCollection(role(type), id)).as("cached again").isTrue();
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("writableAccessesModesAndTypes")
  void naturalIdChange_inEachMode_leavesNoOldResolutionCached(AccessType access,
      CacheMode mode, Class<? extends Named> type) {
    long id = cachedRow(access, type);
    assertThat(idByCode(access, CacheMode.NORMAL, type, "code-" + id)).isEqualTo(id);
    write(access, mode, s -> s.find(type, id, mode).setCode("new-" + id));
    for (int i = 0; i < 2; i++) {
      assertThat(idByCode(access, CacheMode.NORMAL, type, "code-" + id)).as("old, read %d", i)
          .isNull();
      assertThat(idByCode(access, CacheMode.NORMAL, type, "new-" + id)).as("new, read %d", i)
          .isEqualTo(id);
    }
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("persistCases")
  void persist_inEachMode_isCachedOnlyWhereTheModePuts(AccessType access, CacheMode mode,
      Class<? extends Named> type) {
    long id = IDS.incrementAndGet();
    write(access, mode, s -> s.persist(newRow(type, id, "v1")));
    assertThat(cache(access).containsEntity(type, id)).as("cached")
        .isEqualTo(mode.isPutEnabled());
    assertReadsAfterAWrite(access, type, id, "v1");
  }

  // ---- the eviction APIs: the next read goes to the database, and its value is cached again

  @ParameterizedTest(name = "{0}")
  @MethodSource("types")
  void jpaEvict_ofOneEntity_makesTheNextReadLoadIt(Class<? extends Named> type) {
    long id = cachedRow(type);
    long other = cachedRow(type);
    changeBehind(type, id, "behind", false);
    changeBehind(type, other, "behind", false);
    jpaCache().evict(type, id);
    assertThat(jpaCache().contains(type, id)).as("evicted").isFalse();
    assertThat(jpaCache().contains(type, other)).as("another").isTrue();
    assertLoadedThenCached(type, id, "behind");
    assertThat(nameIn(CacheMode.NORMAL, type, other)).as("another").isEqualTo("v1");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("types")
  void jpaEvict_ofAClass_makesTheNextReadOfEachLoadIt(Class<? extends Named> type) {
    evictingAllOf(type, () -> jpaCache().evict(type));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("types")
  void jpaEvictAll_makesTheNextReadLoad(Class<? extends Named> type) {
    evictingAllOf(type, () -> jpaCache().evictAll());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("types")
  void evictEntityData_ofOneEntity_makesTheNextReadLoadIt(Class<? extends Named> type) {
    long id = cachedRow(type);
    changeBehind(type, id, "behind", false);
    cache().evictEntityData(type, id);
    assertThat(cache().containsEntity(type, id)).as("evicted").isFalse();
    assertLoadedThenCached(type, id, "behind");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("types")
  void evictEntityData_ofAClass_makesTheNextReadOfEachLoadIt(Class<? extends Named> type) {
    evictingAllOf(type, () -> cache().evictEntityData(type));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("types")
  void evictCollectionData_ofOneOwner_makesTheNextReadLoadIt(Class<? extends Named> type) {
    long id = cachedRow(type);
    long other = cachedRow(type);
    addTagBehind(type, id, "t1");
    addTagBehind(type, other, "t1");
    assertThat(tagsIn(CacheMode.NORMAL, type, id)).as("still cached").containsExactly("t0");
    cache().evictCollectionData(role(type), id);
    assertThat(cache().containsCollection(role(type), id)).as("evicted").isFalse();
    assertThat(cache().containsCollection(role(type), other)).as("another").isTrue();
    stats().clear();
    assertThat(tagsIn(CacheMode.NORMAL, type, id)).containsExactlyInAnyOrder("t0", "t1");
    assertThat(stats().getCollectionLoadCount()).as("collection loads").isEqualTo(1);
    assertCollectionServedFromTheCache(type, id, "t0", "t1");
  }

  /**
   * Only the next lookup is checked: that the resolution is cached again, once the new generation
   * has settled, is {@link RegionClearTest}'s.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("types")
  void evictNaturalIdData_makesTheNextLookupResolveInTheDatabase(Class<? extends Named> type) {
    long id = cachedRow(type);
    String code = "code-" + id;
    assertThat(idByCode(CacheMode.NORMAL, type, code)).isEqualTo(id);
    cache().evictNaturalIdData(type);
    stats().clear();
    assertThat(idByCode(CacheMode.NORMAL, type, code)).isEqualTo(id);
    assertThat(stats().getNaturalIdCacheHitCount()).as("natural-id cache hits").isZero();
    assertThat(stats().getPrepareStatementCount()).as("statements").isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("types")
  void evictAllRegions_makesTheNextReadOfEachKindLoad(Class<? extends Named> type) {
    long id = cachedRow(type);
    String code = "code-" + id;
    changeBehind(type, id, "behind", false);
    addTagBehind(type, id, "t1");
    assertThat(idByCode(CacheMode.NORMAL, type, code)).isEqualTo(id);
    cache().evictAllRegions();
    assertThat(cache().containsEntity(type, id)).as("entity evicted").isFalse();
    assertThat(cache().containsCollection(role(type), id)).as("collection evicted").isFalse();
    stats().clear();
    assertThat(idByCode(CacheMode.NORMAL, type, code)).isEqualTo(id);
    assertThat(stats().getNaturalIdCacheHitCount()).as("natural-id cache hits").isZero();
    assertLoadedThenCachedAgain(type, id, "behind");
    stats().clear();
    assertThat(tagsIn(CacheMode.NORMAL, type, id)).containsExactlyInAnyOrder("t0", "t1");
    assertThat(stats().getCollectionLoadCount()).as("collection loads").isEqualTo(1);
    assertCachedWithinTwoLoads(() -> collectionHits(type) == 1,
        () -> assertThat(tagsIn(CacheMode.NORMAL, type, id)).containsExactlyInAnyOrder("t0",
            "t1"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("types")
  void contains_isTrueExactlyWhileAValueIsServed(Class<? extends Named> type) {
    long id = uncachedRow(type);
    assertThat(jpaCache().contains(type, id)).as("never read").isFalse();
    assertThat(nameIn(CacheMode.NORMAL, type, id)).isEqualTo("v1");
    assertThat(jpaCache().contains(type, id)).as("read").isTrue();
    jpaCache().evict(type, id);
    assertThat(jpaCache().contains(type, id)).as("evicted").isFalse();
    assertThat(nameIn(CacheMode.NORMAL, type, id)).isEqualTo("v1");
    assertThat(jpaCache().contains(type, id)).as("read again").isTrue();
    write(AccessType.READ_WRITE, CacheMode.GET,
        s -> s.find(type, id, CacheMode.GET).setName("v2"));
    assertThat(jpaCache().contains(type, id)).as("invalidated by an update").isFalse();
    assertThat(nameIn(CacheMode.NORMAL, type, id)).isEqualTo("v2");
    assertThat(jpaCache().contains(type, id)).as("read after the update").isTrue();
    jpaCache().evict(type);
    assertThat(jpaCache().contains(type, id)).as("its class evicted").isFalse();
    assertThat(jpaCache().contains(type, 1_000_000_000L + id)).as("no such row").isFalse();
  }

  // ---- bugs found (disabled, not committed)

  @ParameterizedTest(name = "{0}")
  @MethodSource("types")
  void get_missOfAnEntity_doesNotKeepTheNextNormalReadFromCachingIt(Class<? extends Named> type) {
    long id = uncachedRow(type);
    assertThat(nameIn(CacheMode.GET, type, id)).isEqualTo("v1");
    assertThat(nameIn(CacheMode.NORMAL, type, id)).isEqualTo("v1");
    assertServedFromTheCache(type, id, "v1");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("types")
  void get_missOfACollection_doesNotKeepTheNextNormalReadFromCachingIt(
      Class<? extends Named> type) {
    long id = uncachedRow(type);
    assertThat(tagsIn(CacheMode.GET, type, id)).containsExactly("t0");
    assertThat(tagsIn(CacheMode.NORMAL, type, id)).containsExactly("t0");
    assertCollectionServedFromTheCache(type, id, "t0");
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("writableAccessesAndTypes")
  void persist_inGetMode_doesNotKeepTheNextNormalReadFromCachingIt(AccessType access,
      Class<? extends Named> type) {
    long id = IDS.incrementAndGet();
    write(access, CacheMode.GET, s -> s.persist(newRow(type, id, "v1")));
    assertThat(cache(access).containsEntity(type, id)).as("cached").isFalse();
    assertReadsAfterAWrite(access, type, id, "v1");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("types")
  void persist_transactional_inNormalMode_isCached(Class<? extends Named> type) {
    long id = IDS.incrementAndGet();
    write(AccessType.TRANSACTIONAL, CacheMode.NORMAL, s -> s.persist(newRow(type, id, "v1")));
    assertThat(cache(AccessType.TRANSACTIONAL).containsEntity(type, id)).as("cached").isTrue();
    assertReadsAfterAWrite(AccessType.TRANSACTIONAL, type, id, "v1");
  }

  /**
   * REFRESH forces a refresh "even when an entry with the same key already exists" (its javadoc):
   * here the row changed behind the cache without a new version (or has none).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("types")
  void refresh_ofARowChangedBehindTheCache_replacesTheCachedValue(Class<? extends Named> type) {
    long id = cachedRow(type);
    changeBehind(type, id, "behind", false);
    assertThat(nameIn(CacheMode.NORMAL, type, id)).as("still cached").isEqualTo("v1");
    assertThat(nameIn(CacheMode.REFRESH, type, id)).isEqualTo("behind");
    assertThat(nameIn(CacheMode.NORMAL, type, id)).as("after the refresh").isEqualTo("behind");
    assertServedFromTheCache(type, id, "behind");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("types")
  void refresh_ofACollectionChangedBehindTheCache_replacesTheCachedCollection(
      Class<? extends Named> type) {
    long id = cachedRow(type);
    addTagBehind(type, id, "t1");
    assertThat(tagsIn(CacheMode.NORMAL, type, id)).as("still cached").containsExactly("t0");
    assertThat(tagsIn(CacheMode.REFRESH, type, id)).containsExactlyInAnyOrder("t0", "t1");
    assertThat(tagsIn(CacheMode.NORMAL, type, id)).as("after the refresh")
        .containsExactlyInAnyOrder("t0", "t1");
    assertCollectionServedFromTheCache(type, id, "t0", "t1");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("types")
  void evictingARegion_theNextLoadCachesAgain(Class<? extends Named> type) {
    long id = cachedRow(type);
    cache().evictEntityData(type);
    assertLoadedThenCached(type, id, "v1");
    cache().evictCollectionData(role(type));
    stats().clear();
    assertThat(tagsIn(CacheMode.NORMAL, type, id)).containsExactly("t0");
    assertThat(stats().getCollectionLoadCount()).as("collection loads").isEqualTo(1);
    assertCollectionServedFromTheCache(type, id, "t0");
  }

  // ---- scenarios and assertions shared by several tests

  /**
   * Evicts every entity of {@code type}: two rows, changed behind the cache, are loaded again by
   * their next reads and cached again.
   */
  private void evictingAllOf(Class<? extends Named> type, Runnable evict) {
    long id = cachedRow(type);
    long other = cachedRow(type);
    changeBehind(type, id, "behind", false);
    changeBehind(type, other, "behind too", false);
    evict.run();
    assertThat(cache().containsEntity(type, id)).as("evicted").isFalse();
    assertThat(cache().containsEntity(type, other)).as("evicted").isFalse();
    assertLoadedThenCachedAgain(type, id, "behind");
    assertLoadedThenCachedAgain(type, other, "behind too");
  }

  /** The next NORMAL read loads the row; the one after it is served by the cache. */
  private void assertLoadedThenCached(Class<? extends Named> type, long id, String expected) {
    assertLoaded(type, id, expected);
    assertServedFromTheCache(type, id, expected);
  }

  /**
   * The next NORMAL read loads the row, and it is cached again by the second load at the latest:
   * after a region is evicted, the first read of an unversioned key leaves a tombstone in the
   * place of the stale value, which refuses that read's put.
   */
  private void assertLoadedThenCachedAgain(Class<? extends Named> type, long id,
      String expected) {
    assertLoaded(type, id, expected);
    assertCachedWithinTwoLoads(() -> entityHits(type) == 1,
        () -> assertThat(nameIn(CacheMode.NORMAL, type, id)).isEqualTo(expected));
  }

  private void assertLoaded(Class<? extends Named> type, long id, String expected) {
    stats().clear();
    assertThat(nameIn(CacheMode.NORMAL, type, id)).as("loaded").isEqualTo(expected);
    assertThat(entityHits(type)).as("cache hits").isZero();
    assertThat(stats().getPrepareStatementCount()).as("statements").isEqualTo(1);
  }

  /** Runs {@code read} until {@code hit} says it was served by the cache: three times at most. */
  private void assertCachedWithinTwoLoads(BooleanSupplier hit, Runnable read) {
    for (int i = 0; i < 3; i++) {
      stats().clear();
      read.run();
      if (hit.getAsBoolean()) {
        return;
      }
    }
    throw new AssertionError("not cached again after two more loads");
  }

  private void assertServedFromTheCache(Class<? extends Named> type, long id, String expected) {
    stats().clear();
    assertThat(nameIn(CacheMode.NORMAL, type, id)).as("served").isEqualTo(expected);
    assertThat(entityHits(type)).as("cache hits").isEqualTo(1);
    assertThat(stats().getPrepareStatementCount()).as("statements").isZero();
  }

  private void assertCollectionServedFromTheCache(Class<? extends Named> type, long id,
      String... expected) {
    stats().clear();
    assertThat(tagsIn(CacheMode.NORMAL, type, id)).containsExactlyInAnyOrder(expected);
    assertThat(collectionHits(type)).as("cache hits").isEqualTo(1);
    assertThat(stats().getCollectionLoadCount()).as("collection loads").isZero();
  }

  /**
   * After a committed write, NORMAL reads return {@code expected}, from the cache at the latest
   * from the second read on.
   */
  private void assertReadsAfterAWrite(AccessType access, Class<? extends Named> type, long id,
      String expected) {
    assertThat(nameIn(access, CacheMode.NORMAL, type, id)).as("first read").isEqualTo(expected);
    Statistics stats = orm(access).factory.getStatistics();
    stats.clear();
    assertThat(nameIn(access, CacheMode.NORMAL, type, id)).as("second read").isEqualTo(expected);
    assertThat(stats.getEntityStatistics(type.getName()).getCacheHitCount()).as("cache hits")
        .isEqualTo(1);
  }

  // ---- rows

  /** A committed row named v1 with tag t0, whose entity, collection and natural id are cached. */
  private long cachedRow(Class<? extends Named> type) {
    return cachedRow(AccessType.READ_WRITE, type);
  }

  private long cachedRow(AccessType access, Class<? extends Named> type) {
    long id = IDS.incrementAndGet();
    write(access, CacheMode.NORMAL, s -> {
      Named row = newRow(type, id, "v1");
      row.getTags().add("t0");
      s.persist(row);
    });
    // Cached by a load, not by the insert: persist_inEachMode is where inserts are checked.
    cache(access).evictEntityData(type, id);
    assertThat(tagsIn(access, CacheMode.NORMAL, type, id)).containsExactly("t0");
    assertThat(cache(access).containsEntity(type, id)).as("entity cached").isTrue();
    assertThat(cache(access).containsCollection(role(type), id)).as("collection cached").isTrue();
    return id;
  }

  /** A row named v1 with tag t0, inserted behind Hibernate's back: unknown to the cache. */
  private long uncachedRow(Class<? extends Named> type) {
    long id = IDS.incrementAndGet();
    String columns = type == Item.class ? "(id, name, code, version)" : "(id, name, code)";
    String values = "(" + id + ", 'v1', 'code-" + id + "'" + (type == Item.class ? ", 0)" : ")");
    orm(AccessType.READ_WRITE).connections.jdbc(st -> st.executeUpdate(
        "insert into " + RaceScenarios.table(type) + " " + columns + " values " + values));
    addTagBehind(type, id, "t0");
    return id;
  }

  /** Renames a row with plain JDBC; {@code newVersion} also increments an Item's version. */
  private void changeBehind(Class<? extends Named> type, long id, String name,
      boolean newVersion) {
    String version = newVersion && type == Item.class ? ", version = version + 1" : "";
    orm(AccessType.READ_WRITE).connections.jdbc(st -> st.executeUpdate("update "
        + RaceScenarios.table(type) + " set name = '" + name + "'" + version + " where id = "
        + id));
  }

  private void addTagBehind(Class<? extends Named> type, long id, String tag) {
    String table = type.getSimpleName() + "_tags";
    orm(AccessType.READ_WRITE).connections.jdbc(st -> st.executeUpdate("insert into " + table
        + " (" + type.getSimpleName() + "_id, tags) values (" + id + ", '" + tag + "')"));
  }

  private static Named newRow(Class<? extends Named> type, long id, String name) {
    return RaceScenarios.newRow(type, id, name, "code-" + id);
  }

  private static String role(Class<? extends Named> type) {
    return type.getName() + ".tags";
  }

  /** Whether the node holds a value under the entity's key, read without the protocol. */
  private boolean storedOnTheNode(Class<? extends Named> type, long id) {
    Orm orm = orm(AccessType.READ_WRITE);
    SessionFactoryImplementor factory = orm.factory.unwrap(SessionFactoryImplementor.class);
    EntityPersister persister = factory.getMappingMetamodel().getEntityDescriptor(type);
    RingKey key = (RingKey) persister.getCacheAccessStrategy()
        .generateCacheKey(id, persister, factory, null);
    return orm.regionFactory().cache().get(key.bytes()) != null;
  }

  // ---- sessions

  private @Nullable String nameIn(CacheMode mode, Class<? extends Named> type, long id) {
    return nameIn(AccessType.READ_WRITE, mode, type, id);
  }

  private @Nullable String nameIn(AccessType access, CacheMode mode, Class<? extends Named> type,
      long id) {
    return inTx(access, mode, s -> {
      Named row = s.find(type, id, mode);
      return row == null ? null : row.getName();
    });
  }

  private Set<String> tagsIn(CacheMode mode, Class<? extends Named> type, long id) {
    return tagsIn(AccessType.READ_WRITE, mode, type, id);
  }

  private Set<String> tagsIn(AccessType access, CacheMode mode, Class<? extends Named> type,
      long id) {
    return inTx(access, mode, s -> new HashSet<>(s.find(type, id, mode).getTags()));
  }

  private @Nullable Long idByCode(CacheMode mode, Class<? extends Named> type, String code) {
    return idByCode(AccessType.READ_WRITE, mode, type, code);
  }

  private @Nullable Long idByCode(AccessType access, CacheMode mode,
      Class<? extends Named> type, String code) {
    return inTx(access, mode, s -> {
      Named row = s.find(type, code, KeyType.NATURAL);
      return row == null ? null : row.getId();
    });
  }

  private void write(AccessType access, CacheMode mode, Consumer<Session> work) {
    inTx(access, mode, (Session s) -> {
      work.accept(s);
      return null;
    });
  }

  /** Runs {@code work} in a session of {@code mode}, in a transaction that commits. */
  private <T> T inTx(AccessType access, CacheMode mode, Function<Session, T> work) {
    try (Session session = orm(access).factory.openSession()) {
      session.setCacheMode(mode);
      Transaction tx = session.beginTransaction();
      T result = work.apply(session);
      tx.commit();
      return result;
    }
  }

  // ---- the session factories, one per access type, and what they count

  private Orm orm(AccessType access) {
    return orms.computeIfAbsent(access, a -> {
      String name = "cachemode-" + a.getExternalName() + "-" + UUID.randomUUID();
      Orm started = Orm.start(new Orm.Setup("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1",
          "local://" + name, name, a, Map.of()), true);
      started.awaitSettledGenerations(); // as settle() does for the factories started before
      return started;
    });
  }

  private Cache cache() {
    return cache(AccessType.READ_WRITE);
  }

  private Cache cache(AccessType access) {
    return orm(access).factory.getCache();
  }

  private jakarta.persistence.Cache jpaCache() {
    EntityManagerFactory jpa = orm(AccessType.READ_WRITE).factory;
    return jpa.getCache();
  }

  private Statistics stats() {
    return orm(AccessType.READ_WRITE).factory.getStatistics();
  }

  private long entityHits(Class<? extends Named> type) {
    return stats().getEntityStatistics(type.getName()).getCacheHitCount();
  }

  private long entityPuts(Class<? extends Named> type) {
    return stats().getEntityStatistics(type.getName()).getCachePutCount();
  }

  private long collectionHits(Class<? extends Named> type) {
    return stats().getCollectionStatistics(role(type)).getCacheHitCount();
  }

  private long collectionPuts(Class<? extends Named> type) {
    return stats().getCollectionStatistics(role(type)).getCachePutCount();
  }

  // ---- parameters

  static Stream<Class<? extends Named>> types() {
    return Stream.of(Item.class, Note.class);
  }

  static Stream<Arguments> modesAndTypes() {
    return modesAndTypes(mode -> true);
  }

  /**
   * Without GET: a miss in GET mode takes a lease that no put uses, and NORMAL loads cannot put
   * until it expires (up to 2 s); reported as a bug, not asserted here.
   */
  static Stream<Arguments> modesButGetAndTypes() {
    return modesAndTypes(mode -> mode != CacheMode.GET);
  }

  private static Stream<Arguments> modesAndTypes(Predicate<CacheMode> included) {
    List<Arguments> all = new ArrayList<>();
    for (CacheMode mode : MODES) {
      if (included.test(mode)) {
        types().forEach(type -> all.add(Arguments.of(mode, type)));
      }
    }
    return all.stream();
  }

  static Stream<Arguments> writableAccessesAndTypes() {
    return writableAccessesModesAndTypes((access, mode) -> mode == CacheMode.NORMAL)
        .map(a -> Arguments.of(a.get()[0], a.get()[2]));
  }

  static Stream<Arguments> writableAccessesModesAndTypes() {
    return writableAccessesModesAndTypes((access, mode) -> true);
  }

  /**
   * Without GET (its lookup before the insert takes a lease no put uses) and TRANSACTIONAL in
   * NORMAL mode (it publishes the insert after the transaction dropped that lease, so the entity
   * is not cached): both reported as bugs, not asserted here.
   */
  static Stream<Arguments> persistCases() {
    return writableAccessesModesAndTypes((access, mode) -> mode != CacheMode.GET
        && !(access == AccessType.TRANSACTIONAL && mode == CacheMode.NORMAL));
  }

  private static Stream<Arguments> writableAccessesModesAndTypes(
      BiPredicate<AccessType, CacheMode> included) {
    List<Arguments> all = new ArrayList<>();
    for (AccessType access : List.of(AccessType.READ_WRITE, AccessType.NONSTRICT_READ_WRITE,
        AccessType.TRANSACTIONAL)) {
      for (CacheMode mode : MODES) {
        if (included.test(access, mode)) {
          types().forEach(type -> all.add(Arguments.of(access, mode, type)));
        }
      }
    }
    return all.stream();
  }
}
