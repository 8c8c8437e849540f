package dev.ringcache.hibernate;

import java.util.HashMap;
import java.util.Map;
import org.hibernate.cache.CacheException;
import org.hibernate.cache.cfg.spi.CollectionDataCachingConfig;
import org.hibernate.cache.cfg.spi.DomainDataRegionConfig;
import org.hibernate.cache.cfg.spi.EntityDataCachingConfig;
import org.hibernate.cache.cfg.spi.NaturalIdDataCachingConfig;
import org.hibernate.cache.spi.DomainDataRegion;
import org.hibernate.cache.spi.RegionFactory;
import org.hibernate.cache.spi.access.CollectionDataAccess;
import org.hibernate.cache.spi.access.EntityDataAccess;
import org.hibernate.cache.spi.access.NaturalIdDataAccess;
import org.hibernate.metamodel.model.domain.NavigableRole;

/**
 * A region of entities, collections and natural ids, as Hibernate configures it: the accesses
 * of its types, its settings, its {@link RegionGeneration}, all sharing the factory's nodes. Its
 * statistics count its records on the nodes ({@link RegionUsage}).
 *
 * <p>Owned by its {@link RingCacheRegionFactory}; holds no resources of its own. Thread-safe.
 */
final class RingDomainDataRegion implements DomainDataRegion, RegionStatistics {
  private final RingCacheRegionFactory factory;
  private final String name;
  private final RegionOptions options;
  private final RegionGeneration generation;
  private final RegionUsage usage;
  private final CachedValues values;
  private final Map<NavigableRole, EntityAccess> entities = new HashMap<>();
  private final Map<NavigableRole, NaturalIdAccess> naturalIds = new HashMap<>();
  private final Map<NavigableRole, CollectionAccess> collections = new HashMap<>();

  RingDomainDataRegion(RingCacheRegionFactory factory, DomainDataRegionConfig config) {
    this.factory = factory;
    this.name = config.getRegionName();
    this.options = factory.options().regionOptions(name);
    this.generation = new RegionGeneration(factory.cache(), factory.options().namespace(), name,
        factory.options().generationCheckInterval(), factory.options().maxTransaction());
    // Learn the generation now: values are stamped only with a generation known when their
    // transaction began.
    generation.current();
    this.values = factory.values();
    this.usage = new RegionUsage(factory, name);
    for (EntityDataCachingConfig c : config.getEntityCaching()) {
      entities.put(c.getNavigableRole(), new EntityAccess(this, c));
    }
    for (NaturalIdDataCachingConfig c : config.getNaturalIdCaching()) {
      naturalIds.put(c.getNavigableRole(), new NaturalIdAccess(this, c));
    }
    for (CollectionDataCachingConfig c : config.getCollectionCaching()) {
      collections.put(c.getNavigableRole(), new CollectionAccess(this, c));
    }
  }

  @Override
  public EntityDataAccess getEntityDataAccess(NavigableRole rootEntityRole) {
    return found(entities.get(rootEntityRole), rootEntityRole);
  }

  @Override
  public NaturalIdDataAccess getNaturalIdDataAccess(NavigableRole rootEntityRole) {
    return found(naturalIds.get(rootEntityRole), rootEntityRole);
  }

  @Override
  public CollectionDataAccess getCollectionDataAccess(NavigableRole collectionRole) {
    return found(collections.get(collectionRole), collectionRole);
  }

  private <A> A found(A access, NavigableRole role) {
    if (access == null) {
      throw new CacheException("region " + name + " does not cache " + role.getFullPath());
    }
    return access;
  }

  @Override
  public String getName() {
    return name;
  }

  @Override
  public RegionFactory getRegionFactory() {
    return factory;
  }

  /**
   * Invalidates the whole region: a new generation (see {@link RegionGeneration#advance}), which
   * this JVM uses at once and the others within one generation check interval.
   */
  @Override
  public void clear() {
    generation.advance(false);
  }

  @Override
  public void destroy() {
    // The nodes belong to the factory, which closes them when it stops.
  }

  RingCacheRegionFactory factory() {
    return factory;
  }

  RegionOptions options() {
    return options;
  }

  RegionGeneration generation() {
    return generation;
  }

  CachedValues values() {
    return values;
  }

  @Override
  public RegionUsage usage() {
    return usage;
  }

  @Override
  public String toString() {
    return "RingDomainDataRegion[" + name + "]";
  }
}
