package dev.ringcache.bench.shop;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Draws ranks 0..n-1 with Zipf's law: rank k is drawn with a probability proportional to {@code
 * 1 / (k + 1)^exponent}, so a few items (the popular products) take most draws.
 *
 * <p>Immutable and thread-safe (the caller brings the random source).
 */
final class Zipf {
  private final double[] cumulative;

  Zipf(int n, double exponent) {
    if (n < 1 || exponent < 0) {
      throw new IllegalArgumentException("n must be at least 1 and exponent at least 0; were " + n
          + " and " + exponent);
    }
    cumulative = new double[n];
    double sum = 0;
    for (int k = 0; k < n; k++) {
      sum += 1 / Math.pow(k + 1, exponent);
      cumulative[k] = sum;
    }
    for (int k = 0; k < n; k++) {
      cumulative[k] /= sum;
    }
    cumulative[n - 1] = 1.0; // no rounding gap above the last rank
  }

  /** A rank, from 0 (the most popular) to n-1. */
  int next(SplittableRandom random) {
    double u = random.nextDouble(); // [0, 1)
    int at = Arrays.binarySearch(cumulative, u);
    // An exact hit on cumulative[k] belongs to rank k + 1: rank k covers [cum[k-1], cum[k]).
    return at >= 0 ? Math.min(at + 1, cumulative.length - 1) : -at - 1;
  }

  /** The probability of {@code rank}. */
  double probability(int rank) {
    return rank == 0 ? cumulative[0] : cumulative[rank] - cumulative[rank - 1];
  }
}
