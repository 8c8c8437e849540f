package dev.ringcache.api;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * The text of a {@link CacheKey}: the escaping of its names and the type-tagged encoding of its id,
 * as the {@link CacheKey} javadoc specifies them. Everything appended is printable ASCII without
 * space (0x21 to 0x7E).
 */
final class KeyText {
  /** Composite ids nested deeper than this are refused (a cycle would never end). */
  static final int MAX_ID_DEPTH = 32;

  static final String SUPPORTED_IDS = "String, Long, Integer, Short, Byte, Character, Boolean, "
      + "BigInteger, BigDecimal, UUID, LocalDate, LocalDateTime, Instant, OffsetDateTime, "
      + "java.util.Date, java.sql.Date, java.sql.Timestamp, enums, byte[], and Object[] of these "
      + "(composite ids, nested or not, null elements allowed)";

  private static final char[] HEX_UPPER = "0123456789ABCDEF".toCharArray();
  private static final char[] HEX_LOWER = "0123456789abcdef".toCharArray();
  // The last epoch day LocalDate can hold; Instant reaches a year further on either side.
  private static final long MIN_EPOCH_DAY = LocalDate.MIN.toEpochDay();
  private static final long MAX_EPOCH_DAY = LocalDate.MAX.toEpochDay();
  // The Gregorian calendar repeats every 400 years, which are this many days.
  private static final long DAYS_PER_400_YEARS = 146_097;

  private KeyText() {}

  /**
   * Appends {@code text} escaped: each byte of its WTF-8 ({@link Wtf8}) that is outside 0x21 to
   * 0x7E, or is one of {@code % : # , ( )}, or is {@code extra}, becomes {@code %XX} (uppercase
   * hex); every other byte stands for itself.
   */
  static void appendEscaped(StringBuilder out, String text, char extra) {
    int n = text.length();
    int plain = 0;
    while (plain < n && isPlain(text.charAt(plain), extra)) {
      plain++;
    }
    if (plain == n) {
      out.append(text);
      return;
    }
    out.append(text, 0, plain);
    byte[] bytes = Wtf8.encode(text.substring(plain));
    for (byte b : bytes) {
      if (b >= 0 && isPlain((char) b, extra)) {
        out.append((char) b);
      } else {
        out.append('%').append(HEX_UPPER[(b >> 4) & 0xF]).append(HEX_UPPER[b & 0xF]);
      }
    }
  }

  /** {@link #appendEscaped(StringBuilder, String, char)} with no extra escaped character. */
  static void appendEscaped(StringBuilder out, String text) {
    appendEscaped(out, text, '%');
  }

  private static boolean isPlain(char c, char extra) {
    return c >= 0x21 && c <= 0x7E && c != extra
        && c != '%' && c != ':' && c != '#' && c != ',' && c != '(' && c != ')';
  }

  /**
   * Appends the type-tagged text of an id; an {@link IllegalArgumentException} for an id of an
   * unsupported type, and for composites nested deeper than {@value #MAX_ID_DEPTH}.
   */
  static void appendId(StringBuilder out, Object id, int depth) {
    Class<?> type = id.getClass();
    if (type == String.class) {
      appendEscaped(out.append('S'), (String) id);
    } else if (type == Long.class) {
      out.append('L').append((long) (Long) id);
    } else if (type == Integer.class) {
      out.append('I').append((int) (Integer) id);
    } else if (type == Short.class) {
      out.append('H').append((short) (Short) id);
    } else if (type == Byte.class) {
      out.append('B').append((byte) (Byte) id);
    } else if (type == Character.class) {
      appendEscaped(out.append('C'), String.valueOf((char) (Character) id));
    } else if (type == Boolean.class) {
      out.append('Z').append((boolean) (Boolean) id);
    } else if (type == BigInteger.class) {
      out.append('G').append(id);
    } else if (type == BigDecimal.class) {
      BigDecimal decimal = (BigDecimal) id;
      out.append('N').append(decimal.unscaledValue()).append('e').append(decimal.scale());
    } else if (type == UUID.class) {
      out.append('U').append(id); // UUID.toString: lowercase 8-4-4-4-12 hex, specified
    } else if (type == LocalDate.class) {
      appendDate(out.append('D'), (LocalDate) id);
    } else if (type == LocalDateTime.class) {
      LocalDateTime dateTime = (LocalDateTime) id;
      appendDate(out.append('T'), dateTime.toLocalDate());
      appendTime(out.append('T'), dateTime.toLocalTime());
    } else if (type == Instant.class) {
      appendInstant(out.append('X'), (Instant) id);
    } else if (type == OffsetDateTime.class) {
      OffsetDateTime dateTime = (OffsetDateTime) id;
      appendDate(out.append('O'), dateTime.toLocalDate());
      appendTime(out.append('T'), dateTime.toLocalTime());
      appendOffset(out, dateTime.getOffset());
    } else if (type == java.util.Date.class) {
      out.append("Jd").append(((java.util.Date) id).getTime());
    } else if (type == java.sql.Date.class) {
      out.append("Js").append(((java.sql.Date) id).getTime());
    } else if (type == java.sql.Timestamp.class) {
      java.sql.Timestamp timestamp = (java.sql.Timestamp) id;
      out.append("Jt").append(Math.floorDiv(timestamp.getTime(), 1000L)).append('.');
      appendPadded(out, timestamp.getNanos(), 9);
    } else if (id instanceof Enum<?> constant) {
      appendEscaped(out.append('E'), constant.getDeclaringClass().getName());
      appendEscaped(out.append('.'), constant.name(), '.');
    } else if (type == byte[].class) {
      out.append('Y');
      for (byte b : (byte[]) id) {
        out.append(HEX_LOWER[(b >> 4) & 0xF]).append(HEX_LOWER[b & 0xF]);
      }
    } else if (type == Object[].class) {
      if (depth >= MAX_ID_DEPTH) {
        throw new IllegalArgumentException("composite id nested deeper than " + MAX_ID_DEPTH
            + " levels (does it contain itself?)");
      }
      out.append('(');
      Object[] parts = (Object[]) id;
      for (int i = 0; i < parts.length; i++) {
        if (i > 0) {
          out.append(',');
        }
        Object part = parts[i];
        if (part == null) {
          out.append('-');
        } else {
          appendId(out, part, depth + 1);
        }
      }
      out.append(')');
    } else {
      throw new IllegalArgumentException("cannot make a cache key of an id of " + type.getName()
          + "; supported ids are " + SUPPORTED_IDS);
    }
  }

  /** {@code yyyy-MM-dd}; the year has at least four digits and a sign only when negative. */
  private static void appendDate(StringBuilder out, LocalDate date) {
    appendDate(out, date.getYear(), date.getMonthValue(), date.getDayOfMonth());
  }

  private static void appendDate(StringBuilder out, long year, int month, int day) {
    if (year < 0) {
      out.append('-');
    }
    appendPadded(out, Math.abs(year), 4);
    out.append('-');
    appendPadded(out, month, 2);
    out.append('-');
    appendPadded(out, day, 2);
  }

  /**
   * {@code HHmmss} (ISO 8601 basic: a colon would read as a key separator), then, when the nanos
   * are not zero, a dot and the fraction of a second without trailing zeros.
   */
  private static void appendTime(StringBuilder out, LocalTime time) {
    appendPadded(out, time.getHour(), 2);
    appendPadded(out, time.getMinute(), 2);
    appendPadded(out, time.getSecond(), 2);
    appendFraction(out, time.getNano());
  }

  private static void appendFraction(StringBuilder out, int nanos) {
    if (nanos == 0) {
      return;
    }
    int digits = 9;
    while (nanos % 10 == 0) {
      nanos /= 10;
      digits--;
    }
    out.append('.');
    appendPadded(out, nanos, digits);
  }

  /** The instant as a UTC date and time, then {@code Z}; for every instant, even the extremes. */
  private static void appendInstant(StringBuilder out, Instant instant) {
    long epochDay = Math.floorDiv(instant.getEpochSecond(), 86_400L);
    int secondOfDay = (int) Math.floorMod(instant.getEpochSecond(), 86_400L);
    // Instant's range exceeds LocalDate's by about a year at each end: shift by 400 years.
    long yearShift = 0;
    if (epochDay < MIN_EPOCH_DAY) {
      epochDay += DAYS_PER_400_YEARS;
      yearShift = -400;
    } else if (epochDay > MAX_EPOCH_DAY) {
      epochDay -= DAYS_PER_400_YEARS;
      yearShift = 400;
    }
    LocalDate date = LocalDate.ofEpochDay(epochDay);
    appendDate(out, date.getYear() + yearShift, date.getMonthValue(), date.getDayOfMonth());
    out.append('T');
    appendPadded(out, secondOfDay / 3600, 2);
    appendPadded(out, secondOfDay / 60 % 60, 2);
    appendPadded(out, secondOfDay % 60, 2);
    appendFraction(out, instant.getNano());
    out.append('Z');
  }

  /** {@code +HHMM} or {@code -HHMM}, then {@code SS} when the offset has seconds. */
  private static void appendOffset(StringBuilder out, ZoneOffset offset) {
    int seconds = offset.getTotalSeconds();
    out.append(seconds < 0 ? '-' : '+');
    seconds = Math.abs(seconds);
    appendPadded(out, seconds / 3600, 2);
    appendPadded(out, seconds / 60 % 60, 2);
    if (seconds % 60 != 0) {
      appendPadded(out, seconds % 60, 2);
    }
  }

  /** A non-negative number in decimal, with leading zeros up to {@code width} digits. */
  private static void appendPadded(StringBuilder out, long value, int width) {
    String digits = Long.toString(value);
    for (int i = digits.length(); i < width; i++) {
      out.append('0');
    }
    out.append(digits);
  }
}
