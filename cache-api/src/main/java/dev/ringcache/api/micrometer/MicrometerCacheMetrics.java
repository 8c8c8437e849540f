package dev.ringcache.api.micrometer;

import dev.ringcache.api.CacheMetrics;
import dev.ringcache.api.CacheOperation;
import dev.ringcache.api.NodeState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * {@link CacheMetrics} as Micrometer meters in a {@link MeterRegistry}. The registry belongs to
 * the caller, who closes it; this class only registers meters in it, each the first time it has
 * something to record (the state gauge and the quarantine counter when a node is first seen).
 *
 * <table>
 *   <caption>Meters; tag {@code node} is the node id, {@code region} the region of the keys
 *   (see {@link CacheMetrics}), {@code operation} a {@link CacheOperation#tagValue()}</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>what</th></tr>
 *   <tr><td>{@code ringcache.node.operations}</td><td>timer</td>
 *       <td>node, region, operation, outcome ({@code success} or {@code failure})</td>
 *       <td>operations sent to the node, and their latency</td></tr>
 *   <tr><td>{@code ringcache.node.not.attempted}</td><td>counter</td>
 *       <td>node, region, operation</td>
 *       <td>operations not sent: the node was down, quarantined, or took no puts</td></tr>
 *   <tr><td>{@code ringcache.node.cas.retries}</td><td>counter</td><td>node, operation</td>
 *       <td>compare-and-set retries</td></tr>
 *   <tr><td>{@code ringcache.node.items.too.large}</td><td>counter</td><td>node, operation</td>
 *       <td>values not stored because the node does not take values that large</td></tr>
 *   <tr><td>{@code ringcache.node.codec.rejects}</td><td>counter</td><td>node, operation</td>
 *       <td>records or values read that were not ringcache's, or not for this key or mapping</td></tr>
 *   <tr><td>{@code ringcache.node.quarantines}</td><td>counter</td><td>node</td>
 *       <td>times the node went into {@link NodeState#QUARANTINED}</td></tr>
 *   <tr><td>{@code ringcache.node.state}</td><td>gauge</td><td>node</td>
 *       <td>the node's {@link NodeState}: {@code UP} 0, {@code DOWN} 1, {@code QUARANTINED} 2,
 *       {@code NO_PUTS} 3</td></tr>
 * </table>
 *
 * <p>Node ids never contain a password, so they are safe as tag values. Percentiles and
 * histograms of the timer are off unless the registry's {@code MeterFilter}s turn them on. The
 * state gauge reads NaN once this object is no longer referenced (Micrometer holds it weakly).
 *
 * <p>Thread-safe.
 */
public final class MicrometerCacheMetrics implements CacheMetrics {
  private static final String OPERATIONS = "ringcache.node.operations";
  private static final String NOT_ATTEMPTED = "ringcache.node.not.attempted";
  private static final String CAS_RETRIES = "ringcache.node.cas.retries";
  private static final String ITEMS_TOO_LARGE = "ringcache.node.items.too.large";
  private static final String CODEC_REJECTS = "ringcache.node.codec.rejects";
  private static final String QUARANTINES = "ringcache.node.quarantines";
  private static final String STATE = "ringcache.node.state";

  private static final String NODE = "node";
  private static final String REGION = "region";
  private static final String OPERATION = "operation";
  private static final String OUTCOME = "outcome";

  private static final int OPERATION_COUNT = CacheOperation.values().length;

  private final MeterRegistry registry;
  private final ConcurrentHashMap<String, NodeMeters> nodes = new ConcurrentHashMap<>();

  /** Meters in {@code registry}, which stays the caller's to close. */
  public MicrometerCacheMetrics(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  @Override
  public void operation(String nodeId, String region, CacheOperation operation, long nanos,
      boolean failed) {
    meters(nodeId).region(region).timer(operation, failed)
        .record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
  }

  @Override
  public void notAttempted(String nodeId, String region, CacheOperation operation) {
    meters(nodeId).region(region).notAttempted(operation).increment();
  }

  @Override
  public void stateChanged(String nodeId, NodeState state) {
    NodeMeters meters = meters(nodeId);
    int previous = meters.state.getAndSet(gaugeValue(state));
    if (state == NodeState.QUARANTINED && previous != gaugeValue(NodeState.QUARANTINED)) {
      meters.quarantines.increment();
    }
  }

  @Override
  public void casRetried(String nodeId, CacheOperation operation, int retries) {
    if (retries > 0) {
      NodeMeters meters = meters(nodeId);
      meters.counter(meters.casRetries, CAS_RETRIES, "Compare-and-set retries", operation)
          .increment(retries);
    }
  }

  @Override
  public void itemTooLarge(String nodeId, CacheOperation operation) {
    NodeMeters meters = meters(nodeId);
    meters.counter(meters.itemsTooLarge, ITEMS_TOO_LARGE,
        "Values not stored because the node does not take values that large", operation)
        .increment();
  }

  @Override
  public void codecRejected(String nodeId, CacheOperation operation) {
    NodeMeters meters = meters(nodeId);
    meters.counter(meters.codecRejects, CODEC_REJECTS,
        "Records or values read that were not ringcache's, or not for this key or mapping",
        operation).increment();
  }

  private NodeMeters meters(String nodeId) {
    NodeMeters meters = nodes.get(nodeId); // no lock when the node is known, the usual case
    // Registered under the map's lock, so the gauge watches the state that is kept.
    return meters != null ? meters : nodes.computeIfAbsent(nodeId, NodeMeters::new);
  }

  private static int gaugeValue(NodeState state) {
    return switch (state) {
      case UP -> 0;
      case DOWN -> 1;
      case QUARANTINED -> 2;
      case NO_PUTS -> 3;
    };
  }

  /**
   * The meters of one node. Those per operation are registered on first use and kept by ordinal,
   * so that recording does not look them up in the registry.
   */
  private final class NodeMeters {
    final String nodeId;
    final AtomicInteger state = new AtomicInteger(gaugeValue(NodeState.UP));
    final Counter quarantines;
    final ConcurrentHashMap<String, RegionMeters> regions = new ConcurrentHashMap<>();
    final AtomicReferenceArray<Counter> casRetries = new AtomicReferenceArray<>(OPERATION_COUNT);
    final AtomicReferenceArray<Counter> itemsTooLarge = new AtomicReferenceArray<>(OPERATION_COUNT);
    final AtomicReferenceArray<Counter> codecRejects = new AtomicReferenceArray<>(OPERATION_COUNT);

    NodeMeters(String nodeId) {
      this.nodeId = nodeId;
      Gauge.builder(STATE, state, AtomicInteger::get)
          .description("The node's state: UP 0, DOWN 1, QUARANTINED 2, NO_PUTS 3")
          .tag(NODE, nodeId)
          .register(registry);
      quarantines = Counter.builder(QUARANTINES)
          .description("Times the node was quarantined")
          .tag(NODE, nodeId)
          .register(registry);
    }

    RegionMeters region(String region) {
      RegionMeters meters = regions.get(region);
      return meters != null ? meters
          : regions.computeIfAbsent(region, r -> new RegionMeters(nodeId, r));
    }

    Counter counter(AtomicReferenceArray<Counter> counters, String name, String description,
        CacheOperation operation) {
      Counter counter = counters.get(operation.ordinal());
      if (counter == null) {
        counter = Counter.builder(name)
            .description(description)
            .tags(NODE, nodeId, OPERATION, operation.tagValue())
            .register(registry);
        counters.set(operation.ordinal(), counter);
      }
      return counter;
    }
  }

  /** The meters of one node's operations on one region's keys, kept by operation ordinal. */
  private final class RegionMeters {
    final String nodeId;
    final String region;
    final AtomicReferenceArray<Timer> successes = new AtomicReferenceArray<>(OPERATION_COUNT);
    final AtomicReferenceArray<Timer> failures = new AtomicReferenceArray<>(OPERATION_COUNT);
    final AtomicReferenceArray<Counter> notAttempted = new AtomicReferenceArray<>(OPERATION_COUNT);

    RegionMeters(String nodeId, String region) {
      this.nodeId = nodeId;
      this.region = region;
    }

    Timer timer(CacheOperation operation, boolean failed) {
      AtomicReferenceArray<Timer> timers = failed ? failures : successes;
      Timer timer = timers.get(operation.ordinal());
      if (timer == null) {
        // Registering twice in a race is harmless: the registry returns the same timer.
        timer = Timer.builder(OPERATIONS)
            .description("Operations sent to the node, and their latency")
            .tags(NODE, nodeId, REGION, region, OPERATION, operation.tagValue(),
                OUTCOME, failed ? "failure" : "success")
            .register(registry);
        timers.set(operation.ordinal(), timer);
      }
      return timer;
    }

    Counter notAttempted(CacheOperation operation) {
      Counter counter = notAttempted.get(operation.ordinal());
      if (counter == null) {
        counter = Counter.builder(NOT_ATTEMPTED)
            .description("Operations not sent: the node was down, quarantined, or took no puts")
            .tags(NODE, nodeId, REGION, region, OPERATION, operation.tagValue())
            .register(registry);
        notAttempted.set(operation.ordinal(), counter);
      }
      return counter;
    }
  }
}
