package dev.ringcache.hibernate;

import org.hibernate.cache.spi.RegionFactory;
import org.hibernate.cache.spi.TimestampsRegion;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.jspecify.annotations.Nullable;

/**
 * The region of the query cache's table records. Its records are read and written only by
 * {@link RingTimestampsCache}, under the entry protocol; the plain get and put Hibernate's stock
 * timestamps cache would use find and keep nothing (ringcache refuses to start with that cache).
 * Its statistics count its table records on the nodes ({@link RegionUsage}).
 *
 * <p>Owned by its {@link RingCacheRegionFactory}; holds no resources of its own. Thread-safe.
 */
final class RingTimestampsRegion implements TimestampsRegion, RegionStatistics {
  private final String name;
  private final RingCacheRegionFactory factory;
  private final RegionUsage usage;

  RingTimestampsRegion(String name, RingCacheRegionFactory factory) {
    this.name = name;
    this.factory = factory;
    this.usage = new RegionUsage(factory, name);
  }

  @Override
  public @Nullable Object getFromCache(Object key, SharedSessionContractImplementor session) {
    return null;
  }

  @Override
  public void putIntoCache(Object key, Object value, SharedSessionContractImplementor session) {
    // Table records are written only through RingTimestampsCache.
  }

  @Override
  public String getName() {
    return name;
  }

  @Override
  public RegionFactory getRegionFactory() {
    return factory;
  }

  RingCacheRegionFactory factory() {
    return factory;
  }

  /** Nothing to forget: see {@link RingTimestampsCache#clear()}. */
  @Override
  public void clear() {}

  @Override
  public void destroy() {
    // The nodes belong to the factory, which closes them when it stops.
  }

  @Override
  public RegionUsage usage() {
    return usage;
  }

  @Override
  public String toString() {
    return "RingTimestampsRegion[" + name + "]";
  }
}
