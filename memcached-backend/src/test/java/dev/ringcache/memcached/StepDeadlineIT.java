package dev.ringcache.memcached;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ringcache.api.CacheTimeoutException;
import dev.ringcache.api.EntryTimes;
import dev.ringcache.api.EvictOutcome;
import dev.ringcache.api.InsertOutcome;
import dev.ringcache.api.NodeUnavailableException;
import dev.ringcache.api.NodeUri;
import dev.ringcache.api.PutOutcome;
import dev.ringcache.api.Unlock;
import dev.ringcache.api.UnlockOutcome;
import dev.ringcache.api.spi.CacheNode;
import dev.ringcache.api.testing.TestServer;
import dev.ringcache.api.testing.TestServers;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How long a step may take, and what it does while it waits: one deadline for the whole step
 * (two timeouts; four for an invalidation), however slow the server and however many races it
 * loses; this JVM's other steps on the key are contention, not a failure; an interrupt never
 * makes an invalidation fail.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class StepDeadlineIT {
  private static final long TIMEOUT_MILLIS = 200;
  private static final long BUDGET_MILLIS = MemcachedNode.BUDGET_TIMEOUTS * TIMEOUT_MILLIS;
  private static final long INVALIDATION_BUDGET_MILLIS =
      MemcachedNode.INVALIDATION_BUDGET_TIMEOUTS * TIMEOUT_MILLIS;
  /** What a step may take beyond its deadline: the request or wait it was in when it passed. */
  private static final long SLACK_MILLIS = 150;
  private static final EntryTimes TIMES = EntryTimes.of(Duration.ofMinutes(1),
      Duration.ofMinutes(10));
  private static TestServer server;

  private final MemcachedProxy proxy = MemcachedProxy.inFrontOf(server);
  private final MemcachedNode node = (MemcachedNode) new MemcachedNodeProvider()
      .open(NodeUri.parse(proxy.uri("") + "?timeout=" + TIMEOUT_MILLIS + "ms"));

  @BeforeAll
  static void startServer() {
    server = TestServers.memcached().start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @AfterEach
  void close() {
    Thread.interrupted();
    node.close();
    proxy.close();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  private static long millisSince(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  // ---- one deadline

  @Test
  void aStepThatKeepsLosingItsCasToASlowServer_endsAtItsDeadline_withATimeout() {
    byte[] k = bytes("always-lost");
    node.putFromLoad(k, bytes("v1"), 1, null, false, TIMES);
    // Every request answered in 60 ms, well within the timeout; every cas finds the item changed.
    proxy.hook(request -> {
      if (request.opcode() == MemcachedProxy.GET || request.isCas()) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(60)); // a slow server
      }
      if (request.isCas()) {
        request.setCas(request.cas() + 1);
      }
    });
    assertEndsWithin(BUDGET_MILLIS, CacheTimeoutException.class,
        () -> node.putFromLoad(k, bytes("v2"), 2, null, false, TIMES));
    assertEndsWithin(INVALIDATION_BUDGET_MILLIS, CacheTimeoutException.class,
        () -> node.lock(k, "w", TIMES));
  }

  private static void assertEndsWithin(long budgetMillis, Class<? extends Throwable> type,
      ThrowingCallable step) {
    long start = System.nanoTime();
    assertThatThrownBy(step).isInstanceOf(type);
    assertThat(millisSince(start)).isBetween(budgetMillis - SLACK_MILLIS,
        budgetMillis + SLACK_MILLIS);
  }

  // ---- this JVM's other steps on the key

  /** Holds the stripe of {@code key} on a thread of its own until {@code release} opens. */
  private CompletableFuture<Void> holdStripe(String key, CountDownLatch release)
      throws InterruptedException {
    ReentrantLock stripe = node.stripeFor(key);
    CountDownLatch held = new CountDownLatch(1);
    CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> {
      stripe.lock();
      try {
        held.countDown();
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        stripe.unlock();
      }
    });
    held.await();
    return holder;
  }

  @Test
  void putsWaitingTooLongBehindThisJvmsStepsOnTheKey_areSkipped_notFailures() throws Exception {
    node.ping();
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Void> holder = holdStripe("contended", release);
    try {
      long start = System.nanoTime();
      assertThat(node.putFromLoad(bytes("contended"), bytes("v"), 1, null, false, TIMES))
          .isEqualTo(PutOutcome.SKIPPED);
      assertThat(node.afterInsert(bytes("contended"), bytes("v"), 1, TIMES))
          .isEqualTo(InsertOutcome.SKIPPED);
      assertThat(millisSince(start)).isBetween(2 * BUDGET_MILLIS - SLACK_MILLIS,
          2 * BUDGET_MILLIS + SLACK_MILLIS);
    } finally {
      release.countDown();
      holder.get(10, TimeUnit.SECONDS);
    }
    assertThat(node.inspect(bytes("contended"))).isNull();
  }

  @Test
  void anInvalidationWaitsBehindThisJvmsStepsOnTheKey_upToItsDeadline() throws Exception {
    node.ping();
    byte[] k = bytes("contended-lock");
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Void> holder = holdStripe("contended-lock", release);
    // Released after twice the timeout, well within the invalidation's four.
    CompletableFuture.runAsync(() -> {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2 * TIMEOUT_MILLIS));
      release.countDown();
    });
    assertThat(node.lock(k, "w", TIMES)).isFalse();
    holder.get(10, TimeUnit.SECONDS);

    CountDownLatch never = new CountDownLatch(1);
    CompletableFuture<Void> stuck = holdStripe("contended-lock", never);
    try {
      assertEndsWithin(INVALIDATION_BUDGET_MILLIS, CacheTimeoutException.class,
          () -> node.unlock(k, Unlock.committedInvalidate("w", 1), TIMES));
    } finally {
      never.countDown();
      stuck.get(10, TimeUnit.SECONDS);
    }
  }

  // ---- interrupts

  @Test
  void anInterruptedCaller_stillInvalidates_andKeepsItsInterrupt() {
    byte[] k = bytes("interrupted");
    Thread.currentThread().interrupt(); // before the node's first use, even
    assertThat(node.lock(k, "w", TIMES)).isFalse();
    assertThat(Thread.currentThread().isInterrupted()).isTrue();
    assertThat(node.unlock(k, Unlock.committedValue("w", bytes("v"), 1), TIMES))
        .isEqualTo(UnlockOutcome.WROTE_VALUE);
    assertThat(Thread.currentThread().isInterrupted()).isTrue();
    assertThat(node.evict(k, TIMES)).isEqualTo(EvictOutcome.TOMBSTONED);
    assertThat(Thread.currentThread().isInterrupted()).isTrue();
    assertThat(node.delete(k)).isTrue();
    assertThat(Thread.interrupted()).isTrue();
    assertThat(node.inspect(k)).isNull();
  }

  @Test
  void anInterruptWhileAnInvalidationWaits_doesNotEndIt() throws Exception {
    node.ping();
    CountDownLatch atServer = new CountDownLatch(1);
    proxy.hook(request -> {
      if (request.opcode() == MemcachedProxy.GET) {
        atServer.countDown();
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // a slow answer
      }
    });
    CompletableFuture<Boolean> interruptKept = new CompletableFuture<>();
    Thread locker = new Thread(() -> {
      try {
        node.lock(bytes("interrupted-while-waiting"), "w", TIMES);
        interruptKept.complete(Thread.currentThread().isInterrupted());
      } catch (RuntimeException e) {
        interruptKept.completeExceptionally(e);
      }
    });
    locker.start();
    atServer.await(); // the locker waits for the answer to its gets
    locker.interrupt();
    assertThat(interruptKept.get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(node.inspect(bytes("interrupted-while-waiting"))).isNotNull();
  }

  @Test
  void anInterruptedReadOrPut_endsWithNodeUnavailable_andKeepsItsInterrupt() {
    node.ping();
    for (Supplier<?> op : List.<Supplier<?>>of(
        () -> node.getOrLease(bytes("k"), true, "n", TIMES),
        () -> node.putFromLoad(bytes("k"), bytes("v"), 1, null, false, TIMES),
        () -> node.get(bytes("k")))) {
      Thread.currentThread().interrupt();
      assertThatThrownBy(op::get).isInstanceOf(NodeUnavailableException.class)
          .hasMessageContaining("interrupted");
      assertThat(Thread.interrupted()).isTrue();
    }
  }
}
