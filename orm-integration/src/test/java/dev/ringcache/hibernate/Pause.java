package dev.ringcache.hibernate;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A point where one thread stops until the test lets it go: {@link #awaitReached()} waits until
 * the thread is there, {@link #release()} lets it go on. Bounded: a thread held longer than a
 * minute goes on by itself, so that a failing test cannot hang the build. Thread-safe.
 */
final class Pause {
  private static final Duration LIMIT = Duration.ofMinutes(1);

  private final CountDownLatch reached = new CountDownLatch(1);
  private final CountDownLatch released = new CountDownLatch(1);

  /** Called by the paused thread. */
  void hold() {
    reached.countDown();
    try {
      released.await(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits until the thread is held; fails the test after 30 s. */
  void awaitReached() throws InterruptedException {
    if (!reached.await(30, TimeUnit.SECONDS)) {
      throw new AssertionError("the pause point was never reached");
    }
  }

  boolean isReached() {
    return reached.getCount() == 0;
  }

  void release() {
    released.countDown();
  }
}
