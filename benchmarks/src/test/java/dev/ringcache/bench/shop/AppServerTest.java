package dev.ringcache.bench.shop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ringcache.api.ShardedCache;
import dev.ringcache.bench.shop.model.Category;
import dev.ringcache.bench.shop.model.Product;
import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.hibernate.Session;
import org.junit.jupiter.api.Test;

class AppServerTest {
  /**
   * A run of the demo over nodes an earlier run used (two runs with the same {@code --nodes})
   * seeds its rows behind the cache's back: the earlier run's cached catalog pages must not be
   * served. Hibernate's {@code evictAllRegions} alone misses them, as the catalog's query region
   * does not exist in a factory before its first query.
   */
  @Test
  void forgetEarlierRuns_dropsTheCatalogPagesAnEarlierRunCached() throws Exception {
    String db = "jdbc:h2:mem:appserver-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    // Holding the in-process node open keeps its records from one server to the next, as a
    // Redis server would.
    try (ShopDatabase database = ShopDatabase.open(db);
        ShardedCache node = ShardedCache.builder().nodes("local://" + AppServer.NAMESPACE)
            .build()) {
      ShopSetup setup = new ShopSetup(ShopOptions.defaults(), database);
      try (AppServer schema = AppServer.start(0, setup, false, true, null)) {
        inTx(schema, s -> {
          Category books = new Category(1L, "books");
          s.persist(books);
          s.persist(new Product(1L, "first run", books, BigDecimal.ONE, "r1"));
        });
      }
      try (AppServer earlier = AppServer.start(0, setup, true, false, null)) {
        // A write through the cache: the query cache trusts a table only once it has a stamp.
        inTx(earlier, s -> s.find(Product.class, 1L).reprice(BigDecimal.TEN, "r2"));
        // The first query creates the region; a session older than that puts nothing in it.
        for (int i = 0; i < 3; i++) {
          assertThat(catalogNames(earlier)).containsExactly("first run");
        }
        assertThat(earlier.factory.getStatistics().getQueryCacheHitCount()).as("cached").isOne();
      }
      try (AppServer reseeding = AppServer.start(0, setup, false, false, null)) {
        inTx(reseeding, s -> s.createNativeMutationQuery(
            "update shop_product set name = 'second run' where id = 1").executeUpdate());
      }
      try (AppServer later = AppServer.start(0, setup, true, false, null)) {
        later.forgetEarlierRuns();
        assertThat(catalogNames(later)).containsExactly("second run");
      }
    }
  }

  private static List<String> catalogNames(AppServer server) {
    try (Session session = server.factory.openSession()) {
      return ShopWorker.catalogPage(session, 1L).getResultList().stream()
          .map(Product::getName).toList();
    }
  }

  private static void inTx(AppServer server, Consumer<Session> work) {
    try (Session session = server.factory.openSession()) {
      session.beginTransaction();
      work.accept(session);
      session.getTransaction().commit();
    }
  }
}
