package dev.ringcache.hibernate;

import org.hibernate.cache.cfg.spi.CollectionDataCachingConfig;
import org.hibernate.cache.spi.access.CollectionDataAccess;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.persister.collection.CollectionPersister;
import org.hibernate.type.Type;
import org.jspecify.annotations.Nullable;

/**
 * The cache of one collection role in a region: keys are the role and the owner's key. Collections
 * are never written through, only loaded, and are treated as unversioned: the owner's version does
 * not change with every change of its collections (an inverse side, for one), so it cannot order
 * their values.
 *
 * <p>Thread-safe.
 */
final class CollectionAccess extends ProtocolAccess implements CollectionDataAccess {
  CollectionAccess(RingDomainDataRegion region, CollectionDataCachingConfig config) {
    super(region, config.getAccessType(), config.getNavigableRole().getFullPath());
  }

  @Override
  public Object generateCacheKey(Object id, CollectionPersister collectionDescriptor,
      SessionFactoryImplementor factory, @Nullable String tenantIdentifier) {
    return RingKey.forId(region.factory().options().namespace(), region.getName(),
        tenantIdentifier, collectionDescriptor.getRole(), collectionDescriptor.getKeyType(), id,
        factory);
  }

  @Override
  public Object getCacheKeyId(Object cacheKey) {
    return ((RingKey) cacheKey).id();
  }

  @Override
  public boolean putFromLoad(SharedSessionContractImplementor session, Object key, Object value,
      @Nullable Object version, boolean minimalPutOverride) {
    return super.putFromLoad(session, key, value, null, minimalPutOverride);
  }

  @Override
  String describeMapping(SharedSessionContractImplementor session) {
    CollectionPersister persister =
        session.getFactory().getMappingMetamodel().getCollectionDescriptor(typeName);
    Type index = persister.getIndexType();
    return "collection " + typeName + " element " + persister.getElementType().getName()
        + " index " + (index == null ? "-" : index.getName()) + " key "
        + persister.getKeyType().getName();
  }

  @Override
  public String toString() {
    return "CollectionAccess[" + region.getName() + ", " + typeName + ", " + accessType + "]";
  }
}
