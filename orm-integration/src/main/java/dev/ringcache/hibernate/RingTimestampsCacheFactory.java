package dev.ringcache.hibernate;

import dev.ringcache.api.ConfigurationException;
import org.hibernate.cache.spi.CacheImplementor;
import org.hibernate.cache.spi.TimestampsCache;
import org.hibernate.cache.spi.TimestampsCacheFactory;
import org.hibernate.cache.spi.TimestampsRegion;

/**
 * Makes ringcache's {@link RingTimestampsCache}; selected with {@code
 * hibernate.cache.query_cache_factory=ringcache}, which ringcache requires when the query cache is
 * on. Works only with ringcache's region factory.
 *
 * <p>Immutable and thread-safe.
 */
public final class RingTimestampsCacheFactory implements TimestampsCacheFactory {
  /** Made by Hibernate. */
  public RingTimestampsCacheFactory() {}

  @Override
  public TimestampsCache buildTimestampsCache(CacheImplementor cacheManager,
      TimestampsRegion timestampsRegion) {
    if (!(timestampsRegion instanceof RingTimestampsRegion region)) {
      throw new ConfigurationException("hibernate.cache.query_cache_factory=ringcache needs "
          + "hibernate.cache.region.factory_class=ringcache, but the region factory is "
          + timestampsRegion.getRegionFactory().getClass().getName());
    }
    return new RingTimestampsCache(region);
  }
}
