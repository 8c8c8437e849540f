package dev.ringcache.memcached;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import dev.ringcache.api.CacheTimeoutException;
import dev.ringcache.api.EntryTimes;
import dev.ringcache.api.NodeUnavailableException;
import dev.ringcache.api.NodeUri;
import dev.ringcache.api.spi.CacheNode;
import dev.ringcache.api.testing.TestServer;
import dev.ringcache.api.testing.TestServers;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * A memcached server that is down, goes down, hangs, or cannot be found: the node fails fast with
 * {@link NodeUnavailableException} (a hang: {@link CacheTimeoutException} after its timeout),
 * serves again by itself when the server is back, and logs one line per change — while
 * spymemcached's per-attempt messages stay below INFO.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MemcachedOutageIT {
  private static final long TIMEOUT_MILLIS = 500;
  /** Failing fast: far less than the timeout, which a down node must never cost. */
  private static final long FAST_MILLIS = 250;
  private static final EntryTimes TIMES = EntryTimes.of(Duration.ofMinutes(1),
      Duration.ofMinutes(10));

  private static CacheNode open(TestServer server) {
    return new MemcachedNodeProvider().open(NodeUri.parse(server.uri() + "?timeout="
        + TIMEOUT_MILLIS + "ms"));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  @Test
  void aServerDownAtOpen_failsFastOnUse_andTheSameNodeServesOnceItIsUp() {
    try (TestServer server = TestServers.memcached().start();
        LogCapture spy = new LogCapture("net.spy.memcached", Level.FINE);
        LogCapture ours = new LogCapture(MemcachedNode.class.getName(), Level.INFO)) {
      server.kill();
      CacheNode node = open(server);
      try {
        for (Executable op : List.<Executable>of(() -> node.get(bytes("k")),
            () -> node.lock(bytes("k"), "w", TIMES), node::ping,
            () -> node.put(bytes("k"), bytes("v"), 60_000))) {
          assertFailsFast(op, NodeUnavailableException.class);
        }
        server.restart();
        awaitServing(node); // spymemcached reconnects within 2 s: no new node needed
        node.put(bytes("k"), bytes("v"), 60_000);
        assertThat(node.get(bytes("k"))).isEqualTo(bytes("v"));
      } finally {
        node.close();
      }
      assertThat(spy.messagesAtOrAbove(Level.INFO)).as("spymemcached at INFO or above").isEmpty();
      assertThat(spy.messagesAtOrAbove(Level.FINE)).as("demoted, not lost")
          .anyMatch(m -> m.contains("Closing, and reopening"));
      assertThat(ours.messagesAtOrAbove(Level.INFO)).as("one line per change").hasSize(2);
      assertThat(ours.messagesAtOrAbove(Level.WARNING)).singleElement(as(STRING))
          .contains("is unavailable");
    }
  }

  @Test
  void aServerThatGoesDown_failsFast_andServesAgainAfterItsRestart() {
    try (TestServer server = TestServers.memcached().start()) {
      CacheNode node = open(server);
      try {
        node.put(bytes("k"), bytes("v"), 60_000);
        server.kill();
        for (int i = 0; i < 5; i++) {
          assertFailsFast(() -> node.get(bytes("k")), NodeUnavailableException.class);
          assertFailsFast(() -> node.evict(bytes("k"), TIMES),
              NodeUnavailableException.class);
        }
        server.restart();
        awaitServing(node);
        assertThat(node.get(bytes("k"))).as("a restarted server is empty").isNull();
      } finally {
        node.close();
      }
    }
  }

  @Test
  void aHungServer_timesOutAfterTheTimeout_andServesWhenItGoesOn() {
    try (TestServer server = TestServers.memcached().start()) {
      CacheNode node = open(server);
      try {
        node.put(bytes("k"), bytes("v"), 60_000);
        server.pause();
        long start = System.nanoTime();
        assertThatThrownBy(() -> node.get(bytes("k"))).isInstanceOf(CacheTimeoutException.class)
            .hasMessageContaining(TIMEOUT_MILLIS + " ms");
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(millis).isBetween(TIMEOUT_MILLIS - 50, 2 * TIMEOUT_MILLIS);
        server.resume();
        awaitServing(node);
        assertThat(node.get(bytes("k"))).isEqualTo(bytes("v"));
      } finally {
        node.close();
      }
    }
  }

  @Test
  void aHostThatDoesNotResolve_isUnavailable() {
    CacheNode node = new MemcachedNodeProvider().open(
        NodeUri.parse("memcached://no-such-host.invalid:11311"));
    try {
      assertThatThrownBy(node::ping).isInstanceOf(NodeUnavailableException.class)
          .hasMessageContaining("cannot resolve");
    } finally {
      node.close();
    }
  }

  private static void assertFailsFast(Executable op, Class<? extends Throwable> type) {
    long start = System.nanoTime();
    Throwable thrown = null;
    try {
      op.execute();
    } catch (Throwable t) {
      thrown = t;
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(thrown).isInstanceOf(type).isNotInstanceOf(CacheTimeoutException.class);
    assertThat(millis).as("failing took %d ms", millis).isLessThan(FAST_MILLIS);
  }

  /** Waits until the node answers, with a deadline. */
  static void awaitServing(CacheNode node) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        node.ping();
        return;
      } catch (NodeUnavailableException e) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("the node did not serve again within 10 s", e);
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
      }
    }
  }

  /** Collects what one JUL logger (System.Logger's default backend) publishes. */
  static final class LogCapture extends Handler implements AutoCloseable {
    private final Logger logger;
    private final Level previous;
    private final ConcurrentLinkedQueue<LogRecord> records = new ConcurrentLinkedQueue<>();

    LogCapture(String name, Level level) {
      this.logger = Logger.getLogger(name);
      this.previous = logger.getLevel();
      logger.setLevel(level);
      logger.addHandler(this);
    }

    List<String> messagesAtOrAbove(Level level) {
      return records.stream().filter(r -> r.getLevel().intValue() >= level.intValue())
          .map(LogRecord::getMessage).toList();
    }

    @Override
    public void publish(LogRecord record) {
      records.add(record);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
      logger.removeHandler(this);
      logger.setLevel(previous);
    }
  }
}
