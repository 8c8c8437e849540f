package dev.ringcache.hibernate.checker;

import java.util.Map;
import java.util.Objects;
import org.hibernate.boot.spi.SessionFactoryOptions;
import org.hibernate.cache.cfg.spi.DomainDataRegionBuildingContext;
import org.hibernate.cache.cfg.spi.DomainDataRegionConfig;
import org.hibernate.cache.spi.support.DomainDataStorageAccess;
import org.hibernate.cache.spi.support.RegionFactoryTemplate;
import org.hibernate.cache.spi.support.StorageAccess;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.jspecify.annotations.Nullable;

/**
 * The negative control of the history checker (PROTOCOL-NOTES.md §7.4): Hibernate's own support
 * classes ({@code AbstractReadWriteAccess} and friends, chosen by {@link RegionFactoryTemplate})
 * over a plain shared store, {@link NaiveStore}, which stands for one remote cache: a JVM-wide map
 * of serialized entries with a network hop's latency in each call. Selected with {@code
 * hibernate.cache.region.factory_class=dev.ringcache.hibernate.checker.NaiveRegionFactory}.
 *
 * <p>Each session factory makes its own instance, so the lock with which Hibernate guards its soft
 * locks is per session factory while the entries are shared: several session factories are then
 * exactly several JVMs on one remote cache (PROTOCOL-NOTES.md §3.2). This is what stock READ_WRITE
 * looks like over a remote store; it is not a cache anyone should use.
 *
 * <p>Hibernate starts and stops it; stopping leaves the store's entries, which belong to every
 * session factory that uses it: {@link NaiveStore#drop} removes them. Thread-safe.
 */
public final class NaiveRegionFactory extends RegionFactoryTemplate {
  private static final long serialVersionUID = 1L;

  /** The name of the shared store; session factories with the same name share entries. */
  public static final String STORE = "ringcache.checker.naive.store";
  /** The least latency of one store call, in microseconds. Default {@value #DEFAULT_LATENCY}. */
  public static final String LATENCY_MIN_MICROS = "ringcache.checker.naive.latency_min_micros";
  /** The greatest latency of one store call, in microseconds. Default {@value #DEFAULT_LATENCY}. */
  public static final String LATENCY_MAX_MICROS = "ringcache.checker.naive.latency_max_micros";
  /** The default of both latency bounds, in microseconds. */
  public static final long DEFAULT_LATENCY = 100;

  private transient volatile @Nullable Options options;

  private record Options(String store, long minNanos, long maxNanos) {}

  /** Made by Hibernate. */
  public NaiveRegionFactory() {}

  @Override
  protected void prepareForUse(SessionFactoryOptions settings, Map<String, Object> configValues) {
    Object store = Objects.requireNonNull(configValues.get(STORE), STORE);
    long min = micros(configValues, LATENCY_MIN_MICROS);
    long max = micros(configValues, LATENCY_MAX_MICROS);
    if (min > max) {
      throw new IllegalArgumentException(LATENCY_MIN_MICROS + "=" + min + " exceeds "
          + LATENCY_MAX_MICROS + "=" + max);
    }
    options = new Options(store.toString(), min * 1000, max * 1000);
  }

  private static long micros(Map<String, Object> configValues, String setting) {
    Object value = configValues.get(setting);
    long micros = value == null ? DEFAULT_LATENCY : Long.parseLong(value.toString());
    if (micros < 0) {
      throw new IllegalArgumentException(setting + "=" + micros + ": expected 0 or more");
    }
    return micros;
  }

  @Override
  protected void releaseFromUse() {
    options = null;
  }

  @Override
  protected DomainDataStorageAccess createDomainDataStorageAccess(
      DomainDataRegionConfig regionConfig, DomainDataRegionBuildingContext buildingContext) {
    return storage(regionConfig.getRegionName());
  }

  @Override
  protected StorageAccess createQueryResultsRegionStorageAccess(String regionName,
      SessionFactoryImplementor sessionFactory) {
    return storage(regionName);
  }

  @Override
  protected StorageAccess createTimestampsRegionStorageAccess(String regionName,
      SessionFactoryImplementor sessionFactory) {
    return storage(regionName);
  }

  private NaiveStore storage(String regionName) {
    Options o = Objects.requireNonNull(options, "not started");
    return new NaiveStore(o.store(), regionName, o.minNanos(), o.maxNanos());
  }
}
