package dev.ringcache.bench.shop;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What one phase of the run measured (operations that started in its measured window, after the
 * warm-up) and what its consistency check found (every read of the phase).
 *
 * @param cached whether the phase ran with ringcache
 * @param warmUp the start of the phase that was not measured
 * @param measured the measured window
 * @param operations per operation: count, latency, how the writes ended
 * @param latency every operation's latency
 * @param timeline operations completed in each second of the phase, warm-up included
 * @param sqlStatements SQL statements prepared in the measured window (Hibernate's statistics)
 * @param regions per cache region (with the cache only)
 * @param nodes per cache node (with the cache only)
 * @param requestKinds per kind of request to the nodes, e.g. {@code get-or-lease} (with the cache
 *     only)
 * @param consistency what the consistency check found
 * @param errors some of the unexpected failures, if any
 *
 * <p>Immutable and thread-safe (the timeline is copied on the way in and out).
 */
record PhaseResult(boolean cached, Duration warmUp, Duration measured,
    Map<Operation, OperationSummary> operations, Latency latency, long[] timeline,
    long sqlStatements, List<RegionResult> regions, List<NodeResult> nodes,
    List<RequestKind> requestKinds, ConsistencyCheck.Counts consistency, List<String> errors) {

  PhaseResult {
    operations = Map.copyOf(operations);
    timeline = timeline.clone();
    regions = List.copyOf(regions);
    nodes = List.copyOf(nodes);
    requestKinds = List.copyOf(requestKinds);
    errors = List.copyOf(errors);
  }

  @Override
  public long[] timeline() {
    return timeline.clone();
  }

  /** One operation's results. */
  record OperationSummary(long count, Latency latency, long rolledBack, long conflicts,
      long errors) {}

  /**
   * One cache region: Hibernate's hits, misses and puts ({@code -1} for ringcache's own records,
   * which Hibernate does not look up: the query cache's table stamps, its clock, batches over
   * several regions), ringcache's requests to the nodes for its keys, and the records it holds at
   * the end ({@code -1}: a node could not tell).
   */
  record RegionResult(String name, long hits, long misses, long puts, long requests, long keys) {
    boolean hibernates() {
      return hits >= 0;
    }

    double hitRatio() {
      return hits <= 0 ? 0 : (double) hits / (hits + misses);
    }
  }

  /**
   * One cache node: the requests ringcache sent it (failed ones included), those it did not send
   * (breaker open, quarantine), their summed latency, and the records and bytes it holds under
   * the demo's namespace at the end ({@code -1}: it could not tell).
   */
  record NodeResult(String id, long requests, long failures, long notSent, long totalNanos,
      long keys, long bytes) {}

  /**
   * One kind of request ringcache sent the nodes ({@link dev.ringcache.api.CacheOperation}, as
   * metrics name it): how many, and their summed latency. A batch to one node is one request.
   */
  record RequestKind(String name, long count, long totalNanos) {}

  long operationCount() {
    return operations.values().stream().mapToLong(OperationSummary::count).sum();
  }

  /** Operations per second over the measured window. */
  double throughput() {
    return operationCount() / (measured.toNanos() / 1e9);
  }

  long rolledBack() {
    return operations.values().stream().mapToLong(OperationSummary::rolledBack).sum();
  }

  long conflicts() {
    return operations.values().stream().mapToLong(OperationSummary::conflicts).sum();
  }

  long errorCount() {
    return operations.values().stream().mapToLong(OperationSummary::errors).sum();
  }

  double sqlPerOperation() {
    long ops = operationCount();
    return ops == 0 ? 0 : (double) sqlStatements / ops;
  }

  long cacheRequests() {
    return nodes.stream().mapToLong(NodeResult::requests).sum();
  }

  double cacheRequestsPerOperation() {
    long ops = operationCount();
    return ops == 0 ? 0 : (double) cacheRequests() / ops;
  }

  long hits() {
    return regions.stream().filter(RegionResult::hibernates).mapToLong(RegionResult::hits).sum();
  }

  long misses() {
    return regions.stream().filter(RegionResult::hibernates).mapToLong(RegionResult::misses)
        .sum();
  }

  double hitRatio() {
    long lookups = hits() + misses();
    return lookups == 0 ? 0 : (double) hits() / lookups;
  }
}
