package dev.ringcache.memcached;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ServerClockTest {
  private final AtomicLong wall = new AtomicLong(1_000_000);
  private final AtomicLong nanos = new AtomicLong(5);
  private final ServerClock clock = new ServerClock(wall::get, nanos::get);

  @Test
  void beforeAMeasurement_itIsThisJvmsClock_andDue() {
    assertThat(clock.now()).isEqualTo(1_000_000);
    assertThat(clock.isSynced()).isFalse();
    assertThat(clock.needsSync()).isTrue();
  }

  @Test
  void aMeasurement_takesTheMiddleOfTheServersSecond_andOfTheRoundTrip() {
    // The server said 2000 s while this JVM went from 1_000_000 to 1_000_010 ms: the server's
    // clock was in [2_000_000, 2_001_000) at about 1_000_005.
    clock.synced(2000, 1_000_000, 1_000_010);
    assertThat(clock.offsetMillis()).isEqualTo(2_000_500 - 1_000_005);
    wall.set(1_000_005);
    assertThat(clock.now()).isEqualTo(2_000_500);
    assertThat(clock.needsSync()).isFalse();
  }

  @Test
  void aMeasurement_isTakenAgainAfterTenMinutes_orTenSecondsAfterAFailure() {
    clock.synced(2000, 1_000_000, 1_000_000);
    nanos.addAndGet(ServerClock.RESYNC_NANOS - 1);
    assertThat(clock.needsSync()).isFalse();
    nanos.incrementAndGet();
    assertThat(clock.needsSync()).isTrue();
    clock.syncFailed();
    assertThat(clock.isSynced()).isTrue();
    assertThat(clock.needsSync()).isFalse();
    nanos.addAndGet(TimeUnit.SECONDS.toNanos(10));
    assertThat(clock.needsSync()).isTrue();
  }

  @Test
  void itNeverGoesBackwards_whenAMeasurementMovesItBack() {
    clock.synced(2000, 1_000_000, 1_000_000);
    long before = clock.now();
    clock.synced(1999, 1_000_000, 1_000_000); // a second back
    assertThat(clock.now()).isEqualTo(before);
    wall.addAndGet(1_500);
    assertThat(clock.now()).isEqualTo(before + 500);
  }
}
