package dev.ringcache.bench.hibernate;

import dev.ringcache.hibernate.RingCacheSettings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The second-level caches compared, and the Hibernate settings that select each. Every cache runs
 * its regions READ_WRITE (the entities' {@code @Cache}) with the query cache on; {@link #NO_CACHE}
 * turns both off. Defaults are kept everywhere else: what a user gets.
 *
 * <p>Immutable and thread-safe.
 */
public enum Provider {
  /** No second-level cache and no query cache: every read goes to PostgreSQL. */
  NO_CACHE("no second-level cache"),
  /** ringcache on one Redis node. */
  RINGCACHE_REDIS("ringcache, Redis"),
  /** ringcache on one Memcached node. */
  RINGCACHE_MEMCACHED("ringcache, Memcached"),
  /** ringcache on one in-process node ({@code local://}). */
  RINGCACHE_LOCAL("ringcache, in-process"),
  /** Redisson's region factory ({@code redisson-hibernate-7}) on the same Redis. */
  REDISSON("Redisson"),
  /** Hibernate's JCache provider ({@code hibernate-jcache}) over Caffeine's JCache, in process. */
  JCACHE_CAFFEINE("JCache, Caffeine");

  private final String label;

  Provider(String label) {
    this.label = label;
  }

  /** How the results name it. */
  String label() {
    return label;
  }

  boolean caches() {
    return this != NO_CACHE;
  }

  boolean usesRedis() {
    return this == RINGCACHE_REDIS || this == REDISSON;
  }

  boolean usesMemcached() {
    return this == RINGCACHE_MEMCACHED;
  }

  /**
   * The cache settings of this provider over {@code servers}; {@code redissonConfig} is the file
   * {@link #redissonConfig} was written to (used by {@link #REDISSON} only).
   */
  Map<String, Object> settings(BenchServers servers, Path redissonConfig) {
    Map<String, Object> s = new HashMap<>();
    s.put("jakarta.persistence.sharedCache.mode", "ENABLE_SELECTIVE");
    s.put("hibernate.cache.use_second_level_cache", Boolean.toString(caches()));
    s.put("hibernate.cache.use_query_cache", Boolean.toString(caches()));
    switch (this) {
      case NO_CACHE -> { }
      case RINGCACHE_REDIS -> ringcache(s, "redis://" + servers.redisAddress());
      case RINGCACHE_MEMCACHED -> ringcache(s, "memcached://" + servers.memcachedAddress());
      case RINGCACHE_LOCAL -> ringcache(s, "local://bench");
      case REDISSON -> {
        s.put("hibernate.cache.region.factory_class",
            "org.redisson.hibernate.RedissonRegionFactory");
        s.put("hibernate.cache.redisson.config", redissonConfig.toString());
      }
      case JCACHE_CAFFEINE -> {
        s.put("hibernate.cache.region.factory_class", "jcache");
        s.put("hibernate.javax.cache.provider",
            "com.github.benmanes.caffeine.jcache.spi.CaffeineCachingProvider");
        s.put("hibernate.javax.cache.missing_cache_strategy", "create");
      }
    }
    return s;
  }

  private static void ringcache(Map<String, Object> s, String nodes) {
    s.put("hibernate.cache.region.factory_class", "ringcache");
    s.put("hibernate.cache.query_cache_factory", "ringcache");
    s.put(RingCacheSettings.NODES, nodes);
    s.put(RingCacheSettings.NAMESPACE, "bench");
  }

  /** Redisson's configuration file: one Redis, everything else Redisson's defaults. */
  static String redissonConfig(BenchServers servers) {
    return "singleServerConfig:\n  address: \"redis://" + servers.redisAddress() + "\"\n";
  }
}
