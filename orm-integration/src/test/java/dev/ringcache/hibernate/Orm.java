package dev.ringcache.hibernate;

import dev.ringcache.hibernate.model.Item;
import dev.ringcache.hibernate.model.Memo;
import dev.ringcache.hibernate.model.Note;
import dev.ringcache.hibernate.model.Plain;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Function;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.Transaction;
import org.hibernate.boot.CacheRegionDefinition;
import org.hibernate.boot.CacheRegionDefinition.CacheRegionType;
import org.hibernate.boot.MetadataBuilder;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistry;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.cache.spi.CacheImplementor;
import org.hibernate.cache.spi.access.AccessType;
import org.hibernate.engine.spi.SessionFactoryImplementor;

/**
 * One application server of a test: a session factory with its own ringcache region factory, its
 * own node clients and its own connection pool, over a database and nodes it shares with the
 * others. Closing it closes all three.
 */
final class Orm implements AutoCloseable {
  final SessionFactory factory;
  final PausableConnections connections;

  private Orm(SessionFactory factory, PausableConnections connections) {
    this.factory = factory;
    this.connections = connections;
  }

  /** The settings of one test setup, shared by its session factories. */
  record Setup(String jdbcUrl, String nodes, String namespace, AccessType access,
      Map<String, Object> extra) {

    Setup with(String key, Object value) {
      Map<String, Object> more = new HashMap<>(extra);
      more.put(key, value);
      return new Setup(jdbcUrl, nodes, namespace, access, more);
    }
  }

  /** The entities of the race tests. */
  private static final List<Class<?>> ENTITIES =
      List.of(Item.class, Note.class, Plain.class, Memo.class);

  /** Starts a session factory; {@code createSchema} drops and creates the tables first. */
  static Orm start(Setup setup, boolean createSchema) {
    return start(setup, createSchema, ENTITIES);
  }

  /** Starts a session factory of {@code entities}. */
  static Orm start(Setup setup, boolean createSchema, List<Class<?>> entities) {
    PausableConnections connections = new PausableConnections(setup.jdbcUrl());
    Map<String, Object> settings = new HashMap<>();
    settings.put("hibernate.connection.provider_class", connections);
    settings.put("hibernate.hbm2ddl.auto", createSchema ? "create" : "none");
    settings.put("hibernate.cache.use_second_level_cache", "true");
    settings.put("hibernate.cache.region.factory_class", "ringcache");
    settings.put("hibernate.cache.query_cache_factory", "ringcache");
    settings.put("jakarta.persistence.sharedCache.mode", "ENABLE_SELECTIVE");
    String strategy = setup.access().getExternalName();
    settings.put("hibernate.cache.default_cache_concurrency_strategy", strategy);
    settings.put("hibernate.generate_statistics", "true");
    settings.put(RingCacheSettings.NODES, setup.nodes());
    settings.put(RingCacheSettings.NAMESPACE, setup.namespace());
    settings.put(RingCacheSettings.GENERATION_CHECK_INTERVAL, "50ms");
    settings.putAll(setup.extra());
    StandardServiceRegistry registry =
        new StandardServiceRegistryBuilder().applySettings(settings).build();
    try {
      MetadataSources sources = new MetadataSources(registry);
      entities.forEach(sources::addAnnotatedClass);
      MetadataBuilder metadata = sources.getMetadataBuilder();
      // The tags collections, cached in the same access type (hibernate.collectioncache.* is
      // read only by the JPA bootstrap).
      for (Class<?> entity : entities) {
        if (entity == Item.class || entity == Note.class) {
          metadata.applyCacheRegionDefinition(new CacheRegionDefinition(
              CacheRegionType.COLLECTION, entity.getName() + ".tags", strategy, null, false));
        }
      }
      SessionFactory factory = metadata.build().buildSessionFactory();
      return new Orm(factory, connections);
    } catch (RuntimeException e) {
      StandardServiceRegistryBuilder.destroy(registry);
      throw e;
    }
  }

  /** Runs {@code work} in a transaction that commits; returns its result. */
  <T> T inTx(Function<Session, T> work) {
    try (Session session = factory.openSession()) {
      Transaction tx = session.beginTransaction();
      try {
        T result = work.apply(session);
        tx.commit();
        return result;
      } catch (RuntimeException e) {
        if (tx.isActive()) {
          tx.rollback();
        }
        throw e;
      }
    }
  }

  /** Runs {@code work} in a transaction, flushes, then rolls back. */
  void inTxRolledBack(Consumer<Session> work) {
    try (Session session = factory.openSession()) {
      Transaction tx = session.beginTransaction();
      work.accept(session);
      session.flush();
      tx.rollback();
    }
  }

  /**
   * Waits until each entity, collection and natural-id region has known its current generation
   * for a whole check interval, as a region clear of this factory needs before values of the
   * generation before are dropped ({@link RegionGeneration#settled()}); fails after 10 s.
   */
  void awaitSettledGenerations() {
    CacheImplementor cache = factory.unwrap(SessionFactoryImplementor.class).getCache();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (String name : cache.getCacheRegionNames()) {
      if (cache.getRegion(name) instanceof RingDomainDataRegion region) {
        while (!region.generation().settled()) {
          if (System.nanoTime() - deadline > 0) {
            throw new AssertionError("the generation of " + name + " did not settle in 10 s");
          }
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // polling, with a deadline
        }
      }
    }
  }

  RingCacheRegionFactory regionFactory() {
    return (RingCacheRegionFactory) factory.unwrap(SessionFactoryImplementor.class)
        .getCache().getRegionFactory();
  }

  @Override
  public void close() {
    factory.close();
  }
}
