package dev.ringcache.bench.shop;

import java.time.Instant;
import java.util.Objects;

/**
 * What a whole run found: its options, where it ran, and its two phases.
 *
 * @param options the options of the run
 * @param database what the database was (never a password)
 * @param cache what the cache nodes were
 * @param environment the JVM and the machine
 * @param startedAt when the run started
 * @param without the phase without a second-level cache
 * @param with the phase with ringcache
 *
 * <p>Immutable and thread-safe.
 */
record ShopResult(ShopOptions options, String database, String cache, String environment,
    Instant startedAt, PhaseResult without, PhaseResult with) {

  ShopResult {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(cache, "cache");
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(without, "without");
    Objects.requireNonNull(with, "with");
  }

  /** Stale, dirty and impossible reads found in both phases: 0 is the expected result. */
  long violations() {
    return without.consistency().violations() + with.consistency().violations();
  }

  long readsChecked() {
    return without.consistency().readsChecked() + with.consistency().readsChecked();
  }

  /**
   * The SQL statements the cache saved: those the measured operations with the cache would have
   * cost at the rate without it, less those they cost.
   */
  long sqlAvoided() {
    return Math.round(without.sqlPerOperation() * with.operationCount()) - with.sqlStatements();
  }

  /** The share of SQL statements per operation the cache saved. */
  double sqlAvoidedShare() {
    double before = without.sqlPerOperation();
    return before == 0 ? 0 : 1 - with.sqlPerOperation() / before;
  }
}
