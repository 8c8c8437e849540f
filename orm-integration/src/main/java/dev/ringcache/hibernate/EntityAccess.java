package dev.ringcache.hibernate;

import java.util.Arrays;
import java.util.TreeMap;
import org.hibernate.cache.cfg.spi.EntityDataCachingConfig;
import org.hibernate.cache.spi.access.EntityDataAccess;
import org.hibernate.cache.spi.access.SoftLock;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.metamodel.model.domain.NavigableRole;
import org.hibernate.persister.entity.EntityPersister;
import org.hibernate.type.Type;
import org.jspecify.annotations.Nullable;

/**
 * The cache of one entity hierarchy in a region: keys are the root entity name and the id.
 * Versioned entities give the protocol their version, so a newer committed version always wins.
 *
 * <p>Thread-safe.
 */
final class EntityAccess extends ProtocolAccess implements EntityDataAccess {
  private final EntityDataCachingConfig config;

  EntityAccess(RingDomainDataRegion region, EntityDataCachingConfig config) {
    super(region, config.getAccessType(), config.getNavigableRole().getFullPath());
    this.config = config;
  }

  @Override
  public Object generateCacheKey(Object id, EntityPersister rootEntityDescriptor,
      SessionFactoryImplementor factory, @Nullable String tenantIdentifier) {
    return RingKey.forId(region.factory().options().namespace(), region.getName(),
        tenantIdentifier, rootEntityDescriptor.getRootEntityName(),
        rootEntityDescriptor.getIdentifierType(), id, factory);
  }

  @Override
  public Object getCacheKeyId(Object cacheKey) {
    return ((RingKey) cacheKey).id();
  }

  @Override
  public boolean insert(SharedSessionContractImplementor session, Object key, Object value,
      @Nullable Object version) {
    return insert(session, (RingKey) key, value, version);
  }

  @Override
  public boolean afterInsert(SharedSessionContractImplementor session, Object key, Object value,
      @Nullable Object version) {
    return afterInsert(session, (RingKey) key, value, version);
  }

  @Override
  public boolean update(SharedSessionContractImplementor session, Object key, Object value,
      @Nullable Object currentVersion, @Nullable Object previousVersion) {
    return update(session, (RingKey) key, value, currentVersion);
  }

  @Override
  public boolean afterUpdate(SharedSessionContractImplementor session, Object key, Object value,
      @Nullable Object currentVersion, @Nullable Object previousVersion,
      @Nullable SoftLock lock) {
    return afterUpdate(session, (RingKey) key, value, currentVersion, lock);
  }

  @Override
  String describeMapping(SharedSessionContractImplementor session) {
    // Every type of the hierarchy, sorted, with its attributes' names and types.
    TreeMap<String, String> types = new TreeMap<>();
    for (NavigableRole role : config.getCachedTypes()) {
      EntityPersister persister =
          session.getFactory().getMappingMetamodel().getEntityDescriptor(role.getFullPath());
      StringBuilder text = new StringBuilder();
      text.append(Arrays.toString(persister.getPropertyNames())).append(':');
      for (Type type : persister.getPropertyTypes()) {
        text.append(type.getName()).append(',');
      }
      text.append(persister.isVersioned());
      types.put(role.getFullPath(), text.toString());
    }
    return "entity " + typeName + " " + types;
  }

  @Override
  public String toString() {
    return "EntityAccess[" + region.getName() + ", " + typeName + ", " + accessType + "]";
  }
}
