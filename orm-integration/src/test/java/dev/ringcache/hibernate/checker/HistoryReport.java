package dev.ringcache.hibernate.checker;

import dev.ringcache.hibernate.checker.Violation.Kind;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link HistoryChecker} run did and found: operation counts, the violations of its history
 * by kind, the mismatches of the quiescent check, and the second-level cache hit ratios of the
 * entity and collection regions, summed over the session factories: every lookup after the
 * warm-up counts, the writers' {@code find} too; those of the quiescent check do not.
 *
 * <p>Immutable and thread-safe.
 */
record HistoryReport(Workload workload, int reads, int readFailures, int writes, int committed,
    int rolledBack, int failed, int indeterminate, Map<String, Integer> failureCauses,
    List<Violation> violations, List<QuiescentMismatch> quiescentMismatches, CacheCounts cache,
    Duration workloadTime, Duration checkTime) {

  /** How many examples {@link #toString()} shows of each kind. */
  static final int EXAMPLES = 3;

  HistoryReport {
    Objects.requireNonNull(workload, "workload");
    Objects.requireNonNull(cache, "cache");
    failureCauses = Map.copyOf(failureCauses);
    violations = List.copyOf(violations);
    quiescentMismatches = List.copyOf(quiescentMismatches);
  }

  /** Second-level cache lookups (hits, misses) and puts in the entity and collection regions. */
  record CacheCounts(long entityHits, long entityMisses, long entityPuts, long collectionHits,
      long collectionMisses, long collectionPuts) {
    static final CacheCounts NONE = new CacheCounts(0, 0, 0, 0, 0, 0);

    CacheCounts plus(CacheCounts o) {
      return new CacheCounts(entityHits + o.entityHits, entityMisses + o.entityMisses,
          entityPuts + o.entityPuts, collectionHits + o.collectionHits,
          collectionMisses + o.collectionMisses, collectionPuts + o.collectionPuts);
    }

    CacheCounts minus(CacheCounts o) {
      return new CacheCounts(entityHits - o.entityHits, entityMisses - o.entityMisses,
          entityPuts - o.entityPuts, collectionHits - o.collectionHits,
          collectionMisses - o.collectionMisses, collectionPuts - o.collectionPuts);
    }
  }

  /**
   * After the workload, a session factory served a register's value that differs from the
   * database's ({@code cached} is what {@code find} returned in a fresh session).
   */
  record QuiescentMismatch(int factory, String register, @Nullable String cached,
      @Nullable String database) {
    @Override
    public String toString() {
      return "sf" + factory + " serves " + register + " = " + cached + ", the database has "
          + database;
    }
  }

  List<Violation> violations(Kind kind) {
    return violations.stream().filter(v -> v.kind() == kind).toList();
  }

  /** Entity region hits / (hits + misses); NaN if there was no lookup. */
  double entityHitRatio() {
    return (double) cache.entityHits() / (cache.entityHits() + cache.entityMisses());
  }

  /** Collection region hits / (hits + misses); NaN if there was no lookup. */
  double collectionHitRatio() {
    return (double) cache.collectionHits()
        / (cache.collectionHits() + cache.collectionMisses());
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder(256).append(workload).append('\n');
    text.append(String.format(Locale.ROOT, "  %d reads (%d failed), %d writes: %d committed, %d "
        + "rolled back, %d failed %s, %d indeterminate; workload %d ms, check %d ms%n", reads,
        readFailures, writes, committed, rolledBack, failed, failureCauses, indeterminate,
        workloadTime.toMillis(), checkTime.toMillis()));
    CacheCounts c = cache;
    text.append(String.format(Locale.ROOT, "  L2 hit ratio: entity %.3f (%d/%d, %d puts)",
        entityHitRatio(), c.entityHits(), c.entityHits() + c.entityMisses(), c.entityPuts()));
    if (c.collectionHits() + c.collectionMisses() > 0) {
      text.append(String.format(Locale.ROOT, ", collection %.3f (%d/%d, %d puts)",
          collectionHitRatio(), c.collectionHits(), c.collectionHits() + c.collectionMisses(),
          c.collectionPuts()));
    }
    text.append('\n');
    for (Kind kind : Kind.values()) {
      List<Violation> found = violations(kind);
      text.append("  ").append(kind).append(": ").append(found.size()).append('\n');
      found.stream().limit(EXAMPLES).forEach(v -> text.append("    ").append(v).append('\n'));
    }
    text.append("  quiescent mismatches: ").append(quiescentMismatches.size()).append('\n');
    quiescentMismatches.stream().limit(EXAMPLES)
        .forEach(m -> text.append("    ").append(m).append('\n'));
    return text.toString();
  }
}
