package dev.ringcache.api;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import dev.ringcache.api.ValueCodec.MissReason;
import java.lang.reflect.Array;
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
 * Reads one entry of {@link ValueCodec}'s wire format. Input that is not an entry this codec wrote
 * raises an {@link UnreadableEntryException} (or, from a value's factory method, some other
 * runtime exception): never an allocation larger than the input could fill, never a recursion
 * deeper than {@link ValueCodec#MAX_DEPTH}, and no class initialized but an enum named by the
 * entry or an allow-listed one. (A class the entry names is loaded, without initialization, to
 * check that it is an enum; an enum whose initializer fails reads as a miss.)
 *
 * <p>Not thread-safe: one per entry.
 */
final class ValueReader {
  private final byte[] input;
  private final int end;
  private final AllowListedSerialization serialization;
  private final EnumClassCache enumClasses;
  private int position;
  // Enum and array element classes in the order first read, for later references to them.
  private Class<?>[] classes = new Class<?>[0];
  private int classCount;

  ValueReader(byte[] input, int position, AllowListedSerialization serialization,
      EnumClassCache enumClasses) {
    this.input = input;
    this.end = input.length;
    this.position = position;
    this.serialization = serialization;
    this.enumClasses = enumClasses;
  }

  long readFixed64() {
    require(8);
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value = value << 8 | (input[position++] & 0xFF);
    }
    return value;
  }

  void requireEnd() {
    if (position != end) {
      throw corrupt();
    }
  }

  @Nullable Object readValue(int depth) {
    byte tag = readByte();
    switch (tag) {
      case ValueTags.NULL:
        return null;
      case ValueTags.FALSE:
        return Boolean.FALSE;
      case ValueTags.TRUE:
        return Boolean.TRUE;
      case ValueTags.BYTE:
        return readByte();
      case ValueTags.SHORT:
        return readShort();
      case ValueTags.INT:
        return readZigZagInt();
      case ValueTags.LONG:
        return readZigZagLong();
      case ValueTags.FLOAT:
        return Float.intBitsToFloat(readFixed32());
      case ValueTags.DOUBLE:
        return Double.longBitsToDouble(readFixed64());
      case ValueTags.CHAR:
        return readChar();
      case ValueTags.STRING_LATIN1:
        return readLatin1();
      case ValueTags.STRING_UTF8:
        return readText();
      case ValueTags.BIG_INTEGER:
        return new BigInteger(readBytes());
      case ValueTags.BIG_DECIMAL: {
        int scale = readZigZagInt();
        return BigDecimal.valueOf(readZigZagLong(), scale);
      }
      case ValueTags.BIG_DECIMAL_LARGE: {
        int scale = readZigZagInt();
        return new BigDecimal(new BigInteger(readBytes()), scale);
      }
      case ValueTags.UUID:
        return new UUID(readFixed64(), readFixed64());
      case ValueTags.OBJECT_ARRAY:
        return readObjectArray(depth);
      case ValueTags.BYTE_ARRAY:
        return readBytes();
      case ValueTags.CHAR_ARRAY:
        return readCharArray();
      case ValueTags.SHORT_ARRAY:
        return readShortArray();
      case ValueTags.INT_ARRAY:
        return readIntArray();
      case ValueTags.LONG_ARRAY:
        return readLongArray();
      case ValueTags.FLOAT_ARRAY:
        return readFloatArray();
      case ValueTags.DOUBLE_ARRAY:
        return readDoubleArray();
      case ValueTags.BOOLEAN_ARRAY:
        return readBooleanArray();
      case ValueTags.TYPED_ARRAY:
        return readTypedArray(depth);
      case ValueTags.INSTANT: {
        long seconds = readZigZagLong();
        return Instant.ofEpochSecond(seconds, readVarInt());
      }
      case ValueTags.LOCAL_DATE:
        return LocalDate.ofEpochDay(readZigZagLong());
      case ValueTags.LOCAL_TIME:
        return readLocalTime();
      case ValueTags.LOCAL_DATE_TIME:
        return readLocalDateTime();
      case ValueTags.OFFSET_DATE_TIME: {
        LocalDateTime dateTime = readLocalDateTime();
        return OffsetDateTime.of(dateTime, readZoneOffset());
      }
      case ValueTags.OFFSET_TIME: {
        LocalTime time = readLocalTime();
        return OffsetTime.of(time, readZoneOffset());
      }
      case ValueTags.ZONED_DATE_TIME:
        return readZonedDateTime(depth);
      case ValueTags.DURATION: {
        long seconds = readZigZagLong();
        return Duration.ofSeconds(seconds, readVarInt());
      }
      case ValueTags.PERIOD: {
        int years = readZigZagInt();
        int months = readZigZagInt();
        return Period.of(years, months, readZigZagInt());
      }
      case ValueTags.YEAR:
        return Year.of(readZigZagInt());
      case ValueTags.YEAR_MONTH: {
        int year = readZigZagInt();
        return YearMonth.of(year, readVarInt());
      }
      case ValueTags.ZONE_OFFSET:
        return readZoneOffset();
      case ValueTags.ZONE_REGION:
        return readZoneRegion();
      case ValueTags.UTIL_DATE:
        return new java.util.Date(readZigZagLong());
      case ValueTags.SQL_DATE:
        return new java.sql.Date(readZigZagLong());
      case ValueTags.SQL_TIME:
        return new java.sql.Time(readZigZagLong());
      case ValueTags.SQL_TIMESTAMP:
        return readTimestamp();
      case ValueTags.ENUM:
        return readEnum();
      case ValueTags.JAVA_SERIALIZED: {
        int length = readLength(1);
        Object value = serialization.deserialize(input, position, length);
        position += length;
        return value;
      }
      default:
        throw corrupt();
    }
  }

  private Object[] readObjectArray(int depth) {
    if (depth >= ValueCodec.MAX_DEPTH) {
      throw corrupt();
    }
    Object[] array = new Object[readLength(1)];
    for (int i = 0; i < array.length; i++) {
      array[i] = readValue(depth + 1);
    }
    return array;
  }

  private Object[] readTypedArray(int depth) {
    if (depth >= ValueCodec.MAX_DEPTH) {
      throw corrupt();
    }
    Class<?> component = readClass(false);
    Object[] array = (Object[]) Array.newInstance(component, readLength(1));
    for (int i = 0; i < array.length; i++) {
      Object element = readValue(depth + 1);
      if (element != null && !component.isInstance(element)) {
        throw corrupt();
      }
      array[i] = element;
    }
    return array;
  }

  private String readLatin1() {
    int length = readLength(1);
    String s = new String(input, position, length, ISO_8859_1);
    position += length;
    return s;
  }

  /** A length and WTF-8 bytes ({@link Wtf8}). */
  private String readText() {
    int length = readLength(1);
    int start = position;
    position += length;
    for (int i = start; i < position; i++) {
      if (input[i] < 0) {
        return Wtf8.decode(input, start, length);
      }
    }
    return new String(input, start, length, ISO_8859_1); // ASCII
  }

  private byte[] readBytes() {
    int length = readLength(1);
    byte[] bytes = Arrays.copyOfRange(input, position, position + length);
    position += length;
    return bytes;
  }

  private char[] readCharArray() {
    char[] array = new char[readLength(1)];
    for (int i = 0; i < array.length; i++) {
      array[i] = readChar();
    }
    return array;
  }

  private short[] readShortArray() {
    short[] array = new short[readLength(1)];
    for (int i = 0; i < array.length; i++) {
      array[i] = readShort();
    }
    return array;
  }

  private int[] readIntArray() {
    int[] array = new int[readLength(1)];
    for (int i = 0; i < array.length; i++) {
      array[i] = readZigZagInt();
    }
    return array;
  }

  private long[] readLongArray() {
    long[] array = new long[readLength(1)];
    for (int i = 0; i < array.length; i++) {
      array[i] = readZigZagLong();
    }
    return array;
  }

  private float[] readFloatArray() {
    float[] array = new float[readLength(4)];
    for (int i = 0; i < array.length; i++) {
      array[i] = Float.intBitsToFloat(readFixed32());
    }
    return array;
  }

  private double[] readDoubleArray() {
    double[] array = new double[readLength(8)];
    for (int i = 0; i < array.length; i++) {
      array[i] = Double.longBitsToDouble(readFixed64());
    }
    return array;
  }

  private boolean[] readBooleanArray() {
    boolean[] array = new boolean[readLength(1)];
    for (int i = 0; i < array.length; i++) {
      byte b = readByte();
      if (b != 0 && b != 1) {
        throw corrupt();
      }
      array[i] = b == 1;
    }
    return array;
  }

  private LocalTime readLocalTime() {
    int secondOfDay = readVarInt();
    return LocalTime.ofSecondOfDay(secondOfDay).withNano(readVarInt());
  }

  private LocalDateTime readLocalDateTime() {
    LocalDate date = LocalDate.ofEpochDay(readZigZagLong());
    return LocalDateTime.of(date, readLocalTime());
  }

  private ZonedDateTime readZonedDateTime(int depth) {
    LocalDateTime dateTime = readLocalDateTime();
    ZoneOffset offset = readZoneOffset();
    if (depth >= ValueCodec.MAX_DEPTH || !(readValue(depth + 1) instanceof ZoneId zone)) {
      throw corrupt();
    }
    // The instant is kept; the offset is the zone's at that instant, which is the written one
    // unless this JVM's time-zone rules differ from the writer's.
    return ZonedDateTime.ofInstant(dateTime, offset, zone);
  }

  private ZoneOffset readZoneOffset() {
    return ZoneOffset.ofTotalSeconds(readZigZagInt());
  }

  private ZoneId readZoneRegion() {
    ZoneId zone = ZoneId.of(readText());
    if (zone instanceof ZoneOffset) {
      throw corrupt(); // the writer uses ZONE_OFFSET for those
    }
    return zone;
  }

  private java.sql.Timestamp readTimestamp() {
    long seconds = readZigZagLong();
    int nanos = readVarInt();
    java.sql.Timestamp timestamp = new java.sql.Timestamp(Math.multiplyExact(seconds, 1000L));
    timestamp.setNanos(nanos);
    return timestamp;
  }

  private Enum<?> readEnum() {
    Class<?> type = readClass(true);
    String name = readText();
    try {
      return valueOf(type, name);
    } catch (IllegalArgumentException e) {
      throw UnreadableEntryException.of(MissReason.UNKNOWN_CLASS); // no such constant here
    } catch (LinkageError e) {
      // valueOf initializes the enum; if its static initializer fails, the entry is unreadable here.
      throw UnreadableEntryException.of(MissReason.UNKNOWN_CLASS);
    }
  }

  /**
   * A class reference ({@code ValueWriter.writeClass}): an enum, or, unless {@code enumOnly}, one
   * of {@link ValueTags#ARRAY_ELEMENT_CLASSES}.
   */
  private Class<?> readClass(boolean enumOnly) {
    int reference = readVarInt();
    Class<?> type;
    if (reference == 0) {
      String name = readText();
      Class<?> known = ValueTags.ARRAY_ELEMENT_CLASSES.get(name);
      type = enumOnly || known == null ? loadEnum(name) : known;
      if (classCount == classes.length) {
        classes = Arrays.copyOf(classes, Math.max(4, 2 * classCount));
      }
      classes[classCount++] = type;
    } else if (reference > 0 && reference <= classCount) {
      type = classes[reference - 1];
    } else {
      throw corrupt();
    }
    if (enumOnly && !type.isEnum()) {
      throw corrupt();
    }
    return type;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Enum<?> valueOf(Class<?> type, String name) {
    return Enum.valueOf((Class) type, name);
  }

  /**
   * The enum class of this name ({@link EnumClassCache#load}): a class that is missing, cannot be
   * linked, or is not an enum is {@link MissReason#UNKNOWN_CLASS}.
   */
  private Class<?> loadEnum(String name) {
    Class<?> type = enumClasses.load(name);
    if (type == null) {
      throw UnreadableEntryException.of(MissReason.UNKNOWN_CLASS);
    }
    return type;
  }

  private byte readByte() {
    if (position >= end) {
      throw corrupt();
    }
    return input[position++];
  }

  private short readShort() {
    int value = readZigZagInt();
    if (value != (short) value) {
      throw corrupt();
    }
    return (short) value;
  }

  private char readChar() {
    int value = readVarInt();
    if (value != (char) value) {
      throw corrupt();
    }
    return (char) value;
  }

  private int readFixed32() {
    require(4);
    byte[] b = input;
    int p = position;
    position = p + 4;
    return (b[p] & 0xFF) << 24 | (b[p + 1] & 0xFF) << 16 | (b[p + 2] & 0xFF) << 8 | b[p + 3] & 0xFF;
  }

  /**
   * A count of things of at least {@code minBytes} bytes each that follow: never more than the
   * rest of the input could hold, so that nothing larger than the input is ever allocated.
   */
  private int readLength(int minBytes) {
    int length = readVarInt();
    if (length < 0 || length > (end - position) / minBytes) {
      throw corrupt();
    }
    return length;
  }

  private int readVarInt() {
    int value = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      byte b = readByte();
      value |= (b & 0x7F) << shift;
      if (b >= 0) {
        if (shift == 28 && (b & 0x70) != 0) {
          throw corrupt(); // more than 32 bits
        }
        return value;
      }
    }
    throw corrupt();
  }

  private long readVarLong() {
    long value = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      byte b = readByte();
      value |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        if (shift == 63 && (b & 0x7E) != 0) {
          throw corrupt(); // more than 64 bits
        }
        return value;
      }
    }
    throw corrupt();
  }

  private int readZigZagInt() {
    int value = readVarInt();
    return (value >>> 1) ^ -(value & 1);
  }

  private long readZigZagLong() {
    long value = readVarLong();
    return (value >>> 1) ^ -(value & 1);
  }

  private void require(int bytes) {
    if (bytes > end - position) {
      throw corrupt();
    }
  }

  private static UnreadableEntryException corrupt() {
    return UnreadableEntryException.of(MissReason.CORRUPT);
  }
}
