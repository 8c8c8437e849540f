package dev.ringcache.memcached;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ringcache.api.EntryTimes;
import dev.ringcache.api.Lookup;
import dev.ringcache.api.NodeUri;
import dev.ringcache.api.Unlock;
import dev.ringcache.api.UnlockOutcome;
import dev.ringcache.api.spi.CacheNode;
import dev.ringcache.api.spi.EntryRecord;
import dev.ringcache.api.testing.TestServer;
import dev.ringcache.api.testing.TestServers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Batches of locks and unlocks as the server sees them, through a proxy: every key's read is on
 * its way before any write, and a key that loses its race reads again by itself.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class BatchedStepsIT {
  private static final EntryTimes TIMES = EntryTimes.of(Duration.ofMinutes(1),
      Duration.ofMinutes(10));
  private static TestServer server;

  private final MemcachedProxy proxy = MemcachedProxy.inFrontOf(server);
  private final CountingEvents events = new CountingEvents();
  private final CacheNode node =
      new MemcachedNodeProvider().open(NodeUri.parse(proxy.uri("")), events);

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

  /** The requests for keys starting with {@code prefix}, as opcode names, in the order sent. */
  private List<String> recordRequests(String prefix) {
    List<String> requests = Collections.synchronizedList(new ArrayList<>());
    proxy.hook(request -> {
      if (request.key().startsWith(prefix)) {
        requests.add(request.opcode() == MemcachedProxy.GET ? "gets"
            : request.opcode() == MemcachedProxy.ADD ? "add"
            : request.isCas() ? "cas" : "opcode " + request.opcode());
      }
    });
    return requests;
  }

  @Test
  void aBatch_sendsEveryKeysRead_beforeAnyWrite() {
    node.ping(); // the first use measures the server's clock
    List<byte[]> keys = new ArrayList<>();
    List<Unlock> unlocks = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      keys.add(bytes("pipelined-" + i));
      unlocks.add(Unlock.committedValue("w", bytes("v" + i), 1));
    }
    List<String> requests = recordRequests("pipelined-");
    assertThat(node.lockAll(keys, "w", TIMES)).containsOnly(false).hasSize(5);
    assertThat(requests).as("one request of each kind per key, the reads all first")
        .containsExactly("gets", "gets", "gets", "gets", "gets", "add", "add", "add", "add",
            "add");
    requests.clear();
    assertThat(node.unlockAll(keys, unlocks, TIMES)).containsOnly(UnlockOutcome.WROTE_VALUE)
        .hasSize(5);
    assertThat(requests).containsExactly("gets", "gets", "gets", "gets", "gets", "cas", "cas",
        "cas", "cas", "cas");
    assertThat(node.getOrLease(keys.get(3), false, "n", TIMES))
        .isEqualTo(Lookup.hit(bytes("v3"), 1));
    assertThat(events.all()).as("no race lost, nothing too large").isEmpty();
  }

  @Test
  void aKeyThatComesTwiceInABatch_isSteppedTwice_inOrder_withoutRacingItself() {
    node.ping();
    List<String> requests = recordRequests("twice-");
    List<byte[]> keys = List.of(bytes("twice-a"), bytes("twice-b"), bytes("twice-a"));
    assertThat(node.lockAll(keys, "w", TIMES)).containsExactly(false, false, false);
    assertThat(requests).as("the second step on twice-a reads what the first wrote")
        .containsExactly("gets", "gets", "add", "add", "gets", "cas");
    assertThat(Objects.requireNonNull(node.inspect(keys.get(0))).generation()).isEqualTo(2);
    assertThat(events.all()).as("no race lost").isEmpty();
  }

  @Test
  void aKeyThatLosesItsRaceInABatch_readsAgain_andGetsTheResultOfItsStep() {
    node.ping();
    byte[] raced = bytes("race-b");
    List<byte[]> keys = List.of(bytes("race-a"), raced, bytes("race-c"));
    // Another JVM locks race-b between this batch's read of it and its add.
    AtomicBoolean armed = new AtomicBoolean(true);
    proxy.hook(request -> {
      if (request.opcode() == MemcachedProxy.ADD && request.key().equals("race-b")
          && armed.getAndSet(false)) {
        EntryRecord other = EntryRecord.restore(EntryRecord.State.LOCKED, null,
            Lookup.NO_VERSION, List.of("other"), false, Lookup.NO_VERSION, Lookup.NO_VERSION,
            false, 1, null, node.clockMillis() + 60_000);
        try (ServerAdmin admin = ServerAdmin.of(server)) {
          admin.setBytes(server, "race-b", ItemTranscoder.FLAGS, RecordFormat.encode(other));
        }
      }
    });
    assertThat(node.lockAll(keys, "w", TIMES)).as("race-b: another writer held it")
        .containsExactly(false, true, false);
    EntryRecord joined = Objects.requireNonNull(node.inspect(raced));
    assertThat(joined.lockIds()).containsExactly("other", "w");
    assertThat(joined.concurrent()).isTrue();
    assertThat(joined.generation()).isEqualTo(2);
    assertThat(events.all()).containsExactly(Map.entry("retried:lock-all", 1));
    for (byte[] k : List.of(keys.get(0), keys.get(2))) {
      assertThat(Objects.requireNonNull(node.inspect(k)).lockIds()).containsExactly("w");
    }
  }
}
