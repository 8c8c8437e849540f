package dev.ringcache.api;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Writes one entry of {@link ValueCodec}'s wire format into a growing buffer.
 *
 * <p>Not thread-safe: one per entry.
 */
final class ValueWriter {
  private final AllowListedSerialization serialization;
  private byte[] buffer;
  private int position;
  // Enum and array element classes in the order first written: later uses refer to them.
  private Class<?>[] classes = new Class<?>[0];
  private int classCount;

  ValueWriter(AllowListedSerialization serialization, int capacity) {
    this.serialization = serialization;
    this.buffer = new byte[capacity];
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buffer, position);
  }

  void writeEnvelope(long fingerprint) {
    ensure(1 + 8);
    buffer[position++] = ValueTags.FORMAT_1;
    writeFixed64(fingerprint);
  }

  /** Writes one value; a {@link CodecException} for a value of an unsupported type. */
  void writeValue(@Nullable Object value, int depth) {
    ensure(1 + 10 + 10 + 10 + 5);
    if (value == null) {
      buffer[position++] = ValueTags.NULL;
      return;
    }
    Class<?> type = value.getClass();
    // Exact classes, the most frequent first: a subclass is not the type the tag promises.
    if (type == String.class) {
      writeString((String) value);
    } else if (type == Long.class) {
      writeTag(ValueTags.LONG);
      writeVarLong(zigZag((Long) value));
    } else if (type == Integer.class) {
      writeTag(ValueTags.INT);
      writeVarInt(zigZag((Integer) value));
    } else if (type == Boolean.class) {
      writeTag((Boolean) value ? ValueTags.TRUE : ValueTags.FALSE);
    } else if (type == BigDecimal.class) {
      writeBigDecimal((BigDecimal) value);
    } else if (type == LocalDateTime.class) {
      writeTag(ValueTags.LOCAL_DATE_TIME);
      writeLocalDateTime((LocalDateTime) value);
    } else if (type == LocalDate.class) {
      writeTag(ValueTags.LOCAL_DATE);
      writeVarLong(zigZag(((LocalDate) value).toEpochDay()));
    } else if (type == Instant.class) {
      Instant instant = (Instant) value;
      writeTag(ValueTags.INSTANT);
      writeVarLong(zigZag(instant.getEpochSecond()));
      writeVarInt(instant.getNano());
    } else if (type == Object[].class) {
      writeObjectArray((Object[]) value, depth);
    } else if (type == Short.class) {
      writeTag(ValueTags.SHORT);
      writeVarInt(zigZag((Short) value));
    } else if (type == Byte.class) {
      writeTag(ValueTags.BYTE);
      buffer[position++] = (Byte) value;
    } else if (type == Double.class) {
      writeTag(ValueTags.DOUBLE);
      writeFixed64(Double.doubleToRawLongBits((Double) value));
    } else if (type == Float.class) {
      writeTag(ValueTags.FLOAT);
      writeFixed32(Float.floatToRawIntBits((Float) value));
    } else if (type == Character.class) {
      writeTag(ValueTags.CHAR);
      writeVarInt((Character) value);
    } else if (type == BigInteger.class) {
      writeTag(ValueTags.BIG_INTEGER);
      writeBytes(((BigInteger) value).toByteArray());
    } else if (type == UUID.class) {
      UUID uuid = (UUID) value;
      writeTag(ValueTags.UUID);
      writeFixed64(uuid.getMostSignificantBits());
      writeFixed64(uuid.getLeastSignificantBits());
    } else if (type == byte[].class) {
      writeTag(ValueTags.BYTE_ARRAY);
      writeBytes((byte[]) value);
    } else if (type == java.sql.Timestamp.class) {
      java.sql.Timestamp timestamp = (java.sql.Timestamp) value;
      writeTag(ValueTags.SQL_TIMESTAMP);
      writeVarLong(zigZag(Math.floorDiv(timestamp.getTime(), 1000L)));
      writeVarInt(timestamp.getNanos());
    } else if (type == java.sql.Date.class) {
      writeTag(ValueTags.SQL_DATE);
      writeVarLong(zigZag(((java.sql.Date) value).getTime()));
    } else if (type == java.sql.Time.class) {
      writeTag(ValueTags.SQL_TIME);
      writeVarLong(zigZag(((java.sql.Time) value).getTime()));
    } else if (type == java.util.Date.class) {
      writeTag(ValueTags.UTIL_DATE);
      writeVarLong(zigZag(((java.util.Date) value).getTime()));
    } else if (type == LocalTime.class) {
      writeTag(ValueTags.LOCAL_TIME);
      writeLocalTime((LocalTime) value);
    } else if (type == OffsetDateTime.class) {
      OffsetDateTime dateTime = (OffsetDateTime) value;
      writeTag(ValueTags.OFFSET_DATE_TIME);
      writeLocalDateTime(dateTime.toLocalDateTime());
      writeVarInt(zigZag(dateTime.getOffset().getTotalSeconds()));
    } else if (type == ZonedDateTime.class) {
      ZonedDateTime dateTime = (ZonedDateTime) value;
      writeTag(ValueTags.ZONED_DATE_TIME);
      writeLocalDateTime(dateTime.toLocalDateTime());
      writeVarInt(zigZag(dateTime.getOffset().getTotalSeconds()));
      writeValue(dateTime.getZone(), depth + 1);
    } else if (type == OffsetTime.class) {
      OffsetTime time = (OffsetTime) value;
      writeTag(ValueTags.OFFSET_TIME);
      writeLocalTime(time.toLocalTime());
      writeVarInt(zigZag(time.getOffset().getTotalSeconds()));
    } else if (type == Duration.class) {
      Duration duration = (Duration) value;
      writeTag(ValueTags.DURATION);
      writeVarLong(zigZag(duration.getSeconds()));
      writeVarInt(duration.getNano());
    } else if (type == Period.class) {
      Period period = (Period) value;
      writeTag(ValueTags.PERIOD);
      writeVarInt(zigZag(period.getYears()));
      writeVarInt(zigZag(period.getMonths()));
      writeVarInt(zigZag(period.getDays()));
    } else if (type == Year.class) {
      writeTag(ValueTags.YEAR);
      writeVarInt(zigZag(((Year) value).getValue()));
    } else if (type == YearMonth.class) {
      YearMonth yearMonth = (YearMonth) value;
      writeTag(ValueTags.YEAR_MONTH);
      writeVarInt(zigZag(yearMonth.getYear()));
      writeVarInt(yearMonth.getMonthValue());
    } else if (type == ZoneOffset.class) {
      writeTag(ValueTags.ZONE_OFFSET);
      writeVarInt(zigZag(((ZoneOffset) value).getTotalSeconds()));
    } else if (value instanceof ZoneId zone) { // ZoneRegion, not public
      writeTag(ValueTags.ZONE_REGION);
      writeText(zone.getId());
    } else if (value instanceof Enum<?> constant) {
      writeEnum(constant);
    } else if (type == long[].class) {
      long[] array = (long[]) value;
      writeTag(ValueTags.LONG_ARRAY);
      writeVarInt(array.length);
      for (long element : array) {
        ensure(10);
        writeVarLong(zigZag(element));
      }
    } else if (type == int[].class) {
      int[] array = (int[]) value;
      writeTag(ValueTags.INT_ARRAY);
      writeVarInt(array.length);
      for (int element : array) {
        ensure(5);
        writeVarInt(zigZag(element));
      }
    } else if (type == short[].class) {
      short[] array = (short[]) value;
      writeTag(ValueTags.SHORT_ARRAY);
      writeVarInt(array.length);
      for (short element : array) {
        ensure(5);
        writeVarInt(zigZag(element));
      }
    } else if (type == char[].class) {
      char[] array = (char[]) value;
      writeTag(ValueTags.CHAR_ARRAY);
      writeVarInt(array.length);
      for (char element : array) {
        ensure(5);
        writeVarInt(element);
      }
    } else if (type == boolean[].class) {
      boolean[] array = (boolean[]) value;
      writeTag(ValueTags.BOOLEAN_ARRAY);
      writeVarInt(array.length);
      ensure(array.length);
      for (boolean element : array) {
        buffer[position++] = (byte) (element ? 1 : 0);
      }
    } else if (type == double[].class) {
      double[] array = (double[]) value;
      writeTag(ValueTags.DOUBLE_ARRAY);
      writeVarInt(array.length);
      ensure(8 * array.length);
      for (double element : array) {
        writeFixed64(Double.doubleToRawLongBits(element));
      }
    } else if (type == float[].class) {
      float[] array = (float[]) value;
      writeTag(ValueTags.FLOAT_ARRAY);
      writeVarInt(array.length);
      ensure(4 * array.length);
      for (float element : array) {
        writeFixed32(Float.floatToRawIntBits(element));
      }
    } else if (type.isArray() && ValueTags.isArrayElementClass(type.getComponentType())) {
      writeTypedArray((Object[]) value, type.getComponentType(), depth);
    } else if (serialization.allows(type)) {
      writeTag(ValueTags.JAVA_SERIALIZED);
      writeBytes(serialization.serialize(value));
    } else if (type.isArray()) {
      throw new CodecException("cannot encode a value of " + type.getTypeName() + ": arrays are "
          + "encoded of primitives, of Object, of enums and of the other supported types ("
          + ValueCodec.SUPPORTED_VALUES + "), one dimension each; use an Object[] instead");
    } else {
      throw new CodecException("cannot encode a value of " + type.getName() + ": not a type "
          + "ValueCodec encodes (" + ValueCodec.SUPPORTED_VALUES + ") and not allowed for Java "
          + "serialization; if it is Serializable, allow it with ValueCodec.builder()"
          + ".allowJavaSerialization(Set.of(\"" + type.getName() + "\"))");
    }
  }

  private void writeObjectArray(Object[] array, int depth) {
    checkDepth(depth);
    writeTag(ValueTags.OBJECT_ARRAY);
    writeVarInt(array.length);
    for (Object element : array) {
      writeValue(element, depth + 1);
    }
  }

  private void writeTypedArray(Object[] array, Class<?> component, int depth) {
    checkDepth(depth);
    writeTag(ValueTags.TYPED_ARRAY);
    writeClass(component);
    ensure(5);
    writeVarInt(array.length);
    for (Object element : array) {
      writeValue(element, depth + 1);
    }
  }

  private static void checkDepth(int depth) {
    if (depth >= ValueCodec.MAX_DEPTH) {
      throw new CodecException("cannot encode arrays nested deeper than " + ValueCodec.MAX_DEPTH
          + " levels (does an array contain itself?)");
    }
  }

  private void writeString(String s) {
    // Latin-1, one byte a char, in one pass; the first char above U+00FF falls back to UTF-8.
    int length = s.length();
    int start = position;
    ensure(1 + 5 + length);
    writeTag(ValueTags.STRING_LATIN1);
    writeVarInt(length);
    byte[] b = buffer;
    int p = position;
    for (int i = 0; i < length; i++) {
      char c = s.charAt(i);
      if (c > 0xFF) {
        position = start;
        writeTag(ValueTags.STRING_UTF8);
        writeText(s);
        return;
      }
      b[p++] = (byte) c;
    }
    position = p;
  }

  /** A length (in bytes) and the WTF-8 bytes ({@link Wtf8}) of a string. */
  private void writeText(String s) {
    int length = Wtf8.length(s);
    ensure(5 + length);
    writeVarInt(length);
    position = Wtf8.encode(s, buffer, position);
  }

  private void writeBigDecimal(BigDecimal decimal) {
    BigInteger unscaled = decimal.unscaledValue();
    if (unscaled.bitLength() < 64) {
      writeTag(ValueTags.BIG_DECIMAL);
      writeVarInt(zigZag(decimal.scale()));
      writeVarLong(zigZag(unscaled.longValue()));
    } else {
      writeTag(ValueTags.BIG_DECIMAL_LARGE);
      writeVarInt(zigZag(decimal.scale()));
      writeBytes(unscaled.toByteArray());
    }
  }

  private void writeLocalDateTime(LocalDateTime dateTime) {
    writeVarLong(zigZag(dateTime.toLocalDate().toEpochDay()));
    writeLocalTime(dateTime.toLocalTime());
  }

  private void writeLocalTime(LocalTime time) {
    writeVarInt(time.toSecondOfDay());
    writeVarInt(time.getNano());
  }

  private void writeEnum(Enum<?> constant) {
    writeTag(ValueTags.ENUM);
    writeClass(constant.getDeclaringClass());
    writeText(constant.name());
  }

  /** A class reference: 0 and the name for a class new to this entry, else its number from 1. */
  private void writeClass(Class<?> type) {
    int reference = 0;
    for (int i = 0; i < classCount; i++) {
      if (classes[i] == type) {
        reference = i + 1;
        break;
      }
    }
    ensure(5);
    writeVarInt(reference);
    if (reference == 0) {
      if (classCount == classes.length) {
        classes = Arrays.copyOf(classes, Math.max(4, 2 * classCount));
      }
      classes[classCount++] = type;
      writeText(type.getName());
    }
  }

  private void writeTag(byte tag) {
    buffer[position++] = tag;
  }

  /** A length, then the bytes. */
  private void writeBytes(byte[] bytes) {
    ensure(5 + bytes.length);
    writeVarInt(bytes.length);
    System.arraycopy(bytes, 0, buffer, position, bytes.length);
    position += bytes.length;
  }

  private void writeFixed32(int value) {
    byte[] b = buffer;
    int p = position;
    b[p] = (byte) (value >>> 24);
    b[p + 1] = (byte) (value >>> 16);
    b[p + 2] = (byte) (value >>> 8);
    b[p + 3] = (byte) value;
    position = p + 4;
  }

  private void writeFixed64(long value) {
    writeFixed32((int) (value >>> 32));
    writeFixed32((int) value);
  }

  /** Unsigned: 7 bits a byte, least significant first, the high bit set on all but the last. */
  private void writeVarInt(int value) {
    byte[] b = buffer;
    int p = position;
    while ((value & ~0x7F) != 0) {
      b[p++] = (byte) (value & 0x7F | 0x80);
      value >>>= 7;
    }
    b[p++] = (byte) value;
    position = p;
  }

  private void writeVarLong(long value) {
    byte[] b = buffer;
    int p = position;
    while ((value & ~0x7FL) != 0) {
      b[p++] = (byte) (value & 0x7F | 0x80);
      value >>>= 7;
    }
    b[p++] = (byte) value;
    position = p;
  }

  private static int zigZag(int value) {
    return (value << 1) ^ (value >> 31);
  }

  private static long zigZag(long value) {
    return (value << 1) ^ (value >> 63);
  }

  /** Makes room for {@code bytes} more bytes. */
  private void ensure(int bytes) {
    if (bytes > buffer.length - position) {
      long needed = (long) position + bytes;
      if (needed > Integer.MAX_VALUE - 8) {
        throw new CodecException("cannot encode a value of more than 2 GB");
      }
      buffer = Arrays.copyOf(buffer, (int) Math.max(needed, Math.min(2L * buffer.length,
          Integer.MAX_VALUE - 8)));
    }
  }
}
