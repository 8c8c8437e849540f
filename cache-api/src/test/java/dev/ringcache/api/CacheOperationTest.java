package dev.ringcache.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Which operations invalidate and which store: what a node's failure handling turns on. */
class CacheOperationTest {
  @Test
  void invalidations_areTheStepsThatMustNotBeLost() {
    assertThat(Stream.of(CacheOperation.values()).filter(CacheOperation::invalidates))
        .containsExactlyInAnyOrder(CacheOperation.DELETE, CacheOperation.LOCK,
            CacheOperation.UNLOCK, CacheOperation.LOCK_ALL, CacheOperation.UNLOCK_ALL,
            CacheOperation.EVICT);
  }

  @Test
  void stores_areTheStepsThatMayPutWhatWasReadFromTheDatabase() {
    assertThat(Stream.of(CacheOperation.values()).filter(CacheOperation::stores))
        .containsExactlyInAnyOrder(CacheOperation.PUT, CacheOperation.PUT_ALL,
            CacheOperation.PUT_FROM_LOAD, CacheOperation.AFTER_INSERT);
  }

  @Test
  void dropValue_neitherInvalidatesNorStores_andHasATagOfItsOwn() {
    assertThat(CacheOperation.DROP_VALUE.invalidates()).isFalse();
    assertThat(CacheOperation.DROP_VALUE.stores()).isFalse();
    assertThat(CacheOperation.DROP_VALUE.tagValue()).isEqualTo("drop-value");
    assertThat(EnumSet.allOf(CacheOperation.class)).extracting(CacheOperation::tagValue)
        .doesNotHaveDuplicates();
  }
}
