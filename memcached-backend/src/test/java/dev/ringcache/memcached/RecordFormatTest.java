package dev.ringcache.memcached;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ringcache.api.Lookup;
import dev.ringcache.api.spi.EntryRecord;
import dev.ringcache.api.spi.EntryRecord.State;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The stored format of records: golden values (a promise to every running JVM) and rejection. */
class RecordFormatTest {
  private static final long EXPIRES = 1_700_000_000_000L; // 0x0000018bcfe56800
  private static final String EXP = "0000018bcfe56800";
  private static final HexFormat HEX = HexFormat.of();

  private static EntryRecord value(byte[] value, long version, long generation) {
    return EntryRecord.restore(State.VALUE, value, version, List.of(), false, Lookup.NO_VERSION,
        Lookup.NO_VERSION, false, generation, null, EXPIRES);
  }

  private static EntryRecord locked() {
    return EntryRecord.restore(State.LOCKED, null, Lookup.NO_VERSION, List.of("w2", "a"), true,
        5, Lookup.NO_VERSION, false, 3, null, EXPIRES);
  }

  private static EntryRecord tombstone(long version, boolean deleted, long generation) {
    return EntryRecord.restore(State.TOMBSTONE, null, version, List.of(), false,
        Lookup.NO_VERSION, Lookup.NO_VERSION, deleted, generation, null, EXPIRES);
  }

  private static EntryRecord lease(String token, long generation) {
    return EntryRecord.restore(State.LEASE, null, Lookup.NO_VERSION, List.of(), false,
        Lookup.NO_VERSION, Lookup.NO_VERSION, false, generation, token, EXPIRES);
  }

  @Test
  void goldenValues_ofEachState_neverChange() {
    // Written out by hand from the format's description, not copied from the encoder's output.
    assertEncodes(value("v1".getBytes(US_ASCII), 7, 0),
        "a101" + EXP + "0000000000000000" + "0000000000000007" + "7631");
    assertEncodes(value(new byte[0], Lookup.NO_VERSION, 2),
        "a101" + EXP + "0000000000000002" + "8000000000000000");
    assertEncodes(locked(), "a112" + EXP + "0000000000000003" + "0000000000000005"
        + "8000000000000000" + "0002" + "0161" + "027732");
    assertEncodes(tombstone(Lookup.NO_VERSION, true, 4),
        "a123" + EXP + "0000000000000004" + "8000000000000000");
    assertEncodes(tombstone(9, false, 1), "a103" + EXP + "0000000000000001" + "0000000000000009");
    assertEncodes(lease("2:n1", 2), "a104" + EXP + "0000000000000002" + "04" + "323a6e31");
  }

  @Test
  void itemFlags_neverChange() {
    assertThat(ItemTranscoder.FLAGS).isEqualTo(0x7263_0001);
  }

  @Test
  void everyRecord_readsBackAsItWasWritten() {
    byte[] big = new byte[100_000];
    Arrays.fill(big, (byte) 0xA1);
    List<EntryRecord> records = List.of(value(big, Long.MAX_VALUE, Long.MAX_VALUE),
        value(new byte[] {0}, Long.MIN_VALUE + 1, 0), locked(),
        EntryRecord.restore(State.LOCKED, null, Lookup.NO_VERSION, List.of("x".repeat(200)),
            false, Lookup.NO_VERSION, 42, true, 1, null, 1),
        tombstone(-3, false, 0), tombstone(Lookup.NO_VERSION, false, 0),
        lease("9223372036854775807:" + "n".repeat(200), Long.MAX_VALUE));
    for (EntryRecord record : records) {
      assertThat(RecordFormat.decode(RecordFormat.encode(record))).as(record.toString())
          .isEqualTo(record);
    }
  }

  @Test
  void bytesThatAreNotOurs_readAsNoRecord() {
    byte[] good = RecordFormat.encode(locked());
    assertThat(RecordFormat.decode(new byte[0])).isNull();
    assertThat(RecordFormat.decode("hello, world, a foreign value".getBytes(US_ASCII))).isNull();
    assertThat(RecordFormat.decode(Arrays.copyOf(good, good.length - 1))).as("cut short").isNull();
    assertThat(RecordFormat.decode(Arrays.copyOf(good, good.length + 1))).as("a byte too many")
        .isNull();
    assertThat(RecordFormat.decode(with(good, 0, 0xA2))).as("another format").isNull();
    assertThat(RecordFormat.decode(with(good, 1, 0x05))).as("no such state").isNull();
    assertThat(RecordFormat.decode(with(good, 1, 0x42))).as("unknown flag").isNull();
    byte[] tomb = RecordFormat.encode(tombstone(9, false, 1));
    assertThat(RecordFormat.decode(with(tomb, 1, 0x13))).as("a concurrent tombstone").isNull();
    assertThat(RecordFormat.decode(with(tomb, 1, 0x23))).as("deleted, with a version").isNull();
    byte[] noLocks = HEX.parseHex("a102" + EXP + "0000000000000003" + "0000000000000005"
        + "8000000000000000" + "0000");
    assertThat(RecordFormat.decode(noLocks)).as("a lock without holders").isNull();
    byte[] badId = with(good, good.length - 1, 0x20);
    assertThat(RecordFormat.decode(badId)).as("a space in a lock id").isNull();
    byte[] sameTwice = HEX.parseHex("a102" + EXP + "0000000000000003" + "0000000000000005"
        + "8000000000000000" + "0002" + "0161" + "0161");
    assertThat(RecordFormat.decode(sameTwice)).as("one holder twice").isNull();
    byte[] value = RecordFormat.encode(value(new byte[] {1}, 1, 0));
    assertThat(RecordFormat.decode(with(value, 1, 0x11))).as("a concurrent value").isNull();
  }

  private static void assertEncodes(EntryRecord record, String hex) {
    assertThat(HEX.formatHex(RecordFormat.encode(record))).as(record.toString()).isEqualTo(hex);
    assertThat(RecordFormat.decode(HEX.parseHex(hex))).as(record.toString()).isEqualTo(record);
  }

  private static byte[] with(byte[] bytes, int index, int value) {
    byte[] copy = bytes.clone();
    copy[index] = (byte) value;
    return copy;
  }
}
