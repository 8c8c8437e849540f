package dev.ringcache.api;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@link CacheMetrics} that counts in memory, per node and per {@link CacheOperation}, and per
 * region and operation, for tests, reports and applications without a metrics library. Read it
 * with {@link #node(String)} and {@link #region(String)}, which return immutable snapshots; the
 * counters are never reset. Created and owned by the caller; nothing to close.
 *
 * <p>Recording takes no lock. Each counter of a snapshot is exact, but a snapshot taken while
 * operations are recorded may see one counter of an operation before another (a count without
 * its latency yet).
 *
 * <p>Thread-safe.
 */
public final class CacheStatistics implements CacheMetrics {
  private static final CacheOperation[] OPERATIONS = CacheOperation.values();

  private final ConcurrentHashMap<String, NodeCounters> nodes = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, NodeCounters> regions = new ConcurrentHashMap<>();

  @Override
  public void operation(String nodeId, String region, CacheOperation operation, long nanos,
      boolean failed) {
    long positive = Math.max(0, nanos); // a clock that steps back must not lower the total
    counters(nodes, nodeId).of(operation).record(positive, failed);
    counters(regions, region).of(operation).record(positive, failed);
  }

  @Override
  public void notAttempted(String nodeId, String region, CacheOperation operation) {
    counters(nodes, nodeId).of(operation).notAttempted.increment();
    counters(regions, region).of(operation).notAttempted.increment();
  }

  @Override
  public void stateChanged(String nodeId, NodeState state) {
    NodeCounters counters = counters(nodes, nodeId);
    NodeState previous = counters.state.getAndSet(state);
    if (state == NodeState.QUARANTINED && previous != NodeState.QUARANTINED) {
      counters.quarantines.incrementAndGet();
    }
  }

  @Override
  public void casRetried(String nodeId, CacheOperation operation, int retries) {
    if (retries > 0) {
      counters(nodes, nodeId).of(operation).casRetries.add(retries);
    }
  }

  @Override
  public void itemTooLarge(String nodeId, CacheOperation operation) {
    counters(nodes, nodeId).of(operation).itemsTooLarge.increment();
  }

  @Override
  public void codecRejected(String nodeId, CacheOperation operation) {
    counters(nodes, nodeId).of(operation).codecRejects.increment();
  }

  /** The ids of the nodes anything was recorded for, in order. */
  public SortedSet<String> nodeIds() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(nodes.keySet()));
  }

  /**
   * What has been recorded for the node so far; for a node nothing was recorded for, zeros and
   * {@link NodeState#UP}.
   */
  public NodeSnapshot node(String nodeId) {
    Objects.requireNonNull(nodeId, "nodeId");
    NodeCounters counters = nodes.get(nodeId);
    return counters == null ? new NodeSnapshot(nodeId, NodeState.UP, 0, Map.of())
        : counters.snapshot(nodeId);
  }

  /** The regions anything was recorded for, in order (see {@link CacheMetrics} for names). */
  public SortedSet<String> regionNames() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(regions.keySet()));
  }

  /**
   * What has been recorded for the keys of {@code region} so far, over all nodes: the counters of
   * each operation (sent, failed, latencies, not attempted; the node-health counters such as
   * compare-and-set retries are kept per node only).
   */
  public Map<CacheOperation, OperationSnapshot> region(String region) {
    Objects.requireNonNull(region, "region");
    NodeCounters counters = regions.get(region);
    return counters == null ? Map.of() : counters.operations();
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("CacheStatistics{");
    String separator = "";
    for (String nodeId : nodeIds()) {
      text.append(separator).append(node(nodeId));
      separator = ", ";
    }
    return text.append('}').toString();
  }

  private static NodeCounters counters(ConcurrentHashMap<String, NodeCounters> map, String name) {
    NodeCounters counters = map.get(name); // no lock when the name is known, the usual case
    return counters != null ? counters : map.computeIfAbsent(name, id -> new NodeCounters());
  }

  /**
   * What has been recorded for one node: its last reported state, how often it was quarantined,
   * and the counters of each operation.
   *
   * <p>Immutable and thread-safe.
   */
  public static final class NodeSnapshot {
    private final String nodeId;
    private final NodeState state;
    private final long quarantines;
    private final Map<CacheOperation, OperationSnapshot> operations;

    private NodeSnapshot(String nodeId, NodeState state, long quarantines,
        Map<CacheOperation, OperationSnapshot> operations) {
      this.nodeId = nodeId;
      this.state = state;
      this.quarantines = quarantines;
      this.operations = operations;
    }

    public String nodeId() {
      return nodeId;
    }

    /** The state last reported; {@link NodeState#UP} if none was. */
    public NodeState state() {
      return state;
    }

    /** How many times the node went into {@link NodeState#QUARANTINED}. */
    public long quarantines() {
      return quarantines;
    }

    /** The counters of {@code operation} on this node; zeros if nothing was recorded. */
    public OperationSnapshot operation(CacheOperation operation) {
      Objects.requireNonNull(operation, "operation");
      return operations.getOrDefault(operation, OperationSnapshot.ZERO);
    }

    /** The node, its state and quarantines, and every operation with a non-zero counter. */
    @Override
    public String toString() {
      StringBuilder text = new StringBuilder(nodeId).append(": ").append(state)
          .append(", quarantines=").append(quarantines);
      operations.forEach((operation, counters) -> {
        if (!counters.equals(OperationSnapshot.ZERO)) {
          text.append(", ").append(operation.tagValue()).append('=').append(counters);
        }
      });
      return text.toString();
    }
  }

  /**
   * The counters of one operation on one node. {@code count} includes the {@code failures};
   * operations {@code notAttempted} are in neither, nor in the latencies.
   *
   * <p>Immutable and thread-safe.
   *
   * @param count operations sent to the node, failed or not
   * @param failures those that failed
   * @param totalNanos the sum of their latencies, in nanoseconds
   * @param maxNanos the longest latency, in nanoseconds; 0 if none
   * @param notAttempted operations not sent, because the node was down, quarantined or took no puts
   * @param casRetries compare-and-set retries, summed over the operations
   * @param itemsTooLarge values not stored because the node does not take values that large
   * @param codecRejects records or values read that were treated as misses: not ringcache's, or
   *     not for this key or mapping
   */
  public record OperationSnapshot(long count, long failures, long totalNanos, long maxNanos,
      long notAttempted, long casRetries, long itemsTooLarge, long codecRejects) {
    static final OperationSnapshot ZERO = new OperationSnapshot(0, 0, 0, 0, 0, 0, 0, 0);

    /** The mean latency, in nanoseconds; 0 if nothing was sent. */
    public long meanNanos() {
      return count == 0 ? 0 : totalNanos / count;
    }
  }

  private static final class NodeCounters {
    final AtomicReference<NodeState> state = new AtomicReference<>(NodeState.UP);
    final AtomicLong quarantines = new AtomicLong();
    private final OperationCounters[] operations = new OperationCounters[OPERATIONS.length];

    NodeCounters() {
      for (int i = 0; i < operations.length; i++) {
        operations[i] = new OperationCounters();
      }
    }

    OperationCounters of(CacheOperation operation) {
      return operations[operation.ordinal()];
    }

    NodeSnapshot snapshot(String nodeId) {
      return new NodeSnapshot(nodeId, state.get(), quarantines.get(), operations());
    }

    Map<CacheOperation, OperationSnapshot> operations() {
      Map<CacheOperation, OperationSnapshot> snapshots = new EnumMap<>(CacheOperation.class);
      for (CacheOperation operation : OPERATIONS) {
        snapshots.put(operation, of(operation).snapshot());
      }
      return Collections.unmodifiableMap(snapshots);
    }
  }

  private static final class OperationCounters {
    final LongAdder count = new LongAdder();
    final LongAdder failures = new LongAdder();
    final LongAdder totalNanos = new LongAdder();
    final LongAccumulator maxNanos = new LongAccumulator(Math::max, 0);
    final LongAdder notAttempted = new LongAdder();
    final LongAdder casRetries = new LongAdder();
    final LongAdder itemsTooLarge = new LongAdder();
    final LongAdder codecRejects = new LongAdder();

    void record(long nanos, boolean failed) {
      count.increment();
      if (failed) {
        failures.increment();
      }
      totalNanos.add(nanos);
      maxNanos.accumulate(nanos);
    }

    OperationSnapshot snapshot() {
      return new OperationSnapshot(count.sum(), failures.sum(), totalNanos.sum(), maxNanos.get(),
          notAttempted.sum(), casRetries.sum(), itemsTooLarge.sum(), codecRejects.sum());
    }
  }
}
