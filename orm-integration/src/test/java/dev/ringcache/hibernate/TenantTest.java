package dev.ringcache.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ringcache.hibernate.model.TenantNote;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.hibernate.Session;
import org.hibernate.Transaction;
import org.hibernate.cache.spi.access.AccessType;
import org.junit.jupiter.api.Test;

/** The tenant is part of every key: one tenant's cached entity is never another's. */
class TenantTest {
  private static <T> T inTenant(Orm orm, String tenant, Function<Session, T> work) {
    // The Object overload: tenantIdentifier(String) is deprecated for removal.
    try (Session session =
        orm.factory.withOptions().tenantIdentifier((Object) tenant).openSession()) {
      Transaction tx = session.beginTransaction();
      T result = work.apply(session);
      tx.commit();
      return result;
    }
  }

  @Test
  void anEntityCachedForOneTenant_isNotServedToAnother() {
    String name = "tenant-" + UUID.randomUUID();
    Orm.Setup setup = new Orm.Setup("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1",
        "local://" + name, name, AccessType.READ_WRITE, Map.of());
    try (Orm orm = Orm.start(setup, true, List.of(TenantNote.class))) {
      inTenant(orm, "acme", s -> {
        s.persist(new TenantNote(1L, "acme's"));
        return null;
      });
      String acme = inTenant(orm, "acme", s -> s.find(TenantNote.class, 1L).getText());
      assertThat(acme).isEqualTo("acme's");
      orm.factory.getStatistics().clear();
      String again = inTenant(orm, "acme", s -> s.find(TenantNote.class, 1L).getText());
      assertThat(again).isEqualTo("acme's");
      assertThat(orm.factory.getStatistics().getSecondLevelCacheHitCount())
          .as("cached for acme").isEqualTo(1);

      TenantNote other = inTenant(orm, "globex", s -> s.find(TenantNote.class, 1L));
      assertThat(other).as("acme's note, read as globex").isNull();
      assertThat(orm.factory.getStatistics().getSecondLevelCacheHitCount())
          .as("no hit for globex").isEqualTo(1);
    }
  }
}
