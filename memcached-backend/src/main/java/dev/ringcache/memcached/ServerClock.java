package dev.ringcache.memcached;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The node's clock: the memcached server's Unix time, in milliseconds, so that every JVM judges a
 * record's expiry by the same clock (DESIGN.md A5: never compare the clocks of different
 * machines). Kept as bounds, not a guess: a measurement — the {@code time} field of {@code stats},
 * whole seconds T, answered between local instants t_send and t_recv — puts the server's time at a
 * later local instant t in [T·1000 + (t − t_recv), (T+1)·1000 + (t − t_send)]. Both bounds run on
 * {@link System#nanoTime()} from the measurement, so a step of this JVM's wall clock moves
 * neither. Measured again when older than {@link #RESYNC_NANOS} or the node is pinged.
 *
 * <p>A record expires by the {@link #lower} bound, so it never looks expired before its time; new
 * expiry times count from the {@link #upper} bound, so a record lives at least its time. Once
 * measured, neither goes backwards: a new measurement that would move one back holds it still
 * until it catches up.
 *
 * <p>Before the first measurement both are this JVM's clock as it was when the clock was made,
 * run on, and not remembered as readings; the node measures before its first operation.
 *
 * <p>Thread-safe.
 */
final class ServerClock {
  /** How old a measurement may grow before the next operation takes a new one. */
  static final long RESYNC_NANOS = TimeUnit.MINUTES.toNanos(10);
  /** How long to wait before trying again after a measurement failed. */
  static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(10);

  /** One measurement, published whole; {@code fromServer} is false for the first guess. */
  private record Measurement(long lowMillis, long lowNanos, long highMillis, long highNanos,
      boolean fromServer) {}

  private final LongSupplier monotonicNanos;
  private final AtomicLong lastLower = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong lastUpper = new AtomicLong(Long.MIN_VALUE);
  private volatile Measurement measurement;
  private volatile long nextSyncNanos;

  /**
   * A clock that reads {@code wallMillis} once, now, and from then on only {@code
   * monotonicNanos}.
   */
  ServerClock(LongSupplier wallMillis, LongSupplier monotonicNanos) {
    this.monotonicNanos = monotonicNanos;
    long nanos = monotonicNanos.getAsLong();
    long millis = wallMillis.getAsLong();
    this.measurement = new Measurement(millis, nanos, millis, nanos, false);
    this.nextSyncNanos = nanos;
  }

  static ServerClock system() {
    return new ServerClock(System::currentTimeMillis, System::nanoTime);
  }

  /** The earliest the server's time can be now: what a record's expiry is judged by. */
  long lower() {
    Measurement m = measurement;
    long estimate = m.lowMillis + elapsedMillis(m.lowNanos);
    return m.fromServer ? lastLower.accumulateAndGet(estimate, Math::max) : estimate;
  }

  /** The latest the server's time can be now: what new expiry times count from. */
  long upper() {
    Measurement m = measurement;
    long estimate = m.highMillis + elapsedMillis(m.highNanos);
    return m.fromServer ? lastUpper.accumulateAndGet(estimate, Math::max) : estimate;
  }

  /** Whether it has been measured at least once. */
  boolean isSynced() {
    return measurement.fromServer;
  }

  /** Whether its measurement is due: never taken, or old, or failed a while ago. */
  boolean needsSync() {
    return !isSynced() || monotonicNanos.getAsLong() - nextSyncNanos >= 0;
  }

  /**
   * Records a measurement: the server said {@code serverSeconds} between {@code sentNanos} and
   * {@code receivedNanos} of the monotonic clock this clock runs on. Its clock was then in
   * [serverSeconds, serverSeconds + 1) seconds.
   */
  void synced(long serverSeconds, long sentNanos, long receivedNanos) {
    measurement = new Measurement(serverSeconds * 1000, receivedNanos,
        (serverSeconds + 1) * 1000, sentNanos, true);
    nextSyncNanos = monotonicNanos.getAsLong() + RESYNC_NANOS;
  }

  /** A measurement failed: keep the last one and try again a little later. */
  void syncFailed() {
    nextSyncNanos = monotonicNanos.getAsLong() + RETRY_NANOS;
  }

  /** Whole milliseconds since {@code sinceNanos}, rounded down. */
  private long elapsedMillis(long sinceNanos) {
    return TimeUnit.NANOSECONDS.toMillis(monotonicNanos.getAsLong() - sinceNanos);
  }
}
