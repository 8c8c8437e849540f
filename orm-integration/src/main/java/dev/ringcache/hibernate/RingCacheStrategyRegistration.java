package dev.ringcache.hibernate;

import java.util.List;
import org.hibernate.boot.registry.selector.SimpleStrategyRegistrationImpl;
import org.hibernate.boot.registry.selector.StrategyRegistration;
import org.hibernate.boot.registry.selector.StrategyRegistrationProvider;
import org.hibernate.cache.spi.RegionFactory;

/**
 * Registers {@link RingCacheRegionFactory} under the short name {@code ringcache}, so that {@code
 * hibernate.cache.region.factory_class=ringcache} selects it. Found by Hibernate through {@code
 * META-INF/services}.
 *
 * <p>Immutable and thread-safe.
 */
public final class RingCacheStrategyRegistration implements StrategyRegistrationProvider {
  /** The short name of the region factory. */
  public static final String SHORT_NAME = "ringcache";

  @Override
  public Iterable<StrategyRegistration<?>> getStrategyRegistrations() {
    return List.of(new SimpleStrategyRegistrationImpl<>(RegionFactory.class,
        RingCacheRegionFactory.class, SHORT_NAME, RingCacheRegionFactory.class.getName()));
  }
}
