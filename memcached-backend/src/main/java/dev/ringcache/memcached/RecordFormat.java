package dev.ringcache.memcached;

import static java.nio.charset.StandardCharsets.US_ASCII;

import dev.ringcache.api.Lookup;
import dev.ringcache.api.spi.EntryRecord;
import dev.ringcache.api.spi.EntryRecord.State;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The bytes of one memcached item: a whole {@link EntryRecord}. A stored format, pinned by golden
 * values in {@code RecordFormatTest}: change it only with a new {@link #FORMAT} byte, never in
 * place, or every JVM still running the old code misreads what the new one writes.
 *
 * <pre>
 * format 1, all numbers big-endian:
 *   u8  0xA1                       format byte
 *   u8  kind                       low nibble: 1 VALUE, 2 LOCKED, 3 TOMBSTONE, 4 LEASE;
 *                                  0x10 concurrent (LOCKED), 0x20 deleted (LOCKED, TOMBSTONE)
 *   i64 expiresAt                  in the node's clock (the server's, estimated), epoch ms
 *   i64 generation
 *   VALUE:     i64 version, then the value: every byte to the end
 *   LOCKED:    i64 baseVersion, i64 committedVersion, u16 n (at least 1), n × (u8 length, id)
 *   TOMBSTONE: i64 version
 *   LEASE:     u8 length, token
 * </pre>
 *
 * Versions are {@link Lookup#NO_VERSION} (Long.MIN_VALUE) when there is none. Ids and tokens are
 * printable ASCII. Anything else — another format byte, a field a state does not use, a byte too
 * many or too few — is not a record of ours: {@link #decode} returns null and the item reads as
 * absent.
 *
 * <p>Immutable and thread-safe (stateless).
 */
final class RecordFormat {
  static final byte FORMAT = (byte) 0xA1;
  /** Bytes before the state's own fields. */
  static final int HEADER = 18;

  private static final int VALUE = 1;
  private static final int LOCKED = 2;
  private static final int TOMBSTONE = 3;
  private static final int LEASE = 4;
  private static final int CONCURRENT = 0x10;
  private static final int DELETED = 0x20;
  private static final int MAX_LOCK_IDS = 0xFFFF;
  /** Longer than any lock id (200) or lease token (a generation, ':' and a nonce of 200). */
  private static final int MAX_TOKEN = 0xFF;

  private RecordFormat() {}

  /** The item bytes of {@code record}. */
  static byte[] encode(EntryRecord record) {
    switch (record.state()) {
      case VALUE: {
        byte[] value = record.value();
        if (value == null) {
          throw new IllegalArgumentException("a VALUE record without a value");
        }
        return header(HEADER + 8 + value.length, VALUE, record)
            .putLong(record.version()).put(value).array();
      }
      case LOCKED: {
        List<String> ids = record.lockIds();
        if (ids.isEmpty() || ids.size() > MAX_LOCK_IDS) {
          throw new IllegalArgumentException("a lock has 1 to " + MAX_LOCK_IDS + " ids, had "
              + ids.size());
        }
        int size = HEADER + 8 + 8 + 2;
        for (String id : ids) {
          size += 1 + id.length();
        }
        int kind = LOCKED | (record.concurrent() ? CONCURRENT : 0)
            | (record.deleted() ? DELETED : 0);
        ByteBuffer out = header(size, kind, record).putLong(record.baseVersion())
            .putLong(record.committedVersion()).putShort((short) ids.size());
        for (String id : ids) {
          putText(out, id);
        }
        return out.array();
      }
      case TOMBSTONE:
        return header(HEADER + 8, TOMBSTONE | (record.deleted() ? DELETED : 0), record)
            .putLong(record.version()).array();
      case LEASE: {
        String token = record.leaseToken();
        if (token == null) {
          throw new IllegalArgumentException("a LEASE record without a token");
        }
        ByteBuffer out = header(HEADER + 1 + token.length(), LEASE, record);
        putText(out, token);
        return out.array();
      }
      default:
        throw new AssertionError(record.state());
    }
  }

  /** The record in {@code item}, or null if the bytes are not a record of this format. */
  static @Nullable EntryRecord decode(byte[] item) {
    if (item.length < HEADER || item[0] != FORMAT) {
      return null;
    }
    ByteBuffer in = ByteBuffer.wrap(item);
    in.get();
    int kind = in.get() & 0xFF;
    long expiresAt = in.getLong();
    long generation = in.getLong();
    int state = kind & 0x0F;
    int flags = kind & 0xF0;
    try {
      switch (state) {
        case VALUE: {
          if (flags != 0) {
            return null;
          }
          long version = in.getLong();
          byte[] value = new byte[in.remaining()];
          in.get(value);
          return EntryRecord.restore(State.VALUE, value, version, List.of(), false,
              Lookup.NO_VERSION, Lookup.NO_VERSION, false, generation, null, expiresAt);
        }
        case LOCKED: {
          if ((flags & ~(CONCURRENT | DELETED)) != 0) {
            return null;
          }
          long base = in.getLong();
          long committed = in.getLong();
          int n = in.getShort() & 0xFFFF;
          if (n == 0) {
            return null;
          }
          List<String> ids = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            String id = getText(in);
            if (id == null || ids.contains(id)) {
              return null;
            }
            ids.add(id);
          }
          return in.hasRemaining() ? null : EntryRecord.restore(State.LOCKED, null,
              Lookup.NO_VERSION, ids, (flags & CONCURRENT) != 0, base, committed,
              (flags & DELETED) != 0, generation, null, expiresAt);
        }
        case TOMBSTONE: {
          if ((flags & ~DELETED) != 0) {
            return null;
          }
          boolean deleted = (flags & DELETED) != 0;
          long version = in.getLong();
          if (in.hasRemaining() || deleted && version != Lookup.NO_VERSION) {
            return null;
          }
          return EntryRecord.restore(State.TOMBSTONE, null, version, List.of(), false,
              Lookup.NO_VERSION, Lookup.NO_VERSION, deleted, generation, null, expiresAt);
        }
        case LEASE: {
          String token = flags == 0 ? getText(in) : null;
          if (token == null || in.hasRemaining()) {
            return null;
          }
          return EntryRecord.restore(State.LEASE, null, Lookup.NO_VERSION, List.of(), false,
              Lookup.NO_VERSION, Lookup.NO_VERSION, false, generation, token, expiresAt);
        }
        default:
          return null;
      }
    } catch (BufferUnderflowException e) {
      return null; // cut short: not one of ours
    }
  }

  private static ByteBuffer header(int size, int kind, EntryRecord record) {
    return ByteBuffer.allocate(size).put(FORMAT).put((byte) kind)
        .putLong(record.expiresAtMillis()).putLong(record.generation());
  }

  private static void putText(ByteBuffer out, String text) {
    if (text.isEmpty() || text.length() > MAX_TOKEN) {
      throw new IllegalArgumentException("an id has 1 to " + MAX_TOKEN + " characters, had "
          + text.length());
    }
    out.put((byte) text.length()).put(text.getBytes(US_ASCII));
  }

  /** Printable ASCII of 1 to 255 bytes, or null. */
  private static @Nullable String getText(ByteBuffer in) {
    int length = in.get() & 0xFF;
    if (length == 0) {
      return null;
    }
    byte[] bytes = new byte[length];
    in.get(bytes);
    for (byte b : bytes) {
      if (b < 0x21 || b > 0x7E) {
        return null;
      }
    }
    return new String(bytes, US_ASCII);
  }
}
