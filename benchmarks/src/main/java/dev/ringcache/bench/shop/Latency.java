package dev.ringcache.bench.shop;

/**
 * Latency percentiles of a set of operations, in nanoseconds (see {@link LatencyHistogram} for
 * their precision).
 *
 * <p>Immutable and thread-safe.
 */
record Latency(long p50, long p90, long p99, long p999, long max) {
  static Latency of(LatencyHistogram h) {
    return new Latency(h.quantileNanos(0.50), h.quantileNanos(0.90), h.quantileNanos(0.99),
        h.quantileNanos(0.999), h.maxNanos());
  }
}
