package dev.ringcache.memcached;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ringcache.api.EntryTimes;
import dev.ringcache.api.EvictOutcome;
import dev.ringcache.api.InsertOutcome;
import dev.ringcache.api.Lookup;
import dev.ringcache.api.NodeUri;
import dev.ringcache.api.PutOutcome;
import dev.ringcache.api.Unlock;
import dev.ringcache.api.spi.CacheNode;
import dev.ringcache.api.spi.EntryRecord;
import dev.ringcache.api.testing.TestServer;
import dev.ringcache.api.testing.TestServers;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The node is flushed (as the router clears a quarantined node) between a step's {@code gets}
 * and its {@code cas}: a put must not then add what it carries, which may have been read before
 * the invalidation the flush stands for; what an invalidation or a lease writes protects, so
 * those steps read again and write.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class FlushDuringStepIT {
  private static final EntryTimes TIMES = EntryTimes.of(Duration.ofMinutes(1),
      Duration.ofMinutes(10));
  private static TestServer server;

  private final MemcachedProxy proxy = MemcachedProxy.inFrontOf(server);
  private final CacheNode node =
      new MemcachedNodeProvider().open(NodeUri.parse(proxy.uri("")));

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
    node.close();
    proxy.close();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  /** Flushes the server, on a connection of its own, before the next cas reaches it. */
  private void flushBeforeTheNextCas() {
    AtomicBoolean armed = new AtomicBoolean(true);
    proxy.hook(request -> {
      if (request.isCas() && armed.getAndSet(false)) {
        try (ServerAdmin admin = ServerAdmin.of(server)) {
          assertThat(admin.send("flush_all")).isEqualTo("OK");
        }
      }
    });
  }

  @Test
  void aLoadOverAValueFlushedBeforeItsCas_isSkipped_notAdded() {
    byte[] k = bytes("load");
    assertThat(node.putFromLoad(k, bytes("v1"), 1, null, false, TIMES))
        .isEqualTo(PutOutcome.STORED);
    flushBeforeTheNextCas();
    assertThat(node.putFromLoad(k, bytes("v2"), 2, null, false, TIMES))
        .isEqualTo(PutOutcome.SKIPPED);
    assertThat(node.inspect(k)).as("nothing put after the flush").isNull();
  }

  @Test
  void anInsertOverATombstoneFlushedBeforeItsCas_isSkipped_notAdded() {
    byte[] k = bytes("insert");
    node.lock(k, "w", TIMES);
    node.unlock(k, Unlock.committedInvalidate("w", 1), TIMES);
    flushBeforeTheNextCas();
    assertThat(node.afterInsert(k, bytes("v2"), 2, TIMES)).isEqualTo(InsertOutcome.SKIPPED);
    assertThat(node.inspect(k)).as("nothing put after the flush").isNull();
  }

  @Test
  void invalidationsAndLeases_readAgainAfterTheFlush_andWrite() {
    byte[] locked = bytes("lock");
    node.putFromLoad(locked, bytes("v1"), 1, null, false, TIMES);
    flushBeforeTheNextCas();
    assertThat(node.lock(locked, "w", TIMES)).isFalse();
    EntryRecord lock = Objects.requireNonNull(node.inspect(locked));
    assertThat(lock.state()).isEqualTo(EntryRecord.State.LOCKED);
    assertThat(lock.lockIds()).containsExactly("w");

    byte[] evicted = bytes("evict");
    node.putFromLoad(evicted, bytes("v1"), 1, null, false, TIMES);
    flushBeforeTheNextCas();
    assertThat(node.evict(evicted, TIMES)).isEqualTo(EvictOutcome.TOMBSTONED);
    assertThat(Objects.requireNonNull(node.inspect(evicted)).state())
        .isEqualTo(EntryRecord.State.TOMBSTONE);

    byte[] leased = bytes("lease");
    node.evict(leased, TIMES);
    flushBeforeTheNextCas();
    assertThat(node.getOrLease(leased, true, "n", TIMES).kind()).isEqualTo(Lookup.Kind.LEASED);
    assertThat(Objects.requireNonNull(node.inspect(leased)).state())
        .isEqualTo(EntryRecord.State.LEASE);
  }
}
