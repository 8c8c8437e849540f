package dev.ringcache.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ringcache.hibernate.model.Item;
import java.util.Map;
import java.util.UUID;
import org.hibernate.KeyType;
import org.hibernate.cache.spi.access.AccessType;
import org.junit.jupiter.api.Test;

class RegionFactorySmokeTest {
  @Test
  void find_inANewSession_isASecondLevelCacheHit() {
    String db = "smoke" + UUID.randomUUID();
    Orm.Setup setup = new Orm.Setup("jdbc:h2:mem:" + db + ";DB_CLOSE_DELAY=-1", "local://" + db,
        db, AccessType.READ_WRITE, Map.of());
    try (Orm orm = Orm.start(setup, true)) {
      orm.inTx(s -> {
        Item item = new Item(1L, "first", "c1");
        item.getTags().add("a");
        s.persist(item);
        return null;
      });
      orm.factory.getStatistics().clear();
      String name = orm.inTx(s -> s.find(Item.class, 1L).getName());
      assertThat(name).isEqualTo("first");
      assertThat(orm.factory.getStatistics().getSecondLevelCacheHitCount()).isEqualTo(1);
      assertThat(orm.factory.getStatistics().getPrepareStatementCount()).isZero();
      orm.inTx(s -> {
        s.find(Item.class, 1L).setName("second");
        return null;
      });
      String updated = orm.inTx(s -> s.find(Item.class, 1L).getName());
      assertThat(updated).isEqualTo("second");
      int tags = orm.inTx(s -> s.find(Item.class, 1L).getTags().size());
      assertThat(tags).isEqualTo(1);
      int tagsAgain = orm.inTx(s -> s.find(Item.class, 1L).getTags().size());
      assertThat(tagsAgain).isEqualTo(1);
      String byCode = orm.inTx(s -> s.find(Item.class, "c1", KeyType.NATURAL).getName());
      assertThat(byCode).isEqualTo("second");
    }
  }
}
