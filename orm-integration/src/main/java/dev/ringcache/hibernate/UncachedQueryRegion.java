package dev.ringcache.hibernate;

import org.hibernate.cache.spi.QueryResultsRegion;
import org.hibernate.cache.spi.RegionFactory;
import org.hibernate.cache.spi.TimestampsRegion;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.jspecify.annotations.Nullable;

/**
 * The query-results and timestamps regions until ringcache has its own timestamps cache: they hold
 * nothing, so a cached query always runs against the database. Hibernate's stock timestamps cache
 * is not used over shared nodes: it reads a missing timestamp as fresh and compares the clocks of
 * different JVMs (PROTOCOL-NOTES.md §2.5), which serves stale query results.
 *
 * <p>Immutable and thread-safe.
 */
final class UncachedQueryRegion implements QueryResultsRegion, TimestampsRegion {
  private final String name;
  private final RegionFactory factory;

  UncachedQueryRegion(String name, RegionFactory factory) {
    this.name = name;
    this.factory = factory;
  }

  @Override
  public @Nullable Object getFromCache(Object key, SharedSessionContractImplementor session) {
    return null;
  }

  @Override
  public void putIntoCache(Object key, Object value, SharedSessionContractImplementor session) {
    // Nothing is kept.
  }

  @Override
  public String getName() {
    return name;
  }

  @Override
  public RegionFactory getRegionFactory() {
    return factory;
  }

  @Override
  public void clear() {
    // Nothing is kept.
  }

  @Override
  public void destroy() {
    // Nothing is kept.
  }
}
