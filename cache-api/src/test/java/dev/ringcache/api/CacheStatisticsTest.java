package dev.ringcache.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ringcache.api.CacheStatistics.NodeSnapshot;
import dev.ringcache.api.CacheStatistics.OperationSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** In-memory metrics: every counter lands where it belongs, and only there. */
class CacheStatisticsTest {
  private static final String NODE = "redis://cache-1:6379";
  private static final String REGION = "com.example.Order";
  private static final String OTHER = "memcached://cache-2:11211";

  private final CacheStatistics statistics = new CacheStatistics();

  @Test
  void regions_areCountedOverAllNodes_apartFromEachOther() {
    statistics.operation(NODE, REGION, CacheOperation.GET, 100, false);
    statistics.operation(OTHER, REGION, CacheOperation.GET, 300, true);
    statistics.operation(NODE, "com.example.Customer", CacheOperation.GET, 50, false);
    statistics.notAttempted(OTHER, REGION, CacheOperation.PUT);

    assertThat(statistics.regionNames()).containsExactly("com.example.Customer", REGION);
    assertThat(statistics.region(REGION).get(CacheOperation.GET))
        .isEqualTo(new OperationSnapshot(2, 1, 400, 300, 0, 0, 0, 0));
    assertThat(statistics.region(REGION).get(CacheOperation.PUT).notAttempted()).isEqualTo(1);
    assertThat(statistics.region("com.example.Customer").get(CacheOperation.GET).count())
        .isEqualTo(1);
    assertThat(statistics.region("none")).isEmpty();
    assertThat(statistics.node(NODE).operation(CacheOperation.GET).count()).isEqualTo(2);
  }

  @Test
  void operation_succeeded_countsItWithItsLatency() {
    statistics.operation(NODE, REGION, CacheOperation.GET, 100, false);
    statistics.operation(NODE, REGION, CacheOperation.GET, 300, false);

    assertThat(statistics.node(NODE).operation(CacheOperation.GET))
        .isEqualTo(new OperationSnapshot(2, 0, 400, 300, 0, 0, 0, 0));
    assertThat(statistics.node(NODE).operation(CacheOperation.GET).meanNanos()).isEqualTo(200);
  }

  @Test
  void operation_failed_countsAsFailure_andInTheCountAndLatency() {
    statistics.operation(NODE, REGION, CacheOperation.LOCK, 50, false);
    statistics.operation(NODE, REGION, CacheOperation.LOCK, 700, true);

    assertThat(statistics.node(NODE).operation(CacheOperation.LOCK))
        .isEqualTo(new OperationSnapshot(2, 1, 750, 700, 0, 0, 0, 0));
  }

  @Test
  void operation_maxNanos_isTheLongestEvenWhenItCameFirst() {
    statistics.operation(NODE, REGION, CacheOperation.PUT, 900, false);
    statistics.operation(NODE, REGION, CacheOperation.PUT, 10, false);

    assertThat(statistics.node(NODE).operation(CacheOperation.PUT).maxNanos()).isEqualTo(900);
  }

  @Test
  void operation_withNegativeLatency_countsButAddsNoTime() {
    statistics.operation(NODE, REGION, CacheOperation.GET, 100, false);
    statistics.operation(NODE, REGION, CacheOperation.GET, -5_000, false);

    assertThat(statistics.node(NODE).operation(CacheOperation.GET))
        .isEqualTo(new OperationSnapshot(2, 0, 100, 100, 0, 0, 0, 0));
  }

  @Test
  void notAttempted_countsApart_fromOperationsSent() {
    statistics.notAttempted(NODE, REGION, CacheOperation.PUT_FROM_LOAD);
    statistics.notAttempted(NODE, REGION, CacheOperation.PUT_FROM_LOAD);

    assertThat(statistics.node(NODE).operation(CacheOperation.PUT_FROM_LOAD))
        .isEqualTo(new OperationSnapshot(0, 0, 0, 0, 2, 0, 0, 0));
  }

  @Test
  void casRetried_sumsTheRetries_andIgnoresNonPositiveCounts() {
    statistics.casRetried(NODE, CacheOperation.UNLOCK, 3);
    statistics.casRetried(NODE, CacheOperation.UNLOCK, 1);
    statistics.casRetried(NODE, CacheOperation.UNLOCK, 0);
    statistics.casRetried(NODE, CacheOperation.UNLOCK, -2);

    assertThat(statistics.node(NODE).operation(CacheOperation.UNLOCK))
        .isEqualTo(new OperationSnapshot(0, 0, 0, 0, 0, 4, 0, 0));
  }

  @Test
  void itemTooLarge_countsPerOperation() {
    statistics.itemTooLarge(NODE, CacheOperation.PUT_ALL);

    assertThat(statistics.node(NODE).operation(CacheOperation.PUT_ALL))
        .isEqualTo(new OperationSnapshot(0, 0, 0, 0, 0, 0, 1, 0));
  }

  @Test
  void codecRejected_countsPerOperation() {
    statistics.codecRejected(NODE, CacheOperation.GET_OR_LEASE);
    statistics.codecRejected(NODE, CacheOperation.GET_OR_LEASE);
    statistics.codecRejected(NODE, CacheOperation.GET_OR_LEASE);

    assertThat(statistics.node(NODE).operation(CacheOperation.GET_OR_LEASE))
        .isEqualTo(new OperationSnapshot(0, 0, 0, 0, 0, 0, 0, 3));
  }

  @Test
  void counters_stayWithTheirNodeAndOperation() {
    statistics.operation(NODE, REGION, CacheOperation.GET, 10, true);
    statistics.notAttempted(NODE, REGION, CacheOperation.GET);
    statistics.casRetried(NODE, CacheOperation.GET, 2);
    statistics.itemTooLarge(NODE, CacheOperation.GET);
    statistics.codecRejected(NODE, CacheOperation.GET);

    assertThat(statistics.node(NODE).operation(CacheOperation.GET))
        .isEqualTo(new OperationSnapshot(1, 1, 10, 10, 1, 2, 1, 1));
    for (CacheOperation operation : CacheOperation.values()) {
      assertThat(statistics.node(OTHER).operation(operation)).isEqualTo(zero());
      if (operation != CacheOperation.GET) {
        assertThat(statistics.node(NODE).operation(operation)).isEqualTo(zero());
      }
    }
  }

  @Test
  void stateChanged_keepsTheLastState_andCountsEachTransitionIntoQuarantine() {
    assertThat(statistics.node(NODE).state()).isEqualTo(NodeState.UP);

    statistics.stateChanged(NODE, NodeState.DOWN);
    assertThat(statistics.node(NODE).state()).isEqualTo(NodeState.DOWN);
    assertThat(statistics.node(NODE).quarantines()).isZero();

    statistics.stateChanged(NODE, NodeState.QUARANTINED);
    statistics.stateChanged(NODE, NodeState.QUARANTINED); // no transition: not a second one
    statistics.stateChanged(NODE, NodeState.NO_PUTS);
    statistics.stateChanged(NODE, NodeState.UP);
    statistics.stateChanged(NODE, NodeState.QUARANTINED);

    NodeSnapshot node = statistics.node(NODE);
    assertThat(node.state()).isEqualTo(NodeState.QUARANTINED);
    assertThat(node.quarantines()).isEqualTo(2);
    assertThat(statistics.node(OTHER).state()).isEqualTo(NodeState.UP);
  }

  @Test
  void node_unknown_isAllZerosAndUp() {
    statistics.operation(NODE, REGION, CacheOperation.GET, 10, false);

    NodeSnapshot unknown = statistics.node("local://never-seen");
    assertThat(unknown.nodeId()).isEqualTo("local://never-seen");
    assertThat(unknown.state()).isEqualTo(NodeState.UP);
    assertThat(unknown.quarantines()).isZero();
    for (CacheOperation operation : CacheOperation.values()) {
      assertThat(unknown.operation(operation)).isEqualTo(zero());
      assertThat(unknown.operation(operation).meanNanos()).isZero();
    }
    assertThat(statistics.nodeIds()).containsExactly(NODE);
  }

  @Test
  void node_snapshot_doesNotChangeWithLaterOperations() {
    statistics.operation(NODE, REGION, CacheOperation.GET, 10, false);
    statistics.stateChanged(NODE, NodeState.QUARANTINED);
    NodeSnapshot before = statistics.node(NODE);
    OperationSnapshot getBefore = before.operation(CacheOperation.GET);

    statistics.operation(NODE, REGION, CacheOperation.GET, 90, true);
    statistics.stateChanged(NODE, NodeState.NO_PUTS);
    statistics.stateChanged(NODE, NodeState.QUARANTINED);

    assertThat(before.operation(CacheOperation.GET)).isEqualTo(getBefore)
        .isEqualTo(new OperationSnapshot(1, 0, 10, 10, 0, 0, 0, 0));
    assertThat(before.state()).isEqualTo(NodeState.QUARANTINED);
    assertThat(before.quarantines()).isEqualTo(1);
    assertThat(statistics.node(NODE).quarantines()).isEqualTo(2);
  }

  @Test
  void nodeIds_areTheNodesSeen_inOrder_andCannotBeChanged() {
    statistics.stateChanged(NODE, NodeState.DOWN);
    statistics.notAttempted(OTHER, REGION, CacheOperation.PUT);

    assertThat(statistics.nodeIds()).containsExactly(OTHER, NODE);
    assertThatThrownBy(() -> statistics.nodeIds().add("local://x"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void updates_fromSeveralThreads_sumExactly() throws Exception {
    int threads = 8;
    int perThread = 50_000;
    ExecutorService executor = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(executor.submit(() -> {
          start.await();
          for (int i = 0; i < perThread; i++) {
            String node = i % 2 == 0 ? NODE : OTHER;
            statistics.operation(node, REGION, CacheOperation.GET, i, i % 10 == 0);
            statistics.notAttempted(node, REGION, CacheOperation.PUT);
            statistics.casRetried(node, CacheOperation.UNLOCK, 2);
            statistics.itemTooLarge(node, CacheOperation.PUT);
            statistics.codecRejected(node, CacheOperation.GET);
          }
          statistics.operation(NODE, REGION, CacheOperation.EVICT, 1_000_000 + thread, false);
          return null;
        }));
      }
      start.countDown();
      for (Future<?> future : done) {
        future.get(60, TimeUnit.SECONDS);
      }
    } finally {
      executor.shutdownNow();
    }

    // Per node and thread: the even i go to NODE, the odd to OTHER.
    long evenSum = 0;
    long oddSum = 0;
    for (int i = 0; i < perThread; i++) {
      if (i % 2 == 0) {
        evenSum += i;
      } else {
        oddSum += i;
      }
    }
    int half = perThread / 2;
    long failuresPerThread = perThread / 10; // every i % 10 == 0 is even
    assertThat(statistics.node(NODE).operation(CacheOperation.GET)).isEqualTo(new OperationSnapshot(
        threads * half, threads * failuresPerThread, threads * evenSum, perThread - 2, 0, 0, 0,
        threads * half));
    assertThat(statistics.node(OTHER).operation(CacheOperation.GET)).isEqualTo(new OperationSnapshot(
        threads * half, 0, threads * oddSum, perThread - 1, 0, 0, 0, threads * half));
    for (String node : List.of(NODE, OTHER)) {
      assertThat(statistics.node(node).operation(CacheOperation.PUT))
          .isEqualTo(new OperationSnapshot(0, 0, 0, 0, threads * half, 0, threads * half, 0));
      assertThat(statistics.node(node).operation(CacheOperation.UNLOCK))
          .isEqualTo(new OperationSnapshot(0, 0, 0, 0, 0, threads * half * 2L, 0, 0));
    }
    assertThat(statistics.node(NODE).operation(CacheOperation.EVICT).maxNanos())
        .isEqualTo(1_000_000 + threads - 1);
  }

  @Test
  void toString_namesEachNode_itsState_andTheOperationsSeen() {
    statistics.operation(NODE, REGION, CacheOperation.PUT_FROM_LOAD, 10, false);
    statistics.stateChanged(OTHER, NodeState.DOWN);

    assertThat(statistics.toString())
        .contains(NODE + ": UP", "put-from-load=", OTHER + ": DOWN")
        .doesNotContain("get=");
  }

  private static OperationSnapshot zero() {
    return new OperationSnapshot(0, 0, 0, 0, 0, 0, 0, 0);
  }
}
