package dev.ringcache.memcached;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The node's clock: an estimate of the memcached server's Unix time, in milliseconds, so that
 * every JVM judges a record's expiry by the same clock (DESIGN.md A5: never compare the clocks of
 * different machines). Kept as an offset to this JVM's clock, measured from the {@code time} field
 * of {@code stats} (whole seconds) at the midpoint of the request; measured again when it is older
 * than {@link #RESYNC_NANOS} or the node is pinged. It never goes backwards: a new measurement
 * that would move it back holds it still until it catches up.
 *
 * <p>Before the first measurement it is this JVM's clock; the node measures it before its first
 * operation.
 *
 * <p>Thread-safe.
 */
final class ServerClock {
  /** How old a measurement may grow before the next operation takes a new one. */
  static final long RESYNC_NANOS = TimeUnit.MINUTES.toNanos(10);
  /** How long to wait before trying again after a measurement failed. */
  static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final LongSupplier wallMillis;
  private final LongSupplier monotonicNanos;
  private final AtomicLong lastReading = new AtomicLong(Long.MIN_VALUE);
  private volatile long offsetMillis;
  private volatile long nextSyncNanos;
  private volatile boolean synced;

  ServerClock(LongSupplier wallMillis, LongSupplier monotonicNanos) {
    this.wallMillis = wallMillis;
    this.monotonicNanos = monotonicNanos;
    this.nextSyncNanos = monotonicNanos.getAsLong();
  }

  static ServerClock system() {
    return new ServerClock(System::currentTimeMillis, System::nanoTime);
  }

  /** Now, in the server's clock as estimated. */
  long now() {
    long estimate = wallMillis.getAsLong() + offsetMillis;
    return lastReading.accumulateAndGet(estimate, Math::max);
  }

  /** This JVM's clock, to bracket a measurement. */
  long localMillis() {
    return wallMillis.getAsLong();
  }

  /** Whether it has been measured at least once. */
  boolean isSynced() {
    return synced;
  }

  /** Whether its measurement is due: never taken, or old, or failed a while ago. */
  boolean needsSync() {
    return !synced || monotonicNanos.getAsLong() - nextSyncNanos >= 0;
  }

  /**
   * Records a measurement: the server said {@code serverSeconds} between {@code sentMillis} and
   * {@code receivedMillis} of this JVM's clock. Its clock was then somewhere in [serverSeconds,
   * serverSeconds + 1): the estimate takes the middle of both ranges.
   */
  void synced(long serverSeconds, long sentMillis, long receivedMillis) {
    long serverMid = serverSeconds * 1000 + 500;
    long localMid = sentMillis + (receivedMillis - sentMillis) / 2;
    offsetMillis = serverMid - localMid;
    synced = true;
    nextSyncNanos = monotonicNanos.getAsLong() + RESYNC_NANOS;
  }

  /** A measurement failed: keep the last estimate and try again a little later. */
  void syncFailed() {
    nextSyncNanos = monotonicNanos.getAsLong() + RETRY_NANOS;
  }

  /** The current offset to this JVM's clock, for tests. */
  long offsetMillis() {
    return offsetMillis;
  }
}
