package dev.ringcache.hibernate.checker;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.hibernate.cache.spi.access.AccessType;

/**
 * What one run of the {@link HistoryChecker} does: which cache, with which access type, on which
 * entity, with how many session factories and threads, over how many hot rows, with which mix of
 * operations, for how long, from which seed. The defaults are those of the issue: 3 session
 * factories × 4 threads, 8 hot rows, 30% writes of which one in three rolls back, 20 s, of which
 * the first 2 s do not count in the hit ratios (a cold JIT makes transactions slower, so they
 * overlap more, and the hit ratio lower).
 *
 * <p>{@code settings} are added to every session factory's settings (the region factory's own),
 * then {@code factorySettings} to those of one factory, by its index from 0 (one slower
 * application server, say); the checker supplies the database, the schema action, the access type
 * and statistics.
 *
 * <p>Immutable and thread-safe.
 */
record Workload(String regionFactory, Map<String, Object> settings,
    Map<Integer, Map<String, Object>> factorySettings, AccessType access,
    Class<? extends Checked> entity, int factories, int threadsPerFactory, int hotRows,
    int writePercent, int rollbackOneIn, Duration duration, Duration warmUp, long seed) {

  static final int DEFAULT_FACTORIES = 3;
  static final int DEFAULT_THREADS_PER_FACTORY = 4;
  static final int DEFAULT_HOT_ROWS = 8;
  static final int DEFAULT_WRITE_PERCENT = 30;
  static final int DEFAULT_ROLLBACK_ONE_IN = 3;
  static final Duration DEFAULT_DURATION = Duration.ofSeconds(20);
  /** Long enough for the JIT to compile the hot paths on a small machine. */
  static final Duration DEFAULT_WARM_UP = Duration.ofSeconds(2);
  static final long DEFAULT_SEED = 20_250_101L;

  Workload {
    Objects.requireNonNull(regionFactory, "regionFactory");
    settings = Map.copyOf(settings);
    Map<Integer, Map<String, Object>> copy = new HashMap<>();
    factorySettings.forEach((factory, more) -> copy.put(factory, Map.copyOf(more)));
    factorySettings = Map.copyOf(copy);
    Objects.requireNonNull(access, "access");
    Objects.requireNonNull(entity, "entity");
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(warmUp, "warmUp");
    if (factories < 1 || threadsPerFactory < 1 || hotRows < 1 || writePercent < 0
        || writePercent > 100 || rollbackOneIn < 1 || warmUp.isNegative()
        || warmUp.compareTo(duration) >= 0) {
      throw new IllegalArgumentException("bad workload: " + this);
    }
  }

  /** The defaults over {@code regionFactory}, configured by {@code settings}. */
  static Workload of(String regionFactory, Map<String, Object> settings) {
    return new Workload(regionFactory, settings, Map.of(), AccessType.READ_WRITE,
        CheckedRow.class, DEFAULT_FACTORIES, DEFAULT_THREADS_PER_FACTORY, DEFAULT_HOT_ROWS,
        DEFAULT_WRITE_PERCENT, DEFAULT_ROLLBACK_ONE_IN, DEFAULT_DURATION, DEFAULT_WARM_UP,
        DEFAULT_SEED);
  }

  /**
   * Whether writes also replace the row's tags, which are then read and checked as a second
   * register: only for a versioned entity, whose version orders the writers of a row.
   */
  boolean collections() {
    return entity == CheckedRow.class;
  }

  /** The settings of factory {@code factory}: those of all, then its own. */
  Map<String, Object> settingsOf(int factory) {
    Map<String, Object> all = new HashMap<>(settings);
    all.putAll(factorySettings.getOrDefault(factory, Map.of()));
    return all;
  }

  /** This workload, with {@code setting} set for factory {@code factory} only. */
  Workload with(int factory, String setting, Object value) {
    Map<Integer, Map<String, Object>> more = new HashMap<>(factorySettings);
    Map<String, Object> own = new HashMap<>(more.getOrDefault(factory, Map.of()));
    own.put(setting, value);
    more.put(factory, own);
    return new Workload(regionFactory, settings, more, access, entity, factories,
        threadsPerFactory, hotRows, writePercent, rollbackOneIn, duration, warmUp, seed);
  }

  Workload withAccess(AccessType access) {
    return new Workload(regionFactory, settings, factorySettings, access, entity, factories,
        threadsPerFactory, hotRows, writePercent, rollbackOneIn, duration, warmUp, seed);
  }

  Workload withEntity(Class<? extends Checked> entity) {
    return new Workload(regionFactory, settings, factorySettings, access, entity, factories,
        threadsPerFactory, hotRows, writePercent, rollbackOneIn, duration, warmUp, seed);
  }

  Workload withThreads(int factories, int threadsPerFactory) {
    return new Workload(regionFactory, settings, factorySettings, access, entity, factories,
        threadsPerFactory, hotRows, writePercent, rollbackOneIn, duration, warmUp, seed);
  }

  Workload withHotRows(int hotRows) {
    return new Workload(regionFactory, settings, factorySettings, access, entity, factories,
        threadsPerFactory, hotRows, writePercent, rollbackOneIn, duration, warmUp, seed);
  }

  Workload withMix(int writePercent, int rollbackOneIn) {
    return new Workload(regionFactory, settings, factorySettings, access, entity, factories,
        threadsPerFactory, hotRows, writePercent, rollbackOneIn, duration, warmUp, seed);
  }

  /**
   * This workload, running for {@code duration}, of which the first {@code warmUp} do not count
   * in the hit ratios (every operation is checked).
   */
  Workload withDuration(Duration duration, Duration warmUp) {
    return new Workload(regionFactory, settings, factorySettings, access, entity, factories,
        threadsPerFactory, hotRows, writePercent, rollbackOneIn, duration, warmUp, seed);
  }

  @Override
  public String toString() {
    return regionFactory + " " + access + " " + entity.getSimpleName() + (collections()
        ? "+tags" : "") + ", " + factories + " SF x " + threadsPerFactory + " threads, " + hotRows
        + " hot rows, " + writePercent + "% writes (1 in " + rollbackOneIn + " rolled back), "
        + duration.toMillis() + " ms (" + warmUp.toMillis() + " ms warm-up), seed " + seed
        + (factorySettings.isEmpty() ? "" : ", per factory " + factorySettings);
  }
}
