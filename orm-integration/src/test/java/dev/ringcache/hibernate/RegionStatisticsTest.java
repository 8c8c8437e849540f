package dev.ringcache.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ringcache.api.CacheOperation;
import dev.ringcache.api.CacheStatistics;
import dev.ringcache.hibernate.model.Item;
import java.util.Map;
import java.util.UUID;
import org.hibernate.cache.spi.access.AccessType;
import org.hibernate.stat.CacheRegionStatistics;
import org.junit.jupiter.api.Test;

/**
 * Hibernate's per-region statistics view of ringcache's regions (ExtendedStatisticsSupport), and
 * the node metrics tagged by region, on an in-process node.
 */
class RegionStatisticsTest {
  private static final String ITEMS = Item.class.getName();

  @Test
  void regionStatistics_countTheRecordsOfEachRegion_andTheMetricsTagThem() {
    String db = "stats" + UUID.randomUUID();
    CacheStatistics metrics = new CacheStatistics();
    Orm.Setup setup = new Orm.Setup("jdbc:h2:mem:" + db + ";DB_CLOSE_DELAY=-1", "local://" + db,
        db, AccessType.READ_WRITE, Map.of(RingCacheSettings.METRICS, metrics));
    try (Orm orm = Orm.start(setup, true)) {
      CacheRegionStatistics items =
          orm.factory.getStatistics().getDomainDataRegionStatistics(ITEMS);
      assertThat(items.getElementCountInMemory()).as("the region's generation record only")
          .isEqualTo(1);
      long emptySize = items.getSizeInMemory();

      for (long id = 1; id <= 3; id++) {
        long i = id;
        orm.inTx(s -> {
          s.persist(new Item(i, "item" + i, "c" + i));
          return null;
        });
      }
      // A count is kept for a second, so the new one shows within about that.
      long deadline = System.nanoTime() + 10 * RegionUsage.FRESH_NANOS;
      while (items.getElementCountInMemory() != 4 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(items.getElementCountInMemory()).as("three items and the generation")
          .isEqualTo(4);
      assertThat(items.getSizeInMemory()).isGreaterThan(emptySize);
      assertThat(items.getElementCountOnDisk()).isZero();

      long readsBefore = metrics.region(ITEMS).get(CacheOperation.GET_OR_LEASE).count();
      orm.inTx(s -> s.find(Item.class, 1L));
      assertThat(metrics.region(ITEMS).get(CacheOperation.GET_OR_LEASE).count())
          .as("the find, and maybe a check of the generation").isGreaterThan(readsBefore);
      assertThat(metrics.regionNames()).contains(ITEMS);
    }
  }
}
