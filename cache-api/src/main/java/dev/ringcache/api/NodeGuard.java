package dev.ringcache.api;

import dev.ringcache.api.spi.CacheNode;
import java.lang.System.Logger.Level;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * One node of a {@link ShardedCache} with its circuit breaker and quarantine (DESIGN.md §5).
 *
 * <p>While the node is {@link NodeState#UP} every operation goes to it. Failed reads and puts
 * count towards the breaker: after {@code failureThreshold} failures in a row, or at once on a
 * timeout, the node is {@link NodeState#DOWN}. An invalidation that cannot be delivered (it failed,
 * or the node was down), or a failure in which the node lost a record ({@link
 * RecordLostException}), makes it {@link NodeState#QUARANTINED}. In both states no operation is
 * sent — reads miss, puts are skipped — and a background probe pings the node every {@code
 * probeInterval}. When it answers, a node that was only down is up again; a quarantined node is
 * first cleared, then serves reads and protocol steps but takes no puts for {@code quarantine}
 * ({@link NodeState#NO_PUTS}), so that no put of data read before the clearing lands in it.
 *
 * <p>Operations are counted in flight from before they look at the state until they return, so
 * the probe can wait until none that was admitted before a quarantine is still on its way before
 * it clears the node: a put sent before the quarantine never lands after the clearing.
 *
 * <p>Thread-safe: the state is read without a lock on every operation; changes are made under the
 * guard's lock, and no network call is made while holding it.
 */
final class NodeGuard {
  private static final System.Logger LOG = System.getLogger(ShardedCache.class.getName());
  /** How long the probe waits for operations in flight before it clears a node anyway. */
  private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final CacheNode node;
  private final CacheMetrics metrics;
  private final GuardSettings settings;
  private final ScheduledExecutorService prober;
  private final AtomicInteger failuresInARow = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile NodeState state = NodeState.UP;
  /** Whether puts are banned until {@link #putsResumeAt}, in {@link System#nanoTime()}. */
  private volatile boolean putsBanned;
  private volatile long putsResumeAt;
  private boolean probing; // guarded by this
  private volatile boolean closed;

  NodeGuard(CacheNode node, CacheMetrics metrics, GuardSettings settings,
      ScheduledExecutorService prober) {
    this.node = node;
    this.metrics = metrics;
    this.settings = settings;
    this.prober = prober;
  }

  CacheNode node() {
    return node;
  }

  String id() {
    return node.id();
  }

  NodeState state() {
    if (state == NodeState.NO_PUTS && !putsStillBanned()) {
      resumePuts();
    }
    return state;
  }

  /**
   * Whether {@code operation} may be sent to the node now; if so, the caller must call {@link
   * #succeeded} or {@link #failed} after it. If not, it is counted as not attempted, and an
   * invalidation that cannot be sent quarantines the node.
   */
  boolean admits(CacheOperation operation, String region) {
    inFlight.incrementAndGet(); // before the state is read: see the class comment
    NodeState s = state;
    if (s == NodeState.UP || (s == NodeState.NO_PUTS && !operation.stores())) {
      return true;
    }
    if (s == NodeState.NO_PUTS && !putsStillBanned()) {
      resumePuts();
      return true;
    }
    inFlight.decrementAndGet();
    metrics.notAttempted(node.id(), region, operation);
    if (operation.invalidates()) {
      open(NodeState.QUARANTINED, operation, null);
    }
    return false;
  }

  /** The operation admitted before succeeded after {@code nanos}. */
  void succeeded(CacheOperation operation, String region, long nanos) {
    inFlight.decrementAndGet();
    metrics.operation(node.id(), region, operation, nanos, false);
    if (failuresInARow.get() != 0) {
      failuresInARow.set(0);
    }
  }

  /** The operation admitted before failed after {@code nanos}. */
  void failed(CacheOperation operation, String region, long nanos, RuntimeException failure) {
    inFlight.decrementAndGet();
    metrics.operation(node.id(), region, operation, nanos, true);
    if (operation.invalidates() || failure instanceof RecordLostException) {
      open(NodeState.QUARANTINED, operation, failure);
    } else if (Thread.currentThread().isInterrupted()) {
      return; // the caller was interrupted: that says nothing about the node
    } else if (failure instanceof CacheTimeoutException
        || failuresInARow.incrementAndGet() >= settings.failureThreshold) {
      open(NodeState.DOWN, operation, failure);
    }
  }

  /** A node found unreachable before it was first used (at start-up): down, probed. */
  void startDown(RuntimeException failure) {
    open(NodeState.DOWN, CacheOperation.PING, failure);
  }

  /** A node that must be cleared before it serves (e.g. one that joins the ring while down). */
  void startQuarantined(RuntimeException failure) {
    open(NodeState.QUARANTINED, CacheOperation.PING, failure);
  }

  /**
   * Clears the node now, for a membership change: it takes no puts for the quarantine period. A
   * node that cannot be cleared now is quarantined, to be cleared when it answers.
   */
  void clearForMembershipChange() {
    banPuts(); // first, and then wait for puts already on their way: none lands after the clear
    try {
      awaitNothingInFlight();
      node.ping();
      node.clear();
      metrics.operation(node.id(), CacheMetrics.NO_REGION, CacheOperation.CLEAR, 0, false);
      banPuts(); // the quarantine period counts from the clearing
    } catch (ConfigurationException e) {
      throw e;
    } catch (RuntimeException e) {
      startQuarantined(e);
    }
  }

  void close() {
    closed = true;
    node.close();
  }

  private boolean putsStillBanned() {
    return putsBanned && System.nanoTime() - putsResumeAt < 0;
  }

  private void banPuts() {
    synchronized (this) {
      putsResumeAt = System.nanoTime() + settings.quarantineNanos;
      putsBanned = true;
      if (state == NodeState.UP) {
        change(NodeState.NO_PUTS);
      }
    }
  }

  private void open(NodeState to, CacheOperation operation, @Nullable RuntimeException failure) {
    NodeState seen = state;
    if (seen == to || (seen == NodeState.QUARANTINED && to == NodeState.DOWN)) {
      return; // the common case while a node is out, decided without the lock
    }
    synchronized (this) {
      NodeState from = state;
      if (from == to || (from == NodeState.QUARANTINED && to == NodeState.DOWN)) {
        return;
      }
      change(to);
      LOG.log(Level.WARNING, () -> "ringcache node " + node.id() + " is " + describe(to)
          + " (" + operation.tagValue() + ": "
          + (failure == null ? "not sent while the node was down" : failure.getMessage()) + ")");
      if (!probing) {
        probing = true;
        scheduleProbe();
      }
    }
  }

  private void resumePuts() {
    synchronized (this) {
      if (state == NodeState.NO_PUTS && !putsStillBanned()) {
        putsBanned = false;
        change(NodeState.UP);
      }
    }
  }

  private void change(NodeState to) {
    state = to;
    metrics.stateChanged(node.id(), to);
  }

  private void scheduleProbe() {
    try {
      prober.schedule(this::probe, settings.probeIntervalNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // the cache is closing: nothing left to probe for
    }
  }

  /** Runs on the probe thread while the node is down or quarantined; network calls unlocked. */
  private void probe() {
    if (closed) {
      return;
    }
    try {
      node.ping();
      if (state == NodeState.QUARANTINED) {
        awaitNothingInFlight();
        // The ping's answer means every request this cache sent before it has been served, and
        // nothing admitted is in flight: the clear comes after every put sent before it. While
        // quarantined, nothing more is admitted, so nothing lands between the clear and now.
        node.clear();
        metrics.operation(node.id(), CacheMetrics.NO_REGION, CacheOperation.CLEAR, 0, false);
        synchronized (this) {
          putsResumeAt = System.nanoTime() + settings.quarantineNanos;
          putsBanned = true;
          change(NodeState.NO_PUTS);
          failuresInARow.set(0);
          probing = false;
        }
        LOG.log(Level.WARNING, () -> "ringcache node " + node.id() + " answers again and was "
            + "cleared; it takes no puts for " + settings.quarantineNanos / 1_000_000 + " ms");
      } else {
        synchronized (this) {
          if (state == NodeState.QUARANTINED) {
            scheduleProbe(); // quarantined meanwhile: the next probe clears it
            return;
          }
          // A node that went down while it took no puts goes back to taking none.
          change(putsStillBanned() ? NodeState.NO_PUTS : NodeState.UP);
          failuresInARow.set(0);
          probing = false;
        }
        LOG.log(Level.WARNING, () -> "ringcache node " + node.id() + " answers again");
      }
    } catch (RuntimeException stillDown) {
      scheduleProbe();
    }
  }

  /** Waits (bounded) until no operation admitted earlier is still on its way to the node. */
  private void awaitNothingInFlight() {
    long deadline = System.nanoTime() + DRAIN_NANOS;
    while (inFlight.get() > 0 && System.nanoTime() - deadline < 0 && !closed) {
      try {
        Thread.sleep(1); // waiting with a deadline for calls that each have their own timeout
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new NodeUnavailableException("interrupted while waiting to clear " + node.id(), e);
      }
    }
  }

  private static String describe(NodeState state) {
    return state == NodeState.QUARANTINED
        ? "quarantined: an invalidation could not be delivered; it will be cleared when it answers"
        : "down: no operations are sent to it until it answers a probe";
  }

  @Override
  public String toString() {
    return node.id() + " " + state;
  }

  /**
   * The breaker and quarantine settings shared by the nodes of one cache.
   *
   * <p>Immutable and thread-safe.
   */
  static final class GuardSettings {
    final int failureThreshold;
    final long probeIntervalNanos;
    final long quarantineNanos;

    GuardSettings(int failureThreshold, long probeIntervalNanos, long quarantineNanos) {
      this.failureThreshold = failureThreshold;
      this.probeIntervalNanos = probeIntervalNanos;
      this.quarantineNanos = quarantineNanos;
    }
  }
}
