package dev.ringcache.hibernate.checker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ringcache.api.testing.TestServer;
import dev.ringcache.api.testing.TestServers;
import dev.ringcache.hibernate.RingCacheSettings;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.hibernate.cache.spi.access.AccessType;
import org.junit.jupiter.api.Test;

/**
 * The history checker on real servers: the workload (3 session factories × 4 threads, 8
 * hot rows, 30% writes of which a third roll back, 20 s) over one shared Redis, where the peer
 * measured 4 stale reads and a 9.5% hit ratio in READ_WRITE; then a shorter run over a ring of
 * Redis and Memcached.
 *
 * <p>The nodes get a 5 s timeout: these runs check the protocol with nodes that answer. On a
 * loaded CI machine a 500 ms timeout once left a Memcached unlock undelivered; the node was then
 * quarantined and cleared by two session factories but not the third, which put values read
 * before a commit into the cleared node and served them (124 stale reads in 8 s). That is the
 * documented limit "one JVM's view of a node" (README), not something these runs can pass.
 */
class HistoryCheckerIT {
  @Test
  void readWrite_onOneSharedRedis_hasNoViolations_andKeepsHalfItsReadsHits()
      throws InterruptedException {
    try (TestServer redis = TestServers.redis().start()) {
      HistoryReport report = run(answering(redis), AccessType.READ_WRITE, CheckedRow.class,
          Workload.DEFAULT_DURATION);
      assertThat(report.entityHitRatio()).as("entity hit ratio of %s", report)
          .isGreaterThanOrEqualTo(0.5);
    }
  }

  @Test
  void everyWritingAccessType_onARingOfRedisAndMemcached_hasNoViolations()
      throws InterruptedException {
    try (TestServer redis = TestServers.redis().start();
        TestServer memcached = TestServers.memcached().start()) {
      for (AccessType access : new AccessType[] {AccessType.NONSTRICT_READ_WRITE,
          AccessType.TRANSACTIONAL}) {
        run(answering(redis) + "," + answering(memcached), access, CheckedNote.class,
            Duration.ofSeconds(8));
      }
    }
  }

  /** The server's URI with a timeout no load on this machine reaches. */
  private static String answering(TestServer server) {
    return server.uri() + (server.uri().contains("?") ? "&" : "?") + "timeout=5s";
  }

  private static HistoryReport run(String nodes, AccessType access,
      Class<? extends Checked> entity, Duration duration) throws InterruptedException {
    String name = "checker" + UUID.randomUUID().toString().replace("-", "");
    Workload workload = Workload.of("ringcache", Map.of(
            RingCacheSettings.NODES, nodes,
            RingCacheSettings.NAMESPACE, name,
            RingCacheSettings.GENERATION_CHECK_INTERVAL, "50ms"))
        .withAccess(access).withEntity(entity)
        .withDuration(duration, Workload.DEFAULT_WARM_UP);
    return HistoryCheckerTest.runWithoutViolations(workload);
  }
}
