package dev.ringcache.memcached;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ServerClockTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  private final AtomicLong wall = new AtomicLong(1_000_000);
  private final AtomicLong nanos = new AtomicLong(5);
  private final ServerClock clock = new ServerClock(wall::get, nanos::get);

  @Test
  void beforeAMeasurement_itIsThisJvmsClockAtTheStart_runOn_andDue() {
    assertThat(clock.lower()).isEqualTo(1_000_000);
    assertThat(clock.upper()).isEqualTo(1_000_000);
    wall.addAndGet(60_000); // read once: a later step of the wall clock is not followed
    nanos.addAndGet(250 * MS);
    assertThat(clock.lower()).isEqualTo(1_000_250);
    assertThat(clock.upper()).isEqualTo(1_000_250);
    assertThat(clock.isSynced()).isFalse();
    assertThat(clock.needsSync()).isTrue();
  }

  @Test
  void aMeasurement_boundsTheServersTime_byItsSecondAndTheRoundTrip() {
    // The server said 2000 s between 5 ns and 10 ms + 5 ns: at the answer its clock was in
    // [2_000_000, 2_001_000) ms, and the answer was at most 10 ms after the request.
    long sent = nanos.get();
    nanos.addAndGet(10 * MS);
    clock.synced(2000, sent, nanos.get());
    assertThat(clock.lower()).isEqualTo(2_000_000);
    assertThat(clock.upper()).isEqualTo(2_001_010);
    nanos.addAndGet(500 * MS);
    assertThat(clock.lower()).isEqualTo(2_000_500);
    assertThat(clock.upper()).isEqualTo(2_001_510);
    assertThat(clock.needsSync()).isFalse();
  }

  @Test
  void aStepOfTheWallClock_movesNeitherBound() {
    clock.synced(2000, nanos.get(), nanos.get());
    long lower = clock.lower();
    long upper = clock.upper();
    wall.addAndGet(TimeUnit.HOURS.toMillis(1)); // NTP, or an operator, sets the clock
    assertThat(clock.lower()).isEqualTo(lower);
    assertThat(clock.upper()).isEqualTo(upper);
    wall.addAndGet(-TimeUnit.HOURS.toMillis(2));
    nanos.addAndGet(100 * MS);
    assertThat(clock.lower()).isEqualTo(lower + 100);
    assertThat(clock.upper()).isEqualTo(upper + 100);
  }

  @Test
  void theBounds_alwaysHoldTheServersTrueTime_whateverTheRoundTrips() {
    // A server whose clock runs 12.3456 s ahead of the local monotonic clock's zero, answering
    // at a random instant of each round trip; checked at random instants after each measurement.
    Random random = new Random(42);
    long serverAheadNanos = 12_345_600_000L;
    long local = 0;
    for (int sync = 0; sync < 1_000; sync++) {
      long sent = local;
      long answered = sent + random.nextInt(50_000_000);
      long received = answered + random.nextInt(50_000_000);
      clock.synced(Math.floorDiv(serverAheadNanos + answered, 1_000_000_000L), sent, received);
      local = received;
      for (int check = 0; check < 5; check++) {
        local += random.nextInt(2_000_000_000);
        nanos.set(local);
        long trueMillis = Math.floorDiv(serverAheadNanos + local, 1_000_000L);
        assertThat(clock.lower()).as("sync %d", sync).isLessThanOrEqualTo(trueMillis);
        assertThat(clock.upper()).as("sync %d", sync).isGreaterThanOrEqualTo(trueMillis);
      }
    }
  }

  @Test
  void aMeasurement_isTakenAgainAfterTenMinutes_orTenSecondsAfterAFailure() {
    clock.synced(2000, nanos.get(), nanos.get());
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
  void neitherBoundGoesBackwards_whenAMeasurementMovesItBack() {
    clock.synced(2000, nanos.get(), nanos.get());
    long lower = clock.lower();
    long upper = clock.upper();
    clock.synced(1999, nanos.get(), nanos.get()); // a second back
    assertThat(clock.lower()).isEqualTo(lower);
    assertThat(clock.upper()).isEqualTo(upper);
    nanos.addAndGet(1_500 * MS);
    assertThat(clock.lower()).isEqualTo(lower + 500);
    assertThat(clock.upper()).isEqualTo(upper + 500);
  }
}
