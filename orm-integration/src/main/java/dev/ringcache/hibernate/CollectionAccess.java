package dev.ringcache.hibernate;

import org.hibernate.cache.cfg.spi.CollectionDataCachingConfig;
import org.hibernate.cache.spi.access.CollectionDataAccess;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.persister.collection.CollectionPersister;
import org.hibernate.type.BasicType;
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
  private volatile long fingerprint;
  private volatile boolean fingerprinted;

  CollectionAccess(RingDomainDataRegion region, CollectionDataCachingConfig config) {
    super(region, config.getAccessType(), config.getNavigableRole().getFullPath());
  }

  @Override
  public Object generateCacheKey(Object id, CollectionPersister collectionDescriptor,
      SessionFactoryImplementor factory, @Nullable String tenantIdentifier) {
    Type keyType = collectionDescriptor.getKeyType();
    Object coerced = keyType instanceof BasicType<?> basic
        ? basic.getJavaTypeDescriptor().coerce(id) : id;
    return RingKey.of(region.factory().options().namespace(), region.getName(), tenantIdentifier,
        collectionDescriptor.getRole(), coerced, keyType.disassemble(coerced, factory));
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
  long fingerprint(SharedSessionContractImplementor session) {
    if (!fingerprinted) {
      CollectionPersister persister =
          session.getFactory().getMappingMetamodel().getCollectionDescriptor(typeName);
      Type index = persister.getIndexType();
      fingerprint = Fingerprint.of("collection " + typeName + " element "
          + persister.getElementType().getName() + " index "
          + (index == null ? "-" : index.getName()) + " key " + persister.getKeyType().getName());
      fingerprinted = true;
    }
    return fingerprint;
  }

  @Override
  public String toString() {
    return "CollectionAccess[" + region.getName() + ", " + typeName + ", " + accessType + "]";
  }
}
