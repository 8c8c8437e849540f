package dev.ringcache.bench.shop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

  @Test
  void quantiles_areWithinOnePercentOfTheExactOnes_andTheMaximumIsExact() {
    SplittableRandom random = new SplittableRandom(7);
    long[] values = new long[100_000];
    LatencyHistogram histogram = new LatencyHistogram();
    for (int i = 0; i < values.length; i++) {
      values[i] = (long) Math.exp(random.nextDouble(Math.log(50), Math.log(5e8))); // 50 ns..0.5 s
      histogram.record(values[i]);
    }
    Arrays.sort(values);

    for (double q : new double[] {0.5, 0.9, 0.99, 0.999}) {
      long exact = values[(int) Math.ceil(q * values.length) - 1];
      assertThat((double) histogram.quantileNanos(q)).as("q=" + q)
          .isCloseTo(exact, within(exact * 0.01 + 1));
    }
    assertThat(histogram.quantileNanos(1)).isEqualTo(values[values.length - 1]);
    assertThat(histogram.count()).isEqualTo(values.length);
  }

  @Test
  void add_mergesCountsAndMaximum_andAnEmptyHistogramSaysZero() {
    LatencyHistogram a = new LatencyHistogram();
    LatencyHistogram b = new LatencyHistogram();
    assertThat(a.quantileNanos(0.99)).isZero();
    a.record(100);
    b.record(1_000_000);
    b.record(1_000_000);

    a.add(b);

    assertThat(a.count()).isEqualTo(3);
    assertThat(a.maxNanos()).isEqualTo(1_000_000);
    assertThat(a.quantileNanos(0.3)).isEqualTo(100);
  }

  @Test
  void index_andMiddle_keepEveryValueInsideItsBucket() {
    for (long v : new long[] {0, 1, 127, 128, 129, 255, 256, 1_000, 123_456_789, Long.MAX_VALUE}) {
      int index = LatencyHistogram.index(v);
      long middle = LatencyHistogram.middle(index);
      assertThat((double) middle).as("v=" + v).isCloseTo(v, within(v / 64.0 + 1));
    }
  }
}
