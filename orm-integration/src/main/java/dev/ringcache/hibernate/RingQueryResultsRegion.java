package dev.ringcache.hibernate;

import dev.ringcache.api.CacheKey;
import dev.ringcache.api.CodecException;
import dev.ringcache.api.ShardedCache;
import dev.ringcache.api.ValueCodec;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.hibernate.cache.spi.QueryKey;
import org.hibernate.cache.spi.QueryResultsRegion;
import org.hibernate.cache.spi.RegionFactory;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.jspecify.annotations.Nullable;

/**
 * The region of cached query results. A result is stored with a plain put and read with a plain
 * get: whether it may be served is decided by {@link RingTimestampsCache} from the timestamp it
 * carries, not by the protocol of its own record.
 *
 * <p>A result is stored under a digest of its query (SQL, bound values, row limits, filters) and
 * the session's tenant; a query whose bound values ringcache cannot encode is not cached. Clearing
 * the region starts a new {@link RegionGeneration}: older results read as misses. Its statistics
 * count its records on the nodes ({@link RegionUsage}).
 *
 * <p>Owned by its {@link RingCacheRegionFactory}; holds no resources of its own. Thread-safe.
 */
final class RingQueryResultsRegion implements QueryResultsRegion, RegionStatistics {
  private static final System.Logger LOG =
      System.getLogger(RingQueryResultsRegion.class.getName());
  /** The mapping fingerprint of every query result: the rows carry no mapping of their own. */
  private static final long FINGERPRINT = 0x51_52_59_31L; // "QRY1"
  private static final ValueCodec KEY_CODEC = ValueCodec.builder().build();

  private final RingCacheRegionFactory factory;
  private final String name;
  private final ShardedCache cache;
  private final RegionOptions options;
  private final RegionGeneration generation;
  private final RegionUsage usage;
  private final CachedValues values;

  RingQueryResultsRegion(String name, RingCacheRegionFactory factory) {
    this.factory = factory;
    this.name = name;
    this.cache = factory.cache();
    this.options = factory.options().regionOptions(name);
    this.generation = new RegionGeneration(cache, factory.options().namespace(), name,
        factory.options().generationCheckInterval(), factory.options().maxTransaction());
    generation.current();
    this.values = factory.values();
    this.usage = new RegionUsage(factory, name);
  }

  @Override
  public @Nullable Object getFromCache(Object key, SharedSessionContractImplementor session) {
    try {
      byte[] bytes = keyOf(key, session);
      long current = generation.current();
      if (bytes == null || current == RegionGeneration.UNKNOWN) {
        return null;
      }
      byte[] stored = cache.get(bytes);
      if (stored == null || CachedValues.generationOf(stored) != current) {
        return null;
      }
      return values.decode(FINGERPRINT, stored);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "ringcache could not read a query result in region "
          + name + ": " + e);
      return null;
    }
  }

  @Override
  public void putIntoCache(Object key, Object value, SharedSessionContractImplementor session) {
    try {
      byte[] bytes = keyOf(key, session);
      RingTransaction tx = RingTransaction.of(session);
      if (tx == null || tx.changesAnyTable()) {
        return; // its results may hold rows it has not committed
      }
      long loadedUnder = generation.generationAt(tx.startNanos());
      if (bytes == null || loadedUnder == RegionGeneration.UNKNOWN) {
        return;
      }
      byte[] stored;
      try {
        stored = values.encode(FINGERPRINT, loadedUnder, value);
      } catch (CodecException e) {
        factory.valueNotCached(name, "query results", e);
        return;
      }
      cache.put(bytes, stored, options.ttl());
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "ringcache could not put a query result in region "
          + name + ": " + e);
    }
  }

  private byte @Nullable [] keyOf(Object key, SharedSessionContractImplementor session) {
    Object[] tree = key instanceof QueryKey queryKey ? QueryCacheInternals.keyTree(queryKey) : null;
    if (tree == null) {
      return null;
    }
    byte[] encoded;
    try {
      encoded = KEY_CODEC.encode(0, tree);
    } catch (CodecException e) {
      factory.valueNotCached(name, "queries with such parameters", e);
      return null;
    }
    String digest = HexFormat.of().formatHex(sha256(encoded), 0, 20);
    return CacheKey.of(factory.options().namespace(), name, session.getTenantIdentifier(),
        "~query", digest).bytes();
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
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
   * Drops every cached result of the region: a new generation, which this JVM uses at once and
   * the others within one generation check interval.
   */
  @Override
  public void clear() {
    generation.advance(false);
  }

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
    return "RingQueryResultsRegion[" + name + "]";
  }
}
