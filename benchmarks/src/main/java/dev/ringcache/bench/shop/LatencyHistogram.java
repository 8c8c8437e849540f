package dev.ringcache.bench.shop;

/**
 * Latencies in nanoseconds, counted in buckets of at most 1/64 of their value (exact below 128
 * ns), so that a long run takes no more memory than a short one. A percentile is the middle of
 * its bucket: within 0.8% of the true value. The maximum is exact.
 *
 * <p>Not thread-safe: one per worker thread, merged after the workers have stopped.
 */
final class LatencyHistogram {
  private static final int SUB_BITS = 7;
  private static final int SUB = 1 << SUB_BITS;

  private final long[] counts = new long[(64 - SUB_BITS + 1) * SUB];
  private long total;
  private long max;

  void record(long nanos) {
    long value = Math.max(0, nanos);
    counts[index(value)]++;
    total++;
    max = Math.max(max, value);
  }

  void add(LatencyHistogram other) {
    for (int i = 0; i < counts.length; i++) {
      counts[i] += other.counts[i];
    }
    total += other.total;
    max = Math.max(max, other.max);
  }

  long count() {
    return total;
  }

  long maxNanos() {
    return max;
  }

  /**
   * The latency at quantile {@code q} (0 < q ≤ 1): the smallest bucket that holds at least {@code
   * q} of the values, by its middle; the exact maximum for q = 1. 0 when nothing was recorded.
   */
  long quantileNanos(double q) {
    if (!(q > 0 && q <= 1)) {
      throw new IllegalArgumentException("quantile must be in (0, 1]: " + q);
    }
    if (total == 0) {
      return 0;
    }
    if (q == 1) {
      return max;
    }
    long rank = (long) Math.ceil(q * total);
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return Math.min(middle(i), max);
      }
    }
    return max;
  }

  static int index(long value) {
    if (value < SUB) {
      return (int) value;
    }
    int exponent = 64 - Long.numberOfLeadingZeros(value) - SUB_BITS; // at least 1
    return exponent * SUB + (int) (value >>> exponent);
  }

  /** The middle of bucket {@code index}: the lowest value in it plus half its width. */
  static long middle(int index) {
    int exponent = index / SUB;
    long mantissa = index % SUB;
    if (exponent == 0) {
      return mantissa;
    }
    return (mantissa << exponent) + ((1L << exponent) >>> 1);
  }
}
