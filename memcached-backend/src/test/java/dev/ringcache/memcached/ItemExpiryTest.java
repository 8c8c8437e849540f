package dev.ringcache.memcached;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ringcache.api.EntryTimes;
import org.junit.jupiter.api.Test;

class ItemExpiryTest {
  private static final long NOW = 1_700_000_000_123L;

  @Test
  void relativeExptime_isTheRemainingSecondsRoundedUp_plusOne() {
    assertThat(ItemExpiry.exptime(NOW + 1, NOW)).isEqualTo(2);
    assertThat(ItemExpiry.exptime(NOW + 300, NOW)).isEqualTo(2);
    assertThat(ItemExpiry.exptime(NOW + 1000, NOW)).isEqualTo(2);
    assertThat(ItemExpiry.exptime(NOW + 1001, NOW)).isEqualTo(3);
    assertThat(ItemExpiry.exptime(NOW + 9_500, NOW)).isEqualTo(11);
    assertThat(ItemExpiry.exptime(NOW + 60_000, NOW)).isEqualTo(61);
  }

  @Test
  void aRecordExpiringNowOrBefore_stillGetsAShortLife() {
    assertThat(ItemExpiry.exptime(NOW, NOW)).isEqualTo(2);
    assertThat(ItemExpiry.exptime(NOW - 5_000, NOW)).isEqualTo(2);
  }

  @Test
  void upTo30Days_isRelative_beyond_isAbsoluteInTheServersClock() {
    long thirtyDaysLessTwoSeconds = (ItemExpiry.MAX_RELATIVE_SECONDS - 2) * 1000L;
    assertThat(ItemExpiry.exptime(NOW + thirtyDaysLessTwoSeconds, NOW))
        .isEqualTo(ItemExpiry.MAX_RELATIVE_SECONDS - 1);
    assertThat(ItemExpiry.exptime(NOW + thirtyDaysLessTwoSeconds + 1000, NOW))
        .isEqualTo(ItemExpiry.MAX_RELATIVE_SECONDS);
    long expires = NOW + (ItemExpiry.MAX_RELATIVE_SECONDS) * 1000L;
    assertThat(ItemExpiry.exptime(expires, NOW)).as("one second more than 30 days: absolute")
        .isEqualTo((expires + 999) / 1000 + 1);
    long year = NOW + EntryTimes.MAX_TTL.toMillis();
    assertThat(ItemExpiry.exptime(year, NOW)).isEqualTo((year + 999) / 1000 + 1)
        .isGreaterThan(ItemExpiry.MAX_RELATIVE_SECONDS);
  }

  @Test
  void pastJanuary2038_itIsTheLatestExptimeMemcachedTakes_neverAnError() {
    long latestMillis = ItemExpiry.MAX_ABSOLUTE_SECONDS * 1000L;
    assertThat(ItemExpiry.exptime(latestMillis - 2_000, NOW)).as("still representable: exact")
        .isEqualTo(ItemExpiry.MAX_ABSOLUTE_SECONDS - 1);
    assertThat(ItemExpiry.exptime(latestMillis - 1_000, NOW))
        .isEqualTo(ItemExpiry.MAX_ABSOLUTE_SECONDS);
    assertThat(ItemExpiry.exptime(latestMillis, NOW)).isEqualTo(ItemExpiry.MAX_ABSOLUTE_SECONDS);
    assertThat(ItemExpiry.exptime(Long.MAX_VALUE - 500, NOW))
        .isEqualTo(ItemExpiry.MAX_ABSOLUTE_SECONDS);
    assertThat(ItemExpiry.exptime(Long.MAX_VALUE, Long.MIN_VALUE)).as("an overflowing difference")
        .isEqualTo(ItemExpiry.MAX_ABSOLUTE_SECONDS);
    assertThat(ItemExpiry.exptime(Long.MIN_VALUE, NOW)).isEqualTo(2);
  }
}
