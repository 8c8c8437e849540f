package dev.ringcache.hibernate;

import org.hibernate.cache.cfg.spi.NaturalIdDataCachingConfig;
import org.hibernate.cache.spi.access.NaturalIdDataAccess;
import org.hibernate.cache.spi.access.SoftLock;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.persister.entity.EntityPersister;
import org.jspecify.annotations.Nullable;

/**
 * The cache of one entity's natural ids in a region: keys are the root entity name with {@code
 * ##NaturalId} and the natural-id values; the value is the entity's id. Unversioned.
 *
 * <p>Thread-safe.
 */
final class NaturalIdAccess extends ProtocolAccess implements NaturalIdDataAccess {
  NaturalIdAccess(RingDomainDataRegion region, NaturalIdDataCachingConfig config) {
    super(region, config.getAccessType(), config.getNavigableRole().getFullPath());
  }

  @Override
  public Object generateCacheKey(Object naturalIdValues, EntityPersister rootEntityDescriptor,
      SharedSessionContractImplementor session) {
    Object disassembled =
        rootEntityDescriptor.getNaturalIdMapping().disassemble(naturalIdValues, session);
    return RingKey.of(region.factory().options().namespace(), region.getName(),
        session.getTenantIdentifier(), rootEntityDescriptor.getRootEntityName() + "##NaturalId",
        naturalIdValues, disassembled);
  }

  @Override
  public Object getNaturalIdValues(Object cacheKey) {
    return ((RingKey) cacheKey).id();
  }

  @Override
  public boolean insert(SharedSessionContractImplementor session, Object key, Object value) {
    return insert(session, (RingKey) key, value, null);
  }

  @Override
  public boolean afterInsert(SharedSessionContractImplementor session, Object key, Object value) {
    return afterInsert(session, (RingKey) key, value, null);
  }

  @Override
  public boolean update(SharedSessionContractImplementor session, Object key, Object value) {
    return update(session, (RingKey) key, value, null);
  }

  @Override
  public boolean afterUpdate(SharedSessionContractImplementor session, Object key, Object value,
      @Nullable SoftLock lock) {
    return afterUpdate(session, (RingKey) key, value, null, lock);
  }

  @Override
  public boolean putFromLoad(SharedSessionContractImplementor session, Object key, Object value,
      @Nullable Object version, boolean minimalPutOverride) {
    return super.putFromLoad(session, key, value, null, minimalPutOverride);
  }

  /**
   * No: Hibernate looks a natural id up in the cache after it read the entity's row (when it
   * caches the resolution of an entity it loaded), so a lease taken then could let that row's
   * old natural id in. Natural ids are put only into an absent key.
   */
  @Override
  boolean leasesOnMiss() {
    return false;
  }

  @Override
  String describeMapping(SharedSessionContractImplementor session) {
    EntityPersister persister =
        session.getFactory().getMappingMetamodel().getEntityDescriptor(typeName);
    return "natural id " + typeName + " "
        + persister.getNaturalIdMapping().getNaturalIdAttributes().stream()
            .map(a -> a.getAttributeName() + ":" + a.getJavaType().getJavaTypeClass().getName())
            .toList()
        + " id " + persister.getIdentifierType().getName();
  }

  @Override
  public String toString() {
    return "NaturalIdAccess[" + region.getName() + ", " + typeName + ", " + accessType + "]";
  }
}
