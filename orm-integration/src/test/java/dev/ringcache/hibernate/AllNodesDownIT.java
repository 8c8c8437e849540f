package dev.ringcache.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ringcache.api.testing.TestServer;
import dev.ringcache.api.testing.TestServers;
import dev.ringcache.hibernate.model.Item;
import java.util.Map;
import java.util.UUID;
import org.hibernate.cache.spi.access.AccessType;
import org.hibernate.stat.CacheRegionStatistics;
import org.junit.jupiter.api.Test;

/**
 * With every node down, the application starts and works at database speed: no exception from
 * the cache reaches it. When the nodes come back, values are cached again.
 */
class AllNodesDownIT {
  @Test
  void sessionFactory_startsAndWorks_withEveryNodeDown_andCachesOnceTheyReturn() {
    try (TestServer redis = TestServers.redis().start();
        TestServer memcached = TestServers.memcached().start()) {
      redis.kill();
      memcached.kill();
      String name = "down-" + UUID.randomUUID();
      Orm.Setup setup = new Orm.Setup("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1",
          redis.uri() + "," + memcached.uri(), name, AccessType.READ_WRITE,
          Map.of(RingCacheSettings.PROBE_INTERVAL, "100ms",
              RingCacheSettings.MAX_TRANSACTION, "1s"));
      try (Orm orm = Orm.start(setup, true)) {
        for (long id = 1; id <= 20; id++) {
          long i = id;
          orm.inTx(s -> {
            s.persist(new Item(i, "v1", "c" + i));
            return null;
          });
          RaceScenarios.rename(orm, Item.class, id, "v2");
          assertThat(RaceScenarios.nameIn(orm, Item.class, id)).isEqualTo("v2");
          orm.inTx(s -> {
            s.remove(s.find(Item.class, i));
            return null;
          });
        }
        orm.factory.getCache().evictAllRegions();
        assertThat(orm.factory.getStatistics().getSecondLevelCacheHitCount()).isZero();
        assertThat(orm.factory.getStatistics().getDomainDataRegionStatistics(Item.class.getName())
            .getElementCountInMemory()).as("no node can tell")
            .isEqualTo(CacheRegionStatistics.NO_EXTENDED_STAT_SUPPORT_RETURN);

        redis.restart();
        memcached.restart();
        orm.inTx(s -> {
          s.persist(new Item(100L, "back", "c100"));
          return null;
        });
        // The nodes come back cleared and take no puts for their quarantine (2Θ = 2 s).
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (orm.factory.getStatistics().getSecondLevelCacheHitCount() == 0
            && System.nanoTime() - deadline < 0) {
          assertThat(RaceScenarios.nameIn(orm, Item.class, 100L)).isEqualTo("back");
        }
        assertThat(orm.factory.getStatistics().getSecondLevelCacheHitCount())
            .as("hits once the nodes are back").isPositive();
      }
    }
  }
}
