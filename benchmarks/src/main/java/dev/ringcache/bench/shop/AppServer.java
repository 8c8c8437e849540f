package dev.ringcache.bench.shop;

import dev.ringcache.api.CacheStatistics;
import dev.ringcache.bench.shop.model.Category;
import dev.ringcache.bench.shop.model.Customer;
import dev.ringcache.bench.shop.model.OrderLine;
import dev.ringcache.bench.shop.model.Product;
import dev.ringcache.bench.shop.model.PurchaseOrder;
import dev.ringcache.bench.shop.model.Stock;
import dev.ringcache.hibernate.RingCacheRegionFactory;
import dev.ringcache.hibernate.RingCacheSettings;
import java.sql.Connection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hibernate.SessionFactory;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistry;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.jspecify.annotations.Nullable;

/**
 * One application server of the shop: a SessionFactory with its own connection pool and, with
 * the cache, its own ringcache region factory and node clients, over the database and the cache
 * nodes it shares with the other server. Two of them in one JVM stand for two JVMs: they share
 * nothing but the database and the nodes (the default in-process node is shared by name).
 *
 * <p>Closing it closes the SessionFactory, which stops the region factory and its node clients.
 * Thread-safe, as a SessionFactory is.
 */
final class AppServer implements AutoCloseable {
  /** The namespace of every cache key of the demo. */
  static final String NAMESPACE = "shop-demo";
  /** The region of the cached catalog query. */
  static final String CATALOG_REGION = "shop.catalog";
  static final List<Class<?>> ENTITIES = List.of(Category.class, Product.class, Stock.class,
      Customer.class, PurchaseOrder.class, OrderLine.class);

  final int index;
  final SessionFactory factory;

  private AppServer(int index, SessionFactory factory) {
    this.index = index;
    this.factory = factory;
  }

  /**
   * Starts application server {@code index}. {@code createSchema} drops and creates the shop's
   * tables first; {@code metrics} (with the cache only) receives what the node layer does.
   */
  static AppServer start(int index, ShopSetup setup, boolean cached, boolean createSchema,
      @Nullable CacheStatistics metrics) {
    Map<String, Object> settings = new HashMap<>();
    settings.put("hibernate.connection.url", setup.database().url());
    settings.put("hibernate.connection.pool_size", setup.threadsOf(index) + 1);
    settings.put("hibernate.connection.isolation", Connection.TRANSACTION_READ_COMMITTED);
    settings.put("hibernate.hbm2ddl.auto", createSchema ? "create" : "none");
    settings.put("hibernate.jdbc.batch_size", 50);
    settings.put("hibernate.order_inserts", true);
    // Updates in primary-key order: two orders lock the stock rows they share in the same order.
    settings.put("hibernate.order_updates", true);
    settings.put("hibernate.generate_statistics", true);
    settings.put("jakarta.persistence.sharedCache.mode", "ENABLE_SELECTIVE");
    if (cached) {
      settings.put("hibernate.cache.use_second_level_cache", true);
      settings.put("hibernate.cache.region.factory_class", "ringcache");
      settings.put("hibernate.cache.use_query_cache", true);
      settings.put("hibernate.cache.query_cache_factory", "ringcache");
      settings.put(RingCacheSettings.NAMESPACE, NAMESPACE);
      if (setup.options().nodes() != null) {
        settings.put(RingCacheSettings.NODES, setup.options().nodes());
      }
      if (setup.options().placement() != null) {
        settings.put(RingCacheSettings.PLACEMENT, setup.options().placement());
      }
      if (metrics != null) {
        settings.put(RingCacheSettings.METRICS, metrics);
      }
    } else {
      settings.put("hibernate.cache.use_second_level_cache", false);
      settings.put("hibernate.cache.use_query_cache", false);
    }
    StandardServiceRegistry registry =
        new StandardServiceRegistryBuilder().applySettings(settings).build();
    try {
      MetadataSources sources = new MetadataSources(registry);
      ENTITIES.forEach(sources::addAnnotatedClass);
      return new AppServer(index, sources.buildMetadata().buildSessionFactory());
    } catch (RuntimeException e) {
      StandardServiceRegistryBuilder.destroy(registry);
      throw e;
    }
  }

  /**
   * Forgets what an earlier run left on shared nodes, whose rows this run has replaced behind the
   * cache's back: a new generation of every region, and the catalog query's results, which
   * {@code evictAllRegions} does not reach before a query of this factory has used their region.
   */
  void forgetEarlierRuns() {
    factory.getCache().evictAllRegions();
    factory.getCache().evictQueryRegion(CATALOG_REGION);
  }

  /** ringcache's region factory of this server; only with the cache. */
  RingCacheRegionFactory regionFactory() {
    return (RingCacheRegionFactory) factory.unwrap(SessionFactoryImplementor.class).getCache()
        .getRegionFactory();
  }

  @Override
  public void close() {
    factory.close();
  }
}
