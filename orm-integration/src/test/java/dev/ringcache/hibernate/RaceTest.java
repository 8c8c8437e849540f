package dev.ringcache.hibernate;

import dev.ringcache.hibernate.model.Item;
import dev.ringcache.hibernate.model.Named;
import dev.ringcache.hibernate.model.Note;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.hibernate.cache.spi.access.AccessType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The races of {@link RaceScenarios} on H2 and an in-process node shared by both servers, for
 * every access type, versioned ({@link Item}) and not ({@link Note}). Θ is 1 s here, so a lock
 * left by a stopped writer expires within the test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RaceTest extends RaceScenarios {
  private static final long TWO_THETA_MILLIS = 2_000;

  private final Map<AccessType, Orm> as = new EnumMap<>(AccessType.class);
  private final Map<AccessType, Orm> bs = new EnumMap<>(AccessType.class);

  private void start(AccessType access) {
    if (as.containsKey(access)) {
      return;
    }
    String name = "race-" + access.getExternalName() + "-" + UUID.randomUUID();
    Orm.Setup setup = new Orm.Setup("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=30000",
        "local://" + name, name, access, Map.of(RingCacheSettings.MAX_TRANSACTION, "1s",
            "hibernate.cache.use_query_cache", "true"));
    as.put(access, Orm.start(setup, true));
    bs.put(access, Orm.start(setup, false));
  }

  @Override
  Orm a(AccessType access) {
    start(access);
    return as.get(access);
  }

  @Override
  Orm b(AccessType access) {
    start(access);
    return bs.get(access);
  }

  @AfterAll
  void stop() throws InterruptedException {
    shutdownPool();
    as.values().forEach(Orm::close);
    bs.values().forEach(Orm::close);
  }

  /** Access types that allow updates, each with a versioned and an unversioned entity. */
  static Stream<Arguments> writable() {
    List<Arguments> all = new ArrayList<>();
    for (AccessType access : List.of(AccessType.READ_WRITE, AccessType.NONSTRICT_READ_WRITE,
        AccessType.TRANSACTIONAL)) {
      for (Class<? extends Named> type : List.of(Item.class, Note.class)) {
        all.add(Arguments.of(access, type));
      }
    }
    return all.stream();
  }

  /** Every access type, READ_ONLY included. */
  static Stream<Arguments> every() {
    return Stream.concat(writable(), Stream.of(Arguments.of(AccessType.READ_ONLY, Item.class),
        Arguments.of(AccessType.READ_ONLY, Note.class)));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("writable")
  void stalePut_afterAnUpdateCommits(AccessType access, Class<? extends Named> type)
      throws Exception {
    stalePut_afterAnUpdateCommits_isRefused(access, type);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("every")
  void stalePut_afterADeleteCommits(AccessType access, Class<? extends Named> type)
      throws Exception {
    stalePut_afterADeleteCommits_isRefused(access, type);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("writable")
  void stalePut_ofAQueryLoadedRow(AccessType access, Class<? extends Named> type)
      throws Exception {
    stalePut_ofAQueryLoadedRow_isRefused(access, type);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("writable")
  void rolledBackUpdate(AccessType access, Class<? extends Named> type) throws Exception {
    rolledBackUpdate_isNeverVisible(access, type);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("every")
  void rolledBackInsert(AccessType access, Class<? extends Named> type) {
    rolledBackInsert_isNeverVisible(access, type);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("writable")
  void twoUpdaters_oneRollingBack(AccessType access, Class<? extends Named> type)
      throws Exception {
    twoUpdaters_oneRollingBack_leaveTheCommittedValue(access, type);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("writable")
  void collectionLoad_aroundAnAddition(AccessType access, Class<? extends Named> type)
      throws Exception {
    collectionLoad_aroundAnAddition_isRefused(access, type);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("writable")
  void naturalIdLoad_aroundAChange(AccessType access, Class<? extends Named> type)
      throws Exception {
    naturalIdLoad_aroundAChange_isRefused(access, type);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("every")
  void load_aroundABulkUpdate(AccessType access, Class<? extends Named> type) throws Exception {
    load_aroundABulkUpdate_isRefused(access, type);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("every")
  void cachedValue_afterABulkUpdate(AccessType access, Class<? extends Named> type) {
    cachedValue_afterABulkUpdate_isNotServed(access, type);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("every")
  void bulkUpdate_rolledBack(AccessType access, Class<? extends Named> type) throws Exception {
    bulkUpdate_rolledBack_leavesNoValueItLoaded(access, type);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("every")
  void transactionOlderThanTheta(AccessType access, Class<? extends Named> type) {
    transactionOlderThanTheta_putsNothing(access, type, TWO_THETA_MILLIS / 2);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("writable")
  void updateThenDelete_inOneTransaction(AccessType access, Class<? extends Named> type) {
    updateThenDelete_inOneTransaction_leavesNoValue(access, type);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("writable")
  void twoFlushes_theSecondInvalidating(AccessType access, Class<? extends Named> type) {
    twoFlushes_theSecondInvalidating_neverServeTheFirst(access, type);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("writable")
  void naturalId_cachedFromAnEntityLoad(AccessType access, Class<? extends Named> type)
      throws Exception {
    naturalId_cachedFromAnEntityLoad_aroundAChange_isRefused(access, type);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = AccessType.class, names = {"READ_WRITE", "NONSTRICT_READ_WRITE",
      "TRANSACTIONAL"})
  void optimisticLockFailure(AccessType access) throws Exception {
    optimisticLockFailure_leavesNoCollectionLockBehind(access);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = AccessType.class, names = {"READ_WRITE", "TRANSACTIONAL"})
  void dynamicUpdate_ofAStaleCopy(AccessType access) throws Exception {
    dynamicUpdate_ofAStaleCopy_isNotWrittenThrough(access);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("every")
  void load_aroundAnEviction(AccessType access, Class<? extends Named> type) throws Exception {
    load_aroundAnEviction_isRefused(access, type);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("writable")
  void updateWithCacheModeIgnore(AccessType access, Class<? extends Named> type) {
    updateWithCacheModeIgnore_invalidates(access, type);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("writable")
  void writerStoppedAfterCommit(AccessType access, Class<? extends Named> type)
      throws Exception {
    writerStoppedAfterCommit_neverLetsTheOldValueBeRead(access, type, TWO_THETA_MILLIS);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("writable")
  void ownChange_reloadedInItsTransaction(AccessType access, Class<? extends Named> type) {
    ownChange_reloadedInItsTransaction_isSeenThereAndNeverCached(access, type);
  }

  /** The query cache: it does not depend on the access type, so a few are enough. */
  static Stream<Arguments> queries() {
    return Stream.of(Arguments.of(AccessType.READ_WRITE, Item.class),
        Arguments.of(AccessType.NONSTRICT_READ_WRITE, Note.class),
        Arguments.of(AccessType.TRANSACTIONAL, Item.class));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("queries")
  void queryCache_afterAnUpdateOnTheOtherServer(AccessType access, Class<? extends Named> type) {
    queryResult_afterAnUpdateOnTheOtherServer_isNotServed(access, type);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("queries")
  void queryCache_readBeforeAnUpdateCommits(AccessType access, Class<? extends Named> type)
      throws Exception {
    queryResult_readBeforeAnUpdateCommits_isNotServed(access, type);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("queries")
  void queryCache_afterARolledBackUpdate(AccessType access, Class<? extends Named> type) {
    queryResult_afterARolledBackUpdate_isTheCommittedOne(access, type);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("queries")
  void queryCache_afterABulkUpdate(AccessType access, Class<? extends Named> type) {
    queryResult_afterABulkUpdate_isNotServed(access, type);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("queries")
  void queryCache_ofAnOpenTransaction(AccessType access, Class<? extends Named> type) {
    queryResult_ofAnOpenTransaction_isNotServedToOthers(access, type);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("queries")
  void queryCache_whileAWriterIsStoppedAfterCommit(AccessType access,
      Class<? extends Named> type) throws Exception {
    queryResult_whileAWriterIsStoppedAfterCommit_isNeverTheOldOne(access, type, TWO_THETA_MILLIS);
  }
}
