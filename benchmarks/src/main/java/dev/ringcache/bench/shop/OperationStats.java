package dev.ringcache.bench.shop;

/**
 * What one kind of {@link Operation} did in a phase's measured window: latencies, and how many
 * ended other than by a commit.
 *
 * <p>Not thread-safe: one per worker thread and operation, merged after the workers stopped.
 */
final class OperationStats {
  final LatencyHistogram latency = new LatencyHistogram();
  /** Write transactions rolled back on purpose. */
  long rolledBack;
  /** Write transactions that lost an optimistic lock (or a row lock) to another one. */
  long conflicts;
  /** Operations that failed with anything else. */
  long errors;

  long count() {
    return latency.count();
  }

  void add(OperationStats other) {
    latency.add(other.latency);
    rolledBack += other.rolledBack;
    conflicts += other.conflicts;
    errors += other.errors;
  }
}
