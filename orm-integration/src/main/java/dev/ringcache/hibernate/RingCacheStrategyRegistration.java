package dev.ringcache.hibernate;

import java.util.List;
import org.hibernate.boot.registry.selector.SimpleStrategyRegistrationImpl;
import org.hibernate.boot.registry.selector.StrategyRegistration;
import org.hibernate.boot.registry.selector.StrategyRegistrationProvider;
import org.hibernate.cache.spi.RegionFactory;
import org.hibernate.cache.spi.TimestampsCacheFactory;

/**
 * Registers {@link RingCacheRegionFactory} and {@link RingTimestampsCacheFactory} under the short
 * name {@code ringcache}, so that {@code hibernate.cache.region.factory_class=ringcache} and {@code
 * hibernate.cache.query_cache_factory=ringcache} select them. Found by Hibernate through {@code
 * META-INF/services}.
 *
 * <p>Immutable and thread-safe.
 */
public final class RingCacheStrategyRegistration implements StrategyRegistrationProvider {
  /** The short name of the region factory. */
  public static final String SHORT_NAME = "ringcache";

  @Override
  public Iterable<StrategyRegistration<?>> getStrategyRegistrations() {
    return List.of(
        new SimpleStrategyRegistrationImpl<>(RegionFactory.class, RingCacheRegionFactory.class,
            SHORT_NAME, RingCacheRegionFactory.class.getName()),
        new SimpleStrategyRegistrationImpl<>(TimestampsCacheFactory.class,
            RingTimestampsCacheFactory.class, SHORT_NAME,
            RingTimestampsCacheFactory.class.getName()));
  }
}
