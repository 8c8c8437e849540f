package dev.ringcache.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ringcache.hibernate.model.Item;
import dev.ringcache.hibernate.model.Named;
import dev.ringcache.hibernate.model.Note;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.hibernate.CacheMode;
import org.hibernate.cache.spi.access.AccessType;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.persister.entity.EntityPersister;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The races around a region clear that decide when a value of the generation before may be
 * dropped, leaving its key absent (see ProtocolAccess.dropOlderGeneration): a value also holds
 * off puts without a lease of data read before it was written, and none of those may land after
 * the drop and be served. Each race is played by server A, whose generation check interval is
 * 1 s, and server B, which lags behind A's clears: its interval is 3 s, and it has just read its
 * generations when a race begins, as if it had read them just before A's clear. A loader's put is a query's (without a lease); the reader
 * that finds the value of the generation before reads in CacheMode GET (it takes no lease), so
 * nothing but the rules keeps that put out of the emptied key.
 *
 * <p>Each rule was checked by leaving it out: its race then serves the loader's stale value.
 */
class RegionClearRaceTest {
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private Orm a;
  private Orm b;

  private void start() {
    String name = "clear-race-" + UUID.randomUUID();
    Orm.Setup setup = new Orm.Setup("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=30000",
        "local://" + name, name, AccessType.READ_WRITE,
        Map.of(RingCacheSettings.MAX_TRANSACTION, "30s"));
    a = Orm.start(setup.with(RingCacheSettings.GENERATION_CHECK_INTERVAL, "1s"), true);
    b = Orm.start(setup.with(RingCacheSettings.GENERATION_CHECK_INTERVAL, "3s"), false);
    // B's generations settle the moment it reads them again, which it then trusts for 3 s: it
    // puts as a server that has long been running, and lags behind whatever A does meanwhile.
    b.awaitSettledGenerations();
  }

  @AfterEach
  void stop() throws InterruptedException {
    pool.shutdownNow();
    pool.awaitTermination(10, TimeUnit.SECONDS);
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
  }

  static Stream<Class<? extends Named>> types() {
    return Stream.of(Item.class, Note.class);
  }

  /**
   * Rule 1: a transaction that began before A's clear commits an update after it; its unlock
   * must not write its value (of the generation before), which a reader would drop, letting in
   * the put of a load that read the row before the update.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("types")
  void anUpdateSpanningAClear_leavesNoValueWhoseDropLetsAnOlderLoadIn(
      Class<? extends Named> type) throws Exception {
    start();
    long id = cachedRow(type);
    Pause beforeCommit = new Pause();
    Future<?> writer = pool.submit(() -> a.inTx(s -> {
      s.find(type, id).setName("v2");
      beforeCommit.hold();
      return null;
    }));
    beforeCommit.awaitReached();
    a.factory.getCache().evictEntityData(type);
    a.awaitSettledGenerations();
    String loaded = loadAroundWrite(a, type, id, () -> {
      beforeCommit.release();
      await(writer);
      assertThat(nameInGetMode(a, type, id)).isEqualTo("v2");
    });
    assertThat(loaded).as("the loader read before the update").isEqualTo("v1");
    assertBothRead(type, id, "v2");
  }

  /**
   * Rule 2: B, not yet aware of A's clear, commits an update and writes its value under the
   * generation before; a load on A that began just after the clear read the row before that
   * update. Once a reader on A drops B's value, the load's put must not carry the new generation.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("types")
  void aLoadBeganJustAfterAClear_neverPutsOverTheDroppedValueOfALaggingServer(
      Class<? extends Named> type) throws Exception {
    start();
    long id = cachedRow(type);
    a.factory.getCache().evictEntityData(type);
    String loaded = loadAroundWrite(a, type, id, () -> {
      RaceScenarios.rename(b, type, id, "v2");
      assertWrittenUnderTheGenerationBefore(type, id);
      a.awaitSettledGenerations();
      assertThat(nameInGetMode(a, type, id)).isEqualTo("v2");
    });
    assertThat(loaded).as("the loader read before the update").isEqualTo("v1");
    assertBothRead(type, id, "v2");
  }

  /**
   * Rule 3: B, not yet aware of A's clear, loads the row, then commits an update under the
   * generation before. Were a reader on A to drop B's value before the new generation settled,
   * B's load would put the row as it was before the update, and B, still trusting the
   * generation before, would serve it.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("types")
  void aValueOfTheGenerationBefore_isNotDropped_whileAnotherServerMayStillPutUnderIt(
      Class<? extends Named> type) throws Exception {
    start();
    long id = cachedRow(type);
    a.factory.getCache().evictEntityData(type);
    String loaded = loadAroundWrite(b, type, id, () -> {
      RaceScenarios.rename(b, type, id, "v2");
      assertWrittenUnderTheGenerationBefore(type, id);
      assertThat(nameInGetMode(a, type, id)).isEqualTo("v2");
    });
    assertThat(loaded).as("the loader read before the update").isEqualTo("v1");
    for (int i = 0; i < 3; i++) {
      assertThat(RaceScenarios.nameIn(b, type, id)).as("read %d on B", i).isEqualTo("v2");
    }
  }

  /** A row v1, committed by B and read by both: cached under the current generation. */
  private long cachedRow(Class<? extends Named> type) {
    long id = 1;
    b.inTx(s -> {
      s.persist(RaceScenarios.newRow(type, id, "v1", "code-1"));
      return null;
    });
    assertBothRead(type, id, "v1");
    return id;
  }

  /**
   * Runs a query for the row on {@code loader} in another thread, held after its read of the
   * table; runs {@code write} meanwhile; then lets the query put what it read (without a lease).
   */
  private String loadAroundWrite(Orm loader, Class<? extends Named> type, long id,
      Runnable write) throws Exception {
    Pause afterRead = new Pause();
    Future<String> load = pool.submit((Callable<String>) () -> {
      loader.connections.pauseAtFirstValueOf(RaceScenarios.table(type), afterRead);
      return loader.inTx(s -> s.createSelectionQuery(
          "from " + type.getSimpleName() + " where id = :id", type).setParameter("id", id)
          .getSingleResult().getName());
    });
    afterRead.awaitReached();
    try {
      write.run();
    } finally {
      afterRead.release();
    }
    return load.get(30, TimeUnit.SECONDS);
  }

  /** A read that takes no lease: it finds the value of the generation before, and drops it. */
  private static @Nullable String nameInGetMode(Orm orm, Class<? extends Named> type, long id) {
    return orm.inTx(s -> {
      s.setCacheMode(CacheMode.GET);
      Named row = s.find(type, id, CacheMode.GET);
      return row == null ? null : row.getName();
    });
  }

  /** That the race happened: B's update left a value under the generation before A's clear. */
  private void assertWrittenUnderTheGenerationBefore(Class<? extends Named> type, long id) {
    SessionFactoryImplementor factory = a.factory.unwrap(SessionFactoryImplementor.class);
    EntityPersister persister = factory.getMappingMetamodel().getEntityDescriptor(type);
    RingKey key = (RingKey) persister.getCacheAccessStrategy()
        .generateCacheKey(id, persister, factory, null);
    byte[] stored = a.regionFactory().cache().get(key.bytes());
    RingDomainDataRegion region = (RingDomainDataRegion) factory.getCache()
        .getRegion(persister.getCacheAccessStrategy().getRegion().getName());
    assertThat(stored).as("B's value").isNotNull();
    assertThat(CachedValues.generationOf(stored)).as("the generation of B's value")
        .isLessThan(region.generation().current());
  }

  private void assertBothRead(Class<? extends Named> type, long id, String expected) {
    for (int i = 0; i < 3; i++) {
      assertThat(RaceScenarios.nameIn(a, type, id)).as("read %d on A", i).isEqualTo(expected);
      assertThat(RaceScenarios.nameIn(b, type, id)).as("read %d on B", i).isEqualTo(expected);
    }
  }

  private static void await(Future<?> task) {
    try {
      task.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
