package dev.ringcache.api;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A router does not send a put from a load again that it just made with the same key, bytes and
 * version and that stored its value or found one there; anything it does to the key since, or a
 * put that met anything but a value, makes it send the next one.
 */
class RecentPutsTest {
  private static final Duration TTL = Duration.ofMinutes(5);
  private static final EntryTimes TIMES = EntryTimes.of(Duration.ofMinutes(1), TTL);
  private static int run;

  private final String node = "rp" + (++run);
  private final List<ShardedCache> caches = new ArrayList<>();
  private final byte[] key = bytes("com.example.Book#1");

  @AfterEach
  void closeCaches() {
    caches.forEach(ShardedCache::close);
  }

  private ShardedCache cache() {
    ShardedCache cache = ShardedCache.builder().nodes("counting://" + node).build();
    caches.add(cache);
    return cache;
  }

  private int putsSent() {
    return CountingNodeProvider.calls(node, "putFromLoad");
  }

  @Test
  void theSamePutWithoutALease_isSentOnce_andAnsweredAsAValueThere() {
    ShardedCache cache = cache();
    assertThat(cache.putFromLoad(key, bytes("v1"), 1, null, false, TIMES))
        .isEqualTo(PutOutcome.STORED);
    for (int i = 0; i < 5; i++) {
      assertThat(cache.putFromLoad(key, bytes("v1"), 1, null, false, TIMES))
          .isEqualTo(PutOutcome.REJECTED_PRESENT);
    }
    assertThat(putsSent()).isEqualTo(1);
  }

  @Test
  void aPutThatFoundAValue_isNotSentAgain_butOtherBytesOrVersionsAre() {
    ShardedCache cache = cache();
    cache.putFromLoad(key, bytes("v2"), 2, null, false, TIMES);
    assertThat(cache.putFromLoad(key, bytes("v1"), 1, null, false, TIMES))
        .isEqualTo(PutOutcome.REJECTED_PRESENT);
    assertThat(cache.putFromLoad(key, bytes("v1"), 1, null, false, TIMES))
        .isEqualTo(PutOutcome.REJECTED_PRESENT);
    assertThat(putsSent()).as("the refused put, once").isEqualTo(2);
    assertThat(cache.putFromLoad(key, bytes("v3"), 3, null, false, TIMES))
        .as("newer: sent, and stored").isEqualTo(PutOutcome.STORED);
    cache.putFromLoad(key, bytes("v3"), 4, null, false, TIMES);
    assertThat(putsSent()).as("another version of the same bytes is another put").isEqualTo(4);
  }

  @Test
  void aKeyThisCacheChanged_isPutAgain() {
    ShardedCache cache = cache();
    cache.putFromLoad(key, bytes("v1"), 1, null, false, TIMES);
    cache.evict(key, TIMES);
    assertThat(cache.putFromLoad(key, bytes("v1"), 1, null, false, TIMES))
        .as("over the tombstone of its own version").isEqualTo(PutOutcome.STORED);
    cache.lock(key, "w1", TIMES);
    assertThat(cache.putFromLoad(key, bytes("v1"), 1, null, false, TIMES))
        .isEqualTo(PutOutcome.REJECTED_LOCKED);
    cache.unlock(key, Unlock.rolledBack("w1"), TIMES);
    assertThat(cache.putFromLoad(key, bytes("v1"), 1, null, false, TIMES))
        .isEqualTo(PutOutcome.STORED);
    cache.dropValue(key, bytes("v1"));
    assertThat(cache.putFromLoad(key, bytes("v1"), 1, null, false, TIMES))
        .isEqualTo(PutOutcome.STORED);
    assertThat(putsSent()).as("every one of them").isEqualTo(5);
  }

  @Test
  void aPutRefusedByATombstone_isSentAgain() {
    ShardedCache cache = cache();
    cache.evict(key, TIMES);
    for (int i = 0; i < 3; i++) {
      assertThat(cache.putFromLoad(key, bytes("v1"), Lookup.NO_VERSION, null, false, TIMES))
          .isEqualTo(PutOutcome.REJECTED_TOMBSTONE);
    }
    assertThat(putsSent()).isEqualTo(3);
  }

  @Test
  void aPutWithALease_isAlwaysSent_andWhatItStoredIsNotPutAgainWithoutOne() {
    ShardedCache cache = cache();
    Lookup miss = cache.getOrLease(key, true, TIMES);
    assertThat(cache.putFromLoad(key, bytes("v1"), 1, miss.leaseToken(), false, TIMES))
        .isEqualTo(PutOutcome.STORED);
    assertThat(cache.putFromLoad(key, bytes("v1"), 1, null, false, TIMES))
        .isEqualTo(PutOutcome.REJECTED_PRESENT);
    assertThat(putsSent()).as("the put without a lease was not sent").isEqualTo(1);
    assertThat(cache.putFromLoad(key, bytes("v1"), 1, miss.leaseToken(), false, TIMES))
        .as("sent: its lease is gone").isEqualTo(PutOutcome.REJECTED_LEASE);
    assertThat(putsSent()).isEqualTo(2);
  }

  @Test
  void anotherCacheOnTheSameNode_sendsItsOwnPuts() {
    ShardedCache one = cache();
    ShardedCache two = cache();
    one.putFromLoad(key, bytes("v1"), 1, null, false, TIMES);
    two.putFromLoad(key, bytes("v1"), 1, null, false, TIMES);
    assertThat(putsSent()).isEqualTo(2);
  }

  @Test
  void aPutIsRememberedForItsWindowOnly() {
    RecentPuts recent = new RecentPuts(Duration.ofMillis(50).toNanos());
    recent.remember(key, bytes("v1"), 1);
    assertThat(recent.answered(key, bytes("v1"), 1)).isTrue();
    assertThat(recent.answered(key, bytes("v2"), 1)).isFalse();
    assertThat(recent.answered(bytes("com.example.Book#2"), bytes("v1"), 1)).isFalse();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (recent.answered(key, bytes("v1"), 1) && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(recent.answered(key, bytes("v1"), 1)).as("after its window").isFalse();
    recent.remember(key, bytes("v1"), 1);
    recent.forget(key);
    assertThat(recent.answered(key, bytes("v1"), 1)).as("forgotten").isFalse();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }
}
