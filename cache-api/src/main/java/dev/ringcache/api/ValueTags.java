package dev.ringcache.api;

import java.io.Serializable;
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
import java.util.Map;
import java.util.UUID;

/**
 * The bytes of {@link ValueCodec}'s wire format, version 1: the format byte and the one-byte tag
 * that starts each value. The layout after each tag is in {@link ValueCodec}'s javadoc. A tag once
 * given is never reused for something else: the wire format is a promise.
 */
final class ValueTags {
  /**
   * Format version 1. 0xC1 never starts UTF-8 text, so JSON, plain strings and Java serialization
   * streams (0xAC 0xED) never pass for an entry. Later versions take other bytes that never start
   * UTF-8 text (0xC0, 0xF5 to 0xFF).
   */
  static final byte FORMAT_1 = (byte) 0xC1;

  static final byte NULL = 0x00;
  static final byte FALSE = 0x01;
  static final byte TRUE = 0x02;
  static final byte BYTE = 0x03;
  static final byte SHORT = 0x04;
  static final byte INT = 0x05;
  static final byte LONG = 0x06;
  static final byte FLOAT = 0x07;
  static final byte DOUBLE = 0x08;
  static final byte CHAR = 0x09;
  static final byte STRING_LATIN1 = 0x0A;
  static final byte STRING_UTF8 = 0x0B;
  static final byte BIG_INTEGER = 0x0C;
  static final byte BIG_DECIMAL = 0x0D;
  static final byte BIG_DECIMAL_LARGE = 0x0E;
  static final byte UUID = 0x0F;

  static final byte OBJECT_ARRAY = 0x10;
  static final byte BYTE_ARRAY = 0x11;
  static final byte CHAR_ARRAY = 0x12;
  static final byte SHORT_ARRAY = 0x13;
  static final byte INT_ARRAY = 0x14;
  static final byte LONG_ARRAY = 0x15;
  static final byte FLOAT_ARRAY = 0x16;
  static final byte DOUBLE_ARRAY = 0x17;
  static final byte BOOLEAN_ARRAY = 0x18;
  static final byte TYPED_ARRAY = 0x19;

  static final byte INSTANT = 0x20;
  static final byte LOCAL_DATE = 0x21;
  static final byte LOCAL_TIME = 0x22;
  static final byte LOCAL_DATE_TIME = 0x23;
  static final byte OFFSET_DATE_TIME = 0x24;
  static final byte OFFSET_TIME = 0x25;
  static final byte ZONED_DATE_TIME = 0x26;
  static final byte DURATION = 0x27;
  static final byte PERIOD = 0x28;
  static final byte YEAR = 0x29;
  static final byte YEAR_MONTH = 0x2A;
  static final byte ZONE_OFFSET = 0x2B;
  static final byte ZONE_REGION = 0x2C;

  static final byte UTIL_DATE = 0x30;
  static final byte SQL_DATE = 0x31;
  static final byte SQL_TIME = 0x32;
  static final byte SQL_TIMESTAMP = 0x33;

  static final byte ENUM = 0x38;
  static final byte JAVA_SERIALIZED = 0x3F;

  /**
   * The element classes of {@link #TYPED_ARRAY}s besides enums, by name: a reader resolves a name
   * here, and loads nothing else but enums.
   */
  static final Map<String, Class<?>> ARRAY_ELEMENT_CLASSES = byName(String.class, Boolean.class,
      Byte.class, Short.class, Integer.class, Long.class, Float.class, Double.class,
      Character.class, BigInteger.class, BigDecimal.class, UUID.class, Instant.class,
      LocalDate.class, LocalTime.class, LocalDateTime.class, OffsetDateTime.class,
      OffsetTime.class, ZonedDateTime.class, Duration.class, Period.class, Year.class,
      YearMonth.class, ZoneOffset.class, ZoneId.class, java.util.Date.class, java.sql.Date.class,
      java.sql.Time.class, java.sql.Timestamp.class, Serializable.class);

  private ValueTags() {}

  /** Whether arrays of this component class are written as {@link #TYPED_ARRAY}s. */
  static boolean isArrayElementClass(Class<?> component) {
    return component.isEnum() || ARRAY_ELEMENT_CLASSES.get(component.getName()) == component;
  }

  private static Map<String, Class<?>> byName(Class<?>... classes) {
    Map.Entry<?, ?>[] entries = new Map.Entry<?, ?>[classes.length];
    for (int i = 0; i < classes.length; i++) {
      entries[i] = Map.entry(classes[i].getName(), classes[i]);
    }
    @SuppressWarnings("unchecked")
    Map.Entry<String, Class<?>>[] typed = (Map.Entry<String, Class<?>>[]) entries;
    return Map.ofEntries(typed);
  }
}
