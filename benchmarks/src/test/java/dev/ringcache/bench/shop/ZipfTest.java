package dev.ringcache.bench.shop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ZipfTest {

  @Test
  void next_drawsEachRankAboutAsOftenAsItsProbability() {
    Zipf zipf = new Zipf(2_000, 1.0);
    SplittableRandom random = new SplittableRandom(42);
    int[] drawn = new int[2_000];
    int draws = 400_000;
    for (int i = 0; i < draws; i++) {
      drawn[zipf.next(random)]++;
    }

    double harmonic = 0;
    for (int k = 1; k <= 2_000; k++) {
      harmonic += 1.0 / k;
    }
    assertThat(zipf.probability(0)).isCloseTo(1 / harmonic, within(1e-12));
    assertThat(zipf.probability(9)).isCloseTo(0.1 / harmonic, within(1e-12));
    assertThat(drawn[0] / (double) draws).isCloseTo(zipf.probability(0), within(0.005));
    assertThat(drawn[9] / (double) draws).isCloseTo(zipf.probability(9), within(0.002));
    assertThat(drawn[1_999]).isLessThan(drawn[0] / 100);
  }

  @Test
  void next_withExponentZero_isUniform_andStaysInRange() {
    Zipf uniform = new Zipf(4, 0);
    SplittableRandom random = new SplittableRandom(1);
    int[] drawn = new int[4];
    for (int i = 0; i < 40_000; i++) {
      drawn[uniform.next(random)]++;
    }
    for (int n : drawn) {
      assertThat(n).isBetween(9_500, 10_500);
    }
  }
}
