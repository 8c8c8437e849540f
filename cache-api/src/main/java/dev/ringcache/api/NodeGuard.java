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
 * or the node was down) makes it {@link NodeState#QUARANTINED}. In both states no operation is
 * sent — reads miss, puts are skipped — and a background probe pings the node every {@code
 * probeInterval}. When it answers, a node that was only down is up again; a quarantined node is
 * first cleared, then serves reads and protocol steps but takes no puts for {@code quarantine}
 * ({@link NodeState#NO_PUTS}), so that no put of data read before the clearing lands in it.
 *
 * <p>Thread-safe: the state is read without a lock on every operation; changes are made under the
 * guard's lock.
 */
final class NodeGuard {
  private static final System.Logger LOG = System.getLogger(ShardedCache.class.getName());

  private final CacheNode node;
  private final CacheMetrics metrics;
  private final GuardSettings settings;
  private final ScheduledExecutorService prober;
  private final AtomicInteger failuresInARow = new AtomicInteger();
  private volatile NodeState state = NodeState.UP;
  /** In NO_PUTS: when puts resume, in {@link System#nanoTime()}. */
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
    NodeState s = state;
    if (s == NodeState.NO_PUTS && System.nanoTime() - putsResumeAt >= 0) {
      resumePuts();
      return state;
    }
    return s;
  }

  /**
   * Whether {@code operation} may be sent to the node now. If not, it is counted as not
   * attempted, and an invalidation that cannot be sent quarantines the node.
   */
  boolean admits(CacheOperation operation) {
    NodeState s = state;
    if (s == NodeState.UP || (s == NodeState.NO_PUTS && !operation.stores())) {
      return true;
    }
    if (s == NodeState.NO_PUTS && System.nanoTime() - putsResumeAt >= 0) {
      resumePuts();
      return admits(operation);
    }
    metrics.notAttempted(node.id(), operation);
    if (operation.invalidates()) {
      quarantine(operation, null);
    }
    return false;
  }

  /** The operation admitted before succeeded after {@code nanos}. */
  void succeeded(CacheOperation operation, long nanos) {
    metrics.operation(node.id(), operation, nanos, false);
    if (failuresInARow.get() != 0) {
      failuresInARow.set(0);
    }
  }

  /** The operation admitted before failed after {@code nanos}. */
  void failed(CacheOperation operation, long nanos, RuntimeException failure) {
    metrics.operation(node.id(), operation, nanos, true);
    if (operation.invalidates()) {
      quarantine(operation, failure);
    } else if (failure instanceof CacheTimeoutException
        || failuresInARow.incrementAndGet() >= settings.failureThreshold) {
      open(NodeState.DOWN, operation, failure);
    }
  }

  /** A node found unreachable before it was first used (at start-up): down, probed. */
  void startDown(RuntimeException failure) {
    open(NodeState.DOWN, CacheOperation.PING, failure);
  }

  /** A node that must be cleared before it serves (e.g. one that joins the ring). */
  void startQuarantined(RuntimeException failure) {
    open(NodeState.QUARANTINED, CacheOperation.PING, failure);
  }

  /** A node that was just cleared: it takes no puts for the quarantine period. */
  void startWithoutPuts() {
    synchronized (this) {
      putsResumeAt = System.nanoTime() + settings.quarantineNanos;
      change(NodeState.NO_PUTS);
    }
  }

  void close() {
    closed = true;
    node.close();
  }

  private void quarantine(CacheOperation operation, @Nullable RuntimeException failure) {
    open(NodeState.QUARANTINED, operation, failure);
  }

  private void open(NodeState to, CacheOperation operation, @Nullable RuntimeException failure) {
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
      if (state == NodeState.NO_PUTS && System.nanoTime() - putsResumeAt >= 0) {
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

  /** Runs on the probe thread while the node is down or quarantined. */
  private void probe() {
    if (closed) {
      return;
    }
    try {
      node.ping();
      synchronized (this) {
        if (state == NodeState.QUARANTINED) {
          // The ping's answer means every request sent before it has been served, so the clear
          // comes after any put that was on its way when the node stopped answering.
          node.clear();
          metrics.operation(node.id(), CacheOperation.CLEAR, 0, false);
          putsResumeAt = System.nanoTime() + settings.quarantineNanos;
          change(NodeState.NO_PUTS);
          LOG.log(Level.WARNING, () -> "ringcache node " + node.id() + " answers again and was "
              + "cleared; it takes no puts for " + settings.quarantineNanos / 1_000_000 + " ms");
        } else {
          change(NodeState.UP);
          LOG.log(Level.WARNING, () -> "ringcache node " + node.id() + " answers again");
        }
        failuresInARow.set(0);
        probing = false;
      }
    } catch (RuntimeException stillDown) {
      scheduleProbe();
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
