package dev.ringcache.api.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ringcache.api.CacheOperation;
import dev.ringcache.api.NodeState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The meters ringcache registers: their names and tags are what dashboards and alerts rely on. */
class MicrometerCacheMetricsTest {
  private static final String NODE = "redis://cache-1.example:6379";
  private static final String OTHER = "memcached://10.0.0.7:11211";
  private static final String REGION = "com.example.Order";

  private final MeterRegistry registry = new SimpleMeterRegistry();
  private final MicrometerCacheMetrics metrics = new MicrometerCacheMetrics(registry);

  @Test
  void operation_recordsATimerPerNodeOperationAndOutcome() {
    metrics.operation(NODE, REGION, CacheOperation.PUT_FROM_LOAD, 1_000, false);
    metrics.operation(NODE, REGION, CacheOperation.PUT_FROM_LOAD, 3_000, false);
    metrics.operation(NODE, REGION, CacheOperation.PUT_FROM_LOAD, 40_000, true);

    Timer success = timer(NODE, "put-from-load", "success");
    assertThat(success.count()).isEqualTo(2);
    assertThat(success.totalTime(TimeUnit.NANOSECONDS)).isEqualTo(4_000);
    assertThat(success.max(TimeUnit.NANOSECONDS)).isEqualTo(3_000);
    Timer failure = timer(NODE, "put-from-load", "failure");
    assertThat(failure.count()).isEqualTo(1);
    assertThat(failure.totalTime(TimeUnit.NANOSECONDS)).isEqualTo(40_000);
  }

  @Test
  void everyOperation_hasTimersOfItsOwn_underItsTagValue() {
    for (CacheOperation operation : CacheOperation.values()) {
      metrics.operation(NODE, REGION, operation, 10, false);
    }
    for (CacheOperation operation : CacheOperation.values()) {
      assertThat(timer(NODE, operation.tagValue(), "success").count()).as("%s", operation)
          .isEqualTo(1);
    }
    assertThat(CacheOperation.INCREMENT.tagValue()).isEqualTo("increment");
  }

  @Test
  void operationsOnTwoRegions_haveTimersOfTheirOwn_underTheRegionTag() {
    metrics.operation(NODE, REGION, CacheOperation.GET, 10, false);
    metrics.operation(NODE, "com.example.Customer", CacheOperation.GET, 10, false);
    metrics.operation(NODE, "com.example.Customer", CacheOperation.GET, 10, false);
    metrics.notAttempted(NODE, "com.example.Customer", CacheOperation.GET);

    assertThat(registry.get("ringcache.node.operations").tags("node", NODE, "region", REGION,
        "operation", "get", "outcome", "success").timer().count()).isEqualTo(1);
    assertThat(registry.get("ringcache.node.operations").tags("node", NODE, "region",
        "com.example.Customer", "operation", "get", "outcome", "success").timer().count())
        .isEqualTo(2);
    assertThat(registry.get("ringcache.node.not.attempted").tags("node", NODE, "region",
        "com.example.Customer", "operation", "get").counter().count()).isEqualTo(1);
    assertThat(registry.get("ringcache.node.operations").tags("node", NODE, "operation", "get")
        .timers().stream().mapToLong(Timer::count).sum()).isEqualTo(3);
  }

  @Test
  void operation_withNegativeLatency_countsAsZero() {
    metrics.operation(NODE, REGION, CacheOperation.GET, -7, false);

    assertThat(timer(NODE, "get", "success").count()).isEqualTo(1);
    assertThat(timer(NODE, "get", "success").totalTime(TimeUnit.NANOSECONDS)).isZero();
  }

  @Test
  void notAttempted_countsPerNodeAndOperation() {
    metrics.notAttempted(NODE, REGION, CacheOperation.PUT);
    metrics.notAttempted(NODE, REGION, CacheOperation.PUT);
    metrics.notAttempted(OTHER, REGION, CacheOperation.PUT);

    assertThat(counter("ringcache.node.not.attempted", NODE, "put")).isEqualTo(2);
    assertThat(counter("ringcache.node.not.attempted", OTHER, "put")).isEqualTo(1);
  }

  @Test
  void casRetried_addsTheRetries_andIgnoresNonPositiveCounts() {
    metrics.casRetried(NODE, CacheOperation.UNLOCK, 3);
    metrics.casRetried(NODE, CacheOperation.UNLOCK, 2);
    metrics.casRetried(NODE, CacheOperation.UNLOCK, 0);
    metrics.casRetried(NODE, CacheOperation.UNLOCK, -1);

    assertThat(counter("ringcache.node.cas.retries", NODE, "unlock")).isEqualTo(5);
  }

  @Test
  void itemTooLarge_countsPerNodeAndOperation() {
    metrics.itemTooLarge(NODE, CacheOperation.AFTER_INSERT);

    assertThat(counter("ringcache.node.items.too.large", NODE, "after-insert")).isEqualTo(1);
  }

  @Test
  void codecRejected_countsPerNodeAndOperation() {
    metrics.codecRejected(NODE, CacheOperation.GET_ALL);
    metrics.codecRejected(NODE, CacheOperation.GET_ALL);

    assertThat(counter("ringcache.node.codec.rejects", NODE, "get-all")).isEqualTo(2);
  }

  @Test
  void stateGauge_followsTheState_withTheDocumentedValues() {
    metrics.notAttempted(NODE, REGION, CacheOperation.GET);
    assertThat(state(NODE)).isEqualTo(0);

    Map<NodeState, Double> documented = Map.of(
        NodeState.UP, 0.0, NodeState.DOWN, 1.0, NodeState.QUARANTINED, 2.0, NodeState.NO_PUTS, 3.0);
    assertThat(documented).containsOnlyKeys(NodeState.values());
    for (NodeState state : new NodeState[] {
        NodeState.DOWN, NodeState.QUARANTINED, NodeState.NO_PUTS, NodeState.UP}) {
      metrics.stateChanged(NODE, state);
      assertThat(state(NODE)).as("%s", state).isEqualTo(documented.get(state));
    }
  }

  @Test
  void quarantines_countEachTransitionIntoQuarantine() {
    metrics.stateChanged(NODE, NodeState.DOWN);
    assertThat(registry.get("ringcache.node.quarantines").tag("node", NODE).counter().count())
        .isZero();

    metrics.stateChanged(NODE, NodeState.QUARANTINED);
    metrics.stateChanged(NODE, NodeState.QUARANTINED); // no transition: not a second one
    metrics.stateChanged(NODE, NodeState.NO_PUTS);
    metrics.stateChanged(NODE, NodeState.QUARANTINED);

    assertThat(registry.get("ringcache.node.quarantines").tag("node", NODE).counter().count())
        .isEqualTo(2);
    assertThat(state(NODE)).isEqualTo(2);
  }

  @Test
  void meters_haveExactlyTheirTags_andTheNodeTagIsTheIdAsGiven() {
    recordEverything(NODE);
    recordEverything(OTHER);

    Map<String, Set<String>> tagKeys = Map.of(
        "ringcache.node.operations", Set.of("node", "region", "operation", "outcome"),
        "ringcache.node.not.attempted", Set.of("node", "region", "operation"),
        "ringcache.node.cas.retries", Set.of("node", "operation"),
        "ringcache.node.items.too.large", Set.of("node", "operation"),
        "ringcache.node.codec.rejects", Set.of("node", "operation"),
        "ringcache.node.quarantines", Set.of("node"),
        "ringcache.node.state", Set.of("node"));
    Set<String> operations = Stream.of(CacheOperation.values())
        .map(CacheOperation::tagValue).collect(Collectors.toSet());
    Set<String> names = new HashSet<>();
    for (Meter meter : registry.getMeters()) {
      Meter.Id id = meter.getId();
      names.add(id.getName());
      assertThat(id.getTags().stream().map(Tag::getKey)).as(id.toString())
          .containsExactlyInAnyOrderElementsOf(tagKeys.get(id.getName()));
      assertThat(id.getTag("node")).isIn(NODE, OTHER);
      if (id.getTag("region") != null) {
        assertThat(id.getTag("region")).isEqualTo(REGION);
      }
      if (id.getTag("operation") != null) {
        assertThat(id.getTag("operation")).isIn(operations);
      }
      if (id.getTag("outcome") != null) {
        assertThat(id.getTag("outcome")).isIn("success", "failure");
      }
    }
    assertThat(names).isEqualTo(tagKeys.keySet());
  }

  @Test
  void recordingAgain_registersNoNewMeters() {
    recordEverything(NODE);
    List<Meter> meters = registry.getMeters();

    recordEverything(NODE);

    assertThat(registry.getMeters()).containsExactlyInAnyOrderElementsOf(meters);
    assertThat(timer(NODE, "get", "success").count()).isEqualTo(2);
  }

  @Test
  void constructor_withoutRegistry_namesTheArgument() {
    assertThatThrownBy(() -> new MicrometerCacheMetrics(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("registry");
  }

  @Test
  void micrometer_isReferencedOnlyInThisPackage() throws IOException {
    // Micrometer is an optional dependency: the rest of cache-api must load without it.
    Path main = Path.of("src/main/java");
    Path micrometerPackage = main.resolve("dev/ringcache/api/micrometer");
    assertThat(micrometerPackage.resolve("MicrometerCacheMetrics.java")).exists();
    try (Stream<Path> files = Files.walk(main)) {
      List<Path> offenders = files
          .filter(file -> file.toString().endsWith(".java"))
          .filter(file -> !file.startsWith(micrometerPackage))
          .filter(file -> read(file).contains("io.micrometer"))
          .toList();
      assertThat(offenders).isEmpty();
    }
  }

  private void recordEverything(String nodeId) {
    metrics.operation(nodeId, REGION, CacheOperation.GET, 10, false);
    metrics.operation(nodeId, REGION, CacheOperation.LOCK, 10, true);
    metrics.notAttempted(nodeId, REGION, CacheOperation.PUT);
    metrics.casRetried(nodeId, CacheOperation.UNLOCK, 1);
    metrics.itemTooLarge(nodeId, CacheOperation.PUT);
    metrics.codecRejected(nodeId, CacheOperation.GET);
    metrics.stateChanged(nodeId, NodeState.QUARANTINED);
    metrics.stateChanged(nodeId, NodeState.UP);
  }

  private Timer timer(String node, String operation, String outcome) {
    return registry.get("ringcache.node.operations")
        .tags("node", node, "region", REGION, "operation", operation, "outcome", outcome).timer();
  }

  private double counter(String name, String node, String operation) {
    return registry.get(name).tags("node", node, "operation", operation).counters().stream()
        .mapToDouble(Counter::count).sum();
  }

  private double state(String node) {
    return registry.get("ringcache.node.state").tag("node", node).gauge().value();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new IllegalStateException(file.toString(), e);
    }
  }
}
