package dev.ringcache.memcached;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ringcache.api.EntryTimes;
import dev.ringcache.api.InsertOutcome;
import dev.ringcache.api.Lookup;
import dev.ringcache.api.NodeUri;
import dev.ringcache.api.PutOutcome;
import dev.ringcache.api.RecordLostException;
import dev.ringcache.api.Unlock;
import dev.ringcache.api.UnlockOutcome;
import dev.ringcache.api.spi.CacheNode;
import dev.ringcache.api.spi.EntryRecord;
import dev.ringcache.api.testing.TestServer;
import dev.ringcache.api.testing.TestServers;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Records larger than the server's item limit ({@code -I 1m}): always counted. One node knows
 * the limit ({@code maxItemSize=1m}, the default) and does not send them: never an error. Another
 * is told a larger limit than the server's ({@code 2m}) and meets the server's refusal: harmless
 * for a plain put or an add, but a refused cas drops the item under the key, whoever wrote it —
 * a {@link RecordLostException}.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ItemTooLargeIT {
  private static final EntryTimes TIMES = EntryTimes.of(Duration.ofMinutes(1),
      Duration.ofMinutes(10));
  private static final byte[] TWO_MB = filled(2 << 20);
  private static final byte[] ONE_AND_A_HALF_MB = filled(3 << 19);
  private static TestServer server;

  private final CountingEvents events = new CountingEvents();
  private final CacheNode knowing = open("", events);
  private final CacheNode told = open("?maxItemSize=2m", events);

  @BeforeAll
  static void startServer() {
    server = TestServers.memcached().args("-I", "1m").start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @AfterEach
  void closeNodes() {
    knowing.close();
    told.close();
  }

  private static CacheNode open(String options, CountingEvents events) {
    return new MemcachedNodeProvider().open(NodeUri.parse(server.uri() + options), events);
  }

  private static byte[] filled(int size) {
    byte[] bytes = new byte[size];
    Arrays.fill(bytes, (byte) 'x');
    return bytes;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  @Test
  void aPlainPutTooLarge_isSkipped_removesTheOldValue_andIsCounted() {
    for (CacheNode node : List.of(knowing, told)) {
      byte[] value = node == knowing ? TWO_MB : ONE_AND_A_HALF_MB;
      String which = node == knowing ? "knowing" : "told";
      byte[] k = bytes("plain-" + which);
      node.put(k, bytes("old"), 60_000);
      node.put(k, value, 60_000);
      assertThat(node.get(k)).as("no stale value survives a put that did not fit").isNull();
    }
    assertThat(events.count("tooLarge:put")).isEqualTo(2);
  }

  @Test
  void aBatchWithOneValueTooLarge_storesTheOthers() {
    List<byte[]> keys = List.of(bytes("batch-1"), bytes("batch-2"), bytes("batch-3"));
    knowing.putAll(keys, List.of(bytes("one"), TWO_MB, bytes("three")), 60_000);
    assertThat(knowing.getAll(keys)).containsExactly(bytes("one"), null, bytes("three"));
    told.putAll(keys, List.of(bytes("uno"), ONE_AND_A_HALF_MB, bytes("tres")), 60_000);
    assertThat(told.getAll(keys)).containsExactly(bytes("uno"), null, bytes("tres"));
    assertThat(events.count("tooLarge:put-all")).isEqualTo(2);
  }

  @Test
  void aLoadTooLarge_isSkipped_andItsLeaseStays() {
    byte[] k = bytes("load");
    String token = knowing.getOrLease(k, true, "n", TIMES).leaseToken();
    assertThat(knowing.putFromLoad(k, TWO_MB, 1, token, false, TIMES))
        .isEqualTo(PutOutcome.SKIPPED);
    EntryRecord lease = Objects.requireNonNull(knowing.inspect(k));
    assertThat(lease.state()).isEqualTo(EntryRecord.State.LEASE);
    assertThat(lease.leaseToken()).isEqualTo(token);
    assertThat(knowing.putFromLoad(k, bytes("small"), 1, token, false, TIMES))
        .as("the lease still serves a smaller put").isEqualTo(PutOutcome.STORED);
    assertThat(events.count("tooLarge:put-from-load")).isEqualTo(1);
  }

  @Test
  void anInsertTooLarge_isSkipped() {
    for (CacheNode node : List.of(knowing, told)) {
      byte[] value = node == knowing ? TWO_MB : ONE_AND_A_HALF_MB;
      String which = node == knowing ? "knowing" : "told";
      byte[] absent = bytes("insert-" + which);
      assertThat(node.afterInsert(absent, value, 1, TIMES)).as("an add: nothing to lose")
          .isEqualTo(InsertOutcome.SKIPPED);
      assertThat(node.inspect(absent)).isNull();
    }
    byte[] tombstone = bytes("insert-over-tombstone");
    knowing.lock(tombstone, "w", TIMES);
    knowing.unlock(tombstone, Unlock.committedInvalidate("w", 1), TIMES);
    assertThat(knowing.afterInsert(tombstone, TWO_MB, 2, TIMES)).isEqualTo(InsertOutcome.SKIPPED);
    EntryRecord kept = Objects.requireNonNull(knowing.inspect(tombstone));
    assertThat(kept.state()).as("the tombstone stays").isEqualTo(EntryRecord.State.TOMBSTONE);
    assertThat(kept.version()).isEqualTo(1);
    assertThat(events.count("tooLarge:after-insert")).isEqualTo(3);
  }

  @Test
  void anUnlockWithAValueTooLarge_leavesATombstone_neverTheLockOrTheOldValue() {
    byte[] k = bytes("unlock");
    assertThat(knowing.afterInsert(k, bytes("old"), 1, TIMES)).isEqualTo(InsertOutcome.STORED);
    knowing.lock(k, "w", TIMES);
    assertThat(knowing.unlock(k, Unlock.committedValue("w", TWO_MB, 2), TIMES))
        .isEqualTo(UnlockOutcome.WROTE_TOMBSTONE);
    EntryRecord record = Objects.requireNonNull(knowing.inspect(k));
    assertThat(record.state()).isEqualTo(EntryRecord.State.TOMBSTONE);
    assertThat(record.version()).as("it knows the committed version").isEqualTo(2);
    assertThat(record.generation()).isEqualTo(2);
    assertThat(knowing.getOrLease(k, false, "n", TIMES)).isEqualTo(Lookup.miss());
    assertThat(knowing.putFromLoad(k, bytes("stale"), 1, null, false, TIMES))
        .isEqualTo(PutOutcome.REJECTED_TOMBSTONE);
    assertThat(events.count("tooLarge:unlock")).isEqualTo(1);
  }

  @Test
  void anUnlockAllWithOneValueTooLarge_leavesATombstoneThere_andWritesTheOthersThrough() {
    List<byte[]> keys = List.of(bytes("unlock-all-1"), bytes("unlock-all-big"),
        bytes("unlock-all-3"));
    assertThat(knowing.lockAll(keys, "w", TIMES)).containsExactly(false, false, false);
    List<Unlock> unlocks = List.of(Unlock.committedValue("w", bytes("one"), 2),
        Unlock.committedValue("w", TWO_MB, 2), Unlock.committedValue("w", bytes("three"), 2));
    assertThat(knowing.unlockAll(keys, unlocks, TIMES)).containsExactly(
        UnlockOutcome.WROTE_VALUE, UnlockOutcome.WROTE_TOMBSTONE, UnlockOutcome.WROTE_VALUE);
    EntryRecord record = Objects.requireNonNull(knowing.inspect(keys.get(1)));
    assertThat(record.state()).isEqualTo(EntryRecord.State.TOMBSTONE);
    assertThat(record.version()).as("it knows the committed version").isEqualTo(2);
    assertThat(knowing.getAll(keys)).containsExactly(bytes("one"), null, bytes("three"));
    assertThat(events.all()).containsExactly(Map.entry("tooLarge:unlock-all", 1));
  }

  @Test
  void aCasTheServerRefusesAsTooLargeInABatch_failsTheBatch_asARecordLost() {
    List<byte[]> keys = List.of(bytes("refused-all-1"), bytes("refused-all-big"));
    told.lockAll(keys, "w", TIMES);
    assertThatThrownBy(() -> told.unlockAll(keys, List.of(
        Unlock.committedValue("w", bytes("one"), 2),
        Unlock.committedValue("w", ONE_AND_A_HALF_MB, 2)), TIMES))
        .isInstanceOf(RecordLostException.class).hasMessageContaining("ERR_2BIG");
    assertThat(told.inspect(keys.get(1))).as("memcached dropped the lock").isNull();
  }

  @Test
  void aCasTheServerRefusesAsTooLarge_dropsTheRecordUnderTheKey_andSaysSo() {
    byte[] leased = bytes("refused-load");
    String token = told.getOrLease(leased, true, "n", TIMES).leaseToken();
    assertThatThrownBy(() -> told.putFromLoad(leased, ONE_AND_A_HALF_MB, 1, token, false, TIMES))
        .isInstanceOf(RecordLostException.class).hasMessageContaining("ERR_2BIG");
    assertThat(told.inspect(leased)).as("memcached dropped the lease").isNull();

    byte[] tombstone = bytes("refused-insert");
    told.lock(tombstone, "w", TIMES);
    told.unlock(tombstone, Unlock.committedInvalidate("w", 1), TIMES);
    assertThatThrownBy(() -> told.afterInsert(tombstone, ONE_AND_A_HALF_MB, 2, TIMES))
        .isInstanceOf(RecordLostException.class);
    assertThat(told.inspect(tombstone)).as("memcached dropped the tombstone").isNull();

    byte[] locked = bytes("refused-unlock");
    told.lock(locked, "w", TIMES);
    assertThatThrownBy(() -> told.unlock(locked,
        Unlock.committedValue("w", ONE_AND_A_HALF_MB, 2), TIMES))
        .isInstanceOf(RecordLostException.class);
    assertThat(told.inspect(locked)).as("memcached dropped the lock").isNull();
    assertThat(events.all()).containsEntry("tooLarge:put-from-load", 1)
        .containsEntry("tooLarge:after-insert", 1).containsEntry("tooLarge:unlock", 1);
  }

  @Test
  void theLargestValueThatFits_isStored_andOneByteMoreIsNot() {
    byte[] k = bytes("at-the-limit");
    // A value record has 26 bytes of its own; memcached adds the key and its item overhead.
    byte[] largest = filled((1 << 20) - 26 - k.length - MemcachedNode.ITEM_OVERHEAD);
    knowing.put(k, largest, 60_000);
    assertThat(knowing.get(k)).as("the server took it").isEqualTo(largest);
    assertThat(events.all()).isEmpty();
    knowing.put(k, filled(largest.length + 1), 60_000);
    assertThat(knowing.get(k)).isNull();
    assertThat(events.count("tooLarge:put")).isEqualTo(1);
  }
}
