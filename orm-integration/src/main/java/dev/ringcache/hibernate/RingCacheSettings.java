package dev.ringcache.hibernate;

import dev.ringcache.api.ShardedCache;
import dev.ringcache.ring.Placement;
import java.time.Duration;

/**
 * The names of ringcache's Hibernate settings, all under {@value #PREFIX}, and their defaults.
 * Θ below is the longest a transaction may run ({@link #MAX_TRANSACTION}); DESIGN.md §4 says why
 * locks live 2Θ and leases and tombstones Θ.
 *
 * <p>A value may be text, as in {@code hibernate.properties} or {@code persistence.xml}, or, when
 * settings are passed programmatically, its natural Java type: a {@link Duration} for a duration,
 * an {@link Integer} (or {@link Long}, {@link Short}, {@link Byte}) for a count, a
 * {@link Placement} for the placement, a {@code Collection<String>} of URIs for the nodes. A
 * duration as text is a whole number and a unit, {@code ms}, {@code s}, {@code m}, {@code h} or
 * {@code d}: {@code 50ms}, {@code 2s}, {@code 10m}. A bare number is refused for a duration, since
 * nothing would say its unit. Blank text is refused too: leave a setting out to get its default.
 *
 * <p>Settings are read once, when the region factory starts. A setting under {@value #PREFIX} that
 * ringcache does not know (a typo such as {@code hibernate.cache.ringcache.tll}), or a value it
 * cannot read, fails the start with a {@link dev.ringcache.api.ConfigurationException} that names
 * the setting, the value (never a password) and what would be accepted.
 *
 * <p>Immutable and thread-safe (constants only).
 */
public final class RingCacheSettings {
  /** The prefix of every ringcache setting. */
  public static final String PREFIX = "hibernate.cache.ringcache.";

  /**
   * The cache nodes: node URIs separated by commas, e.g. {@code
   * redis://10.0.1.1:6379,redis://10.0.1.2:6379?weight=2}. Schemes: {@code local://name}
   * (in-process), {@code redis://}, {@code rediss://} (TLS), {@code memcached://}; per-node options
   * such as {@code timeout=50ms} and {@code weight=2} ride in the query string. Percent-encode a
   * comma in a password as {@code %2C}; passwords never appear in messages or logs.
   *
   * <p>Default: derived — one in-process node, {@code local://<namespace>}, so that session
   * factories of one application in one JVM share it.
   */
  public static final String NODES = PREFIX + "nodes";

  /**
   * The application's namespace: the first part of every cache key, so that two applications that
   * share nodes never read each other's entries. Give each application its own, and every JVM of
   * one application the same one.
   *
   * <p>Default: derived — the persistence unit name ({@code hibernate.persistenceUnitName}, which
   * Hibernate sets for JPA bootstrap), else the session factory name ({@code
   * hibernate.session_factory_name}), else {@value #DEFAULT_NAMESPACE} when every node is {@code
   * local://}. With shared nodes and none of these, the start fails and asks for a namespace: an
   * application without a name would share entries with every other one.
   */
  public static final String NAMESPACE = PREFIX + "namespace";

  /** The namespace of an application with no name whose nodes are all in-process. */
  public static final String DEFAULT_NAMESPACE = "default";

  /**
   * How keys are placed on the ring of nodes, one of {@code DEFAULT} (ringcache's own), {@code
   * KETAMA}, {@code KETAMA_WEIGHTED} (spymemcached's, bit for bit) or {@code JEDIS} (Jedis 4–6
   * sharding, bit for bit); case does not matter. Every JVM sharing nodes must use the same one.
   * See {@link Placement}.
   *
   * <p>Default: {@code DEFAULT}.
   */
  public static final String PLACEMENT = PREFIX + "placement";

  /** The default of {@link #PLACEMENT}. */
  public static final Placement DEFAULT_PLACEMENT = Placement.DEFAULT;

  /**
   * Ring points per unit of node weight, a whole number from 1. {@code KETAMA} and {@code
   * KETAMA_WEIGHTED} need a multiple of 4, {@code JEDIS} exactly 160. Every JVM sharing nodes must
   * use the same value.
   *
   * <p>Default: derived — the placement's own: 4096 for {@code DEFAULT}, 160 for the others.
   */
  public static final String REPLICAS = PREFIX + "replicas";

  /**
   * How long a cached value lives at its node, a duration from {@code 1ms} to {@code 365d}. Any
   * region can override it with {@link #REGION_PREFIX}{@code <region>.}{@link #REGION_TTL}.
   *
   * <p>Default: {@code 1h}.
   */
  public static final String TTL = PREFIX + "ttl";

  /** The default of {@link #TTL}. */
  public static final Duration DEFAULT_TTL = Duration.ofHours(1);

  /**
   * Θ: the longest a transaction may run, a duration from {@code 1ms} to {@code 12h}. A writer's
   * lock lives 2Θ, so a writer that dies before it unlocks blocks its keys for at most 2Θ; leases
   * and tombstones live Θ; values loaded by a transaction older than Θ are never cached. A
   * transaction that runs longer than Θ can let a stale value into the cache: set it above your
   * transaction timeout.
   *
   * <p>Default: {@code 60s}.
   */
  public static final String MAX_TRANSACTION = PREFIX + "max_transaction";

  /** The default of {@link #MAX_TRANSACTION}. */
  public static final Duration DEFAULT_MAX_TRANSACTION = Duration.ofSeconds(60);

  /**
   * How long a node takes no puts after it has been cleared on its return or joined the ring, a
   * duration from 2Θ to {@code 1d}. Less than 2Θ is refused: data read before the node was cleared
   * could still be put.
   *
   * <p>Default: derived — 2Θ, {@code 2m} for the default Θ.
   */
  public static final String QUARANTINE = PREFIX + "quarantine";

  /**
   * Failed reads or puts in a row that open a node's circuit breaker, a whole number from 1 to
   * 1000; a timeout opens it at once. While it is open the node costs no network attempt.
   *
   * <p>Default: {@code 3}.
   */
  public static final String FAILURE_THRESHOLD = PREFIX + "failure_threshold";

  /** The default of {@link #FAILURE_THRESHOLD}. */
  public static final int DEFAULT_FAILURE_THRESHOLD = ShardedCache.DEFAULT_FAILURE_THRESHOLD;

  /**
   * How often a node whose breaker is open is probed in the background, a duration from {@code
   * 10ms} to {@code 10m}.
   *
   * <p>Default: {@code 1s}.
   */
  public static final String PROBE_INTERVAL = PREFIX + "probe_interval";

  /** The default of {@link #PROBE_INTERVAL}. */
  public static final Duration DEFAULT_PROBE_INTERVAL = ShardedCache.DEFAULT_PROBE_INTERVAL;

  /**
   * How long a JVM trusts its copy of a region's generation, a duration from {@code 10ms} to
   * {@code 10s}. A bulk update or delete (HQL or native) starts a new generation of its regions
   * after the database commit, and {@code commit()} then waits this long before it returns, so
   * that no JVM can read an entry from before. Evicting a whole region (JPA {@code
   * Cache.evict(Class)}, {@code SessionFactory.getCache().evictEntityData(...)}) also starts a new
   * generation, without waiting: this JVM stops serving the old entries at once, the others within
   * this interval. Every JVM sharing nodes must use the same value.
   *
   * <p>Default: {@code 500ms}.
   */
  public static final String GENERATION_CHECK_INTERVAL = PREFIX + "generation_check_interval";

  /** The default of {@link #GENERATION_CHECK_INTERVAL}. */
  public static final Duration DEFAULT_GENERATION_CHECK_INTERVAL = Duration.ofMillis(500);

  /**
   * Where the node layer reports what it does: a {@link dev.ringcache.api.CacheMetrics} instance
   * (when settings are passed programmatically), or the name of a class that implements it and
   * has a public no-argument constructor. Every operation is reported with its node, its region
   * and its latency; {@link dev.ringcache.api.CacheStatistics} keeps counts in memory, {@code
   * dev.ringcache.api.micrometer.MicrometerCacheMetrics} registers Micrometer meters. The region
   * factory does not close it.
   *
   * <p>Default: none (nothing is recorded).
   */
  public static final String METRICS = PREFIX + "metrics";

  /**
   * The prefix of per-region settings: {@code hibernate.cache.ringcache.region.<region>.<setting>},
   * where {@code <region>} is the region name as Hibernate gives it (it may contain dots, e.g.
   * {@code com.example.Order}) and {@code <setting>} is one of the {@code REGION_} names below.
   */
  public static final String REGION_PREFIX = PREFIX + "region.";

  /**
   * Per region, after {@link #REGION_PREFIX}{@code <region>.}: how long that region's values live,
   * a duration from {@code 1ms} to {@code 365d}; e.g. {@code
   * hibernate.cache.ringcache.region.com.example.Order.ttl=10m}.
   *
   * <p>Default: derived — {@link #TTL}.
   */
  public static final String REGION_TTL = "ttl";

  private RingCacheSettings() {}
}
