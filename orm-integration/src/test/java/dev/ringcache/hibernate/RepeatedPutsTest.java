package dev.ringcache.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ringcache.api.CacheOperation;
import dev.ringcache.api.CacheStatistics;
import dev.ringcache.hibernate.model.Plain;
import java.util.Map;
import java.util.UUID;
import org.hibernate.cache.spi.access.AccessType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Which puts of loaded rows a factory does not send again ({@link RecentPuts}): never one with a
 * lease, and not one that repeats a put made before this factory evicted the key. Two factories
 * over one database and one in-process node; the reader counts the puts it sends.
 */
class RepeatedPutsTest {
  private final CacheStatistics metrics = new CacheStatistics();
  private Orm writer;
  private Orm reader;

  @BeforeEach
  void start() {
    String db = "repeated" + UUID.randomUUID();
    Orm.Setup setup = new Orm.Setup("jdbc:h2:mem:" + db + ";DB_CLOSE_DELAY=-1", "local://" + db,
        db, AccessType.READ_WRITE, Map.of());
    writer = Orm.start(setup, true);
    reader = Orm.start(setup.with(RingCacheSettings.METRICS, metrics), false);
    writer.inTx(s -> {
      s.persist(new Plain(1L, "v1")); // cached by the writer's after-insert put
      return null;
    });
    reader.awaitSettledGenerations(); // before that, nothing is put without a lease
  }

  @AfterEach
  void stop() {
    reader.close();
    writer.close();
  }

  @Test
  void aPutWithALease_isSent_thoughTheSamePutWithoutOneWasJustAnswered() {
    queryAll(); // the reader's put without a lease finds the writer's value: remembered
    writer.factory.getCache().evict(Plain.class, 1L); // the reader cannot know
    long sent = putsSent();
    reader.inTx(s -> s.find(Plain.class, 1L).getName()); // a miss: a lease, then its put
    assertThat(putsSent() - sent).as("the put with the lease").isEqualTo(1);
    reader.factory.getStatistics().clear();
    reader.inTx(s -> s.find(Plain.class, 1L).getName());
    assertThat(reader.factory.getStatistics().getSecondLevelCacheHitCount())
        .as("stored, not left a lease").isEqualTo(1);
  }

  @Test
  void anEvictionByThisFactory_letsTheSamePutGoOutAgain() {
    queryAll();
    long sent = putsSent();
    queryAll();
    assertThat(putsSent() - sent).as("the same put again: not sent").isZero();
    reader.factory.getCache().evict(Plain.class, 1L);
    queryAll(); // lands over the tombstone of its own version
    assertThat(putsSent() - sent).as("sent after the eviction").isEqualTo(1);
    reader.factory.getStatistics().clear();
    reader.inTx(s -> s.find(Plain.class, 1L).getName());
    assertThat(reader.factory.getStatistics().getSecondLevelCacheHitCount()).isEqualTo(1);
  }

  private void queryAll() {
    int rows = reader.inTx(s -> s.createQuery("from Plain", Plain.class).getResultList().size());
    assertThat(rows).isEqualTo(1);
  }

  private long putsSent() {
    return metrics.region(Plain.class.getName()).get(CacheOperation.PUT_FROM_LOAD).count();
  }
}
