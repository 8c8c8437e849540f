package dev.ringcache.hibernate;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A factory's memory of its recent puts: the same put, within the window, until forgotten. */
class RecentPutsTest {
  private static final byte[] KEY = bytes("shop:product:-:com.example.Product#1");
  private static final long V1 = RecentPuts.digest(bytes("state of version 1"));

  @Test
  void theSamePut_isAnswered_butNotAnotherValueVersionOrKey() {
    RecentPuts recent = new RecentPuts(RecentPuts.WINDOW_NANOS);
    assertThat(recent.answered(KEY, V1, 1)).as("nothing remembered yet").isFalse();
    recent.remember(KEY, V1, 1);
    assertThat(recent.answered(KEY, V1, 1)).isTrue();
    assertThat(recent.answered(KEY.clone(), V1, 1)).as("keys compare by bytes").isTrue();
    assertThat(recent.answered(KEY, RecentPuts.digest(bytes("state of version 2")), 1)).isFalse();
    assertThat(recent.answered(KEY, V1, 2)).isFalse();
    assertThat(recent.answered(bytes("shop:product:-:com.example.Product#2"), V1, 1)).isFalse();
  }

  @Test
  void aForgottenKey_isNotAnswered() {
    RecentPuts recent = new RecentPuts(RecentPuts.WINDOW_NANOS);
    recent.remember(KEY, V1, 1);
    recent.forget(bytes("shop:product:-:com.example.Product#2"));
    assertThat(recent.answered(KEY, V1, 1)).as("another key forgotten").isTrue();
    recent.forget(KEY);
    assertThat(recent.answered(KEY, V1, 1)).isFalse();
  }

  @Test
  void aPut_isRememberedForTheWindowOnly() {
    RecentPuts recent = new RecentPuts(Duration.ofMillis(50).toNanos());
    recent.remember(KEY, V1, 1);
    assertThat(recent.answered(KEY, V1, 1)).isTrue();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (recent.answered(KEY, V1, 1) && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(recent.answered(KEY, V1, 1)).as("after its window").isFalse();
  }

  @Test
  void manyKeys_stayWithinTheSlots_andTheLatestOfEachSlotIsKept() {
    RecentPuts recent = new RecentPuts(RecentPuts.WINDOW_NANOS);
    for (int i = 0; i < 100_000; i++) {
      recent.remember(bytes("k" + i), V1, i);
    }
    int answered = 0;
    for (int i = 0; i < 100_000; i++) {
      answered += recent.answered(bytes("k" + i), V1, i) ? 1 : 0;
    }
    assertThat(answered).as("at most one key per slot").isPositive().isLessThanOrEqualTo(4096);
    assertThat(recent.answered(bytes("k99999"), V1, 99_999)).as("the last one").isTrue();
  }

  @Test
  void digests_differForValuesThatDiffer() {
    assertThat(RecentPuts.digest(bytes("a"))).isNotEqualTo(RecentPuts.digest(bytes("b")));
    assertThat(RecentPuts.digest(bytes("ab"))).isNotEqualTo(RecentPuts.digest(bytes("ba")));
    assertThat(RecentPuts.digest(bytes("same"))).isEqualTo(RecentPuts.digest(bytes("same")));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }
}
