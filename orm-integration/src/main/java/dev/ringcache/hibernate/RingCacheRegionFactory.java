package dev.ringcache.hibernate;

import dev.ringcache.api.CodecException;
import dev.ringcache.api.ConfigurationException;
import dev.ringcache.api.ShardedCache;
import dev.ringcache.api.ValueCodec;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.hibernate.boot.spi.SessionFactoryOptions;
import org.hibernate.cache.CacheException;
import org.hibernate.cache.cfg.spi.DomainDataRegionBuildingContext;
import org.hibernate.cache.cfg.spi.DomainDataRegionConfig;
import org.hibernate.cache.spi.CacheTransactionSynchronization;
import org.hibernate.cache.spi.DomainDataRegion;
import org.hibernate.cache.spi.QueryResultsRegion;
import org.hibernate.cache.spi.RegionFactory;
import org.hibernate.cache.spi.TimestampsRegion;
import org.hibernate.cache.spi.access.AccessType;
import org.hibernate.cache.spi.support.RegionNameQualifier;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.jspecify.annotations.Nullable;

/**
 * ringcache's Hibernate ORM 7 region factory, selected with {@code
 * hibernate.cache.region.factory_class=ringcache} and configured by the settings of {@link
 * RingCacheSettings}. Every region it builds keeps its entries on the factory's nodes under the
 * entry protocol of DESIGN.md §4, for the four access types; the default is READ_WRITE.
 *
 * <p>One instance per session factory: Hibernate starts it when the session factory is built and
 * stops it when the session factory closes, which closes the connections to the nodes. It starts
 * when every node is down (the application then runs at database speed until they return); a
 * wrong password or a bad setting fails the start with a {@link ConfigurationException}.
 *
 * <p>With the query cache on, {@code hibernate.cache.query_cache_factory=ringcache} is required:
 * query results are then checked against ringcache's own timestamps cache ({@link
 * RingTimestampsCache}), whose stamps come from one counter on the ring ({@link ClusterClock}).
 *
 * <p>Thread-safe.
 */
public final class RingCacheRegionFactory implements RegionFactory {
  private static final long serialVersionUID = 1L;
  private static final System.Logger LOG = System.getLogger(RingCacheRegionFactory.class.getName());

  private transient volatile @Nullable State state;
  private final transient Set<String> reportedTypes = ConcurrentHashMap.newKeySet();

  /** What exists between start and stop. */
  private record State(RingCacheOptions options, ShardedCache cache, CachedValues values,
      SessionFactoryOptions settings, String lockIdPrefix, ClusterClock clock,
      RecentPuts recentPuts) {}

  /** Made by Hibernate. */
  public RingCacheRegionFactory() {}

  @Override
  public void start(SessionFactoryOptions settings, Map<String, Object> configValues) {
    if (state != null) {
      return;
    }
    String unavailable = CachedValues.unavailable();
    if (unavailable != null) {
      throw new ConfigurationException(unavailable);
    }
    RingCacheOptions options = RingCacheOptions.parse(configValues);
    if (settings.isQueryCacheEnabled()) {
      checkQueryCache(settings);
    }
    ShardedCache cache = options.configure(ShardedCache.builder())
        .classLoader(RingCacheRegionFactory.class.getClassLoader()).build();
    String prefix = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36)
        + "-";
    ClusterClock clock = new ClusterClock(cache, options.namespace(), options.maxTransaction());
    if (settings.isQueryCacheEnabled()) {
      clock.draw(); // so that this JVM's first sessions do not all read as older than every table
    }
    state = new State(options, cache, new CachedValues(ValueCodec.builder().build()), settings,
        prefix, clock, new RecentPuts(RecentPuts.WINDOW_NANOS));
    LOG.log(Level.INFO, "ringcache started: {0}", options);
  }

  private static void checkQueryCache(SessionFactoryOptions settings) {
    if (!(settings.getTimestampsCacheFactory() instanceof RingTimestampsCacheFactory)) {
      throw new ConfigurationException("hibernate.cache.use_query_cache=true with ringcache needs "
          + "hibernate.cache.query_cache_factory=ringcache, but it is "
          + settings.getTimestampsCacheFactory().getClass().getName() + ": Hibernate's own "
          + "timestamps cache reads a missing timestamp as fresh and compares the clocks of "
          + "different JVMs, so it would serve stale query results");
    }
    String unavailable = QueryCacheInternals.unavailable();
    if (unavailable != null) {
      throw new ConfigurationException(unavailable);
    }
  }

  @Override
  public void stop() {
    State s = state;
    state = null;
    if (s != null) {
      s.cache().close();
    }
  }

  @Override
  public boolean isMinimalPutsEnabledByDefault() {
    return false;
  }

  @Override
  public AccessType getDefaultAccessType() {
    return AccessType.READ_WRITE;
  }

  @Override
  public String qualify(String regionName) {
    return RegionNameQualifier.INSTANCE.qualify(regionName, started().settings());
  }

  @Override
  public CacheTransactionSynchronization createTransactionContext(
      SharedSessionContractImplementor session) {
    return new RingTransaction(this);
  }

  /**
   * The greatest query-cache stamp this JVM has seen ({@link ClusterClock#now}): no round trip.
   * Only ringcache's timestamps cache compares it, with stamps from the same counter.
   */
  @Override
  public long nextTimestamp() {
    State s = state;
    return s == null ? 0 : s.clock().now();
  }

  /** Θ in microseconds, the unit stamps start from (nothing of ringcache's uses it). */
  @Override
  public long getTimeout() {
    return started().options().maxTransaction().toMillis() * 1000;
  }

  @Override
  public DomainDataRegion buildDomainDataRegion(DomainDataRegionConfig regionConfig,
      DomainDataRegionBuildingContext buildingContext) {
    return new RingDomainDataRegion(this, regionConfig);
  }

  @Override
  public QueryResultsRegion buildQueryResultsRegion(String regionName,
      SessionFactoryImplementor sessionFactory) {
    return new RingQueryResultsRegion(qualify(regionName), this);
  }

  @Override
  public TimestampsRegion buildTimestampsRegion(String regionName,
      SessionFactoryImplementor sessionFactory) {
    return new RingTimestampsRegion(qualify(regionName), this);
  }

  /** The nodes: for tests and tools that look at what is stored. */
  public ShardedCache cache() {
    return started().cache();
  }

  /** The namespace every key of this factory starts with ({@link RingCacheSettings#NAMESPACE}). */
  public String namespace() {
    return started().options().namespace();
  }

  ClusterClock clock() {
    return started().clock();
  }

  RingCacheOptions options() {
    return started().options();
  }

  CachedValues values() {
    return started().values();
  }

  /** The puts of loaded rows this factory made in the last second (see {@link RecentPuts}). */
  RecentPuts recentPuts() {
    return started().recentPuts();
  }

  /** The start of every lock id of this factory: random, so no two factories share one. */
  String lockIdPrefix() {
    return started().lockIdPrefix();
  }

  /** Reports, once per type, a value that cannot be cached (the rest of the type still is). */
  void valueNotCached(String region, String type, CodecException e) {
    if (reportedTypes.add(region + " " + type)) {
      LOG.log(Level.WARNING, "ringcache does not cache some values of " + type + " in region "
          + region + ": " + e.getMessage());
    }
  }

  private State started() {
    State s = state;
    if (s == null) {
      throw new CacheException("the ringcache region factory is not started");
    }
    return s;
  }

  @Override
  public String toString() {
    State s = state;
    return "RingCacheRegionFactory[" + (s == null ? "stopped" : s.options()) + "]";
  }
}
