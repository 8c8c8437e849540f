package dev.ringcache.api;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.Month;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class CacheKeyTest {
  private static final String[] PIECES = {"", ":", "#", "%", "%3A", "%25", "-", ",", "(", ")",
      ".", " ", "\n", "\t", "\u0000", "a", "b", "1", "S", "L1", "~", "?", "é", "\u00FF", "€",
      "😀", "\uD800", "\uDC00", "\uFFFD", "%2D", "Sa", "I1", "-0"};

  enum Status { ACTIVE, CLOSED }

  enum Operation {
    PLUS {
      @Override
      int apply(int a, int b) {
        return a + b;
      }
    };

    abstract int apply(int a, int b);
  }

  @Test
  void prefixes_areTheFirstBytesOfEveryKeyOfTheNamespaceAndRegion_escapedAlike() {
    CacheKey key = CacheKey.of("my shop", "com.example:Order", "acme", "com.example.Order", 42L);
    assertThat(new String(CacheKey.prefix("my shop"), US_ASCII))
        .isEqualTo("my%20shop:");
    assertThat(new String(CacheKey.prefix("my shop", "com.example:Order"),
        US_ASCII)).isEqualTo("my%20shop:com.example%3AOrder:");
    assertThat(key.toString()).startsWith(new String(CacheKey.prefix("my shop", "com.example:Order"),
        US_ASCII));
    assertThat(key.toString()).doesNotStartWith(new String(CacheKey.prefix("my shop", "com.example"),
        US_ASCII));
    assertThatThrownBy(() -> CacheKey.prefix("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CacheKey.prefix("ns", "")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void of_goldenTexts_neverChange() {
    // The key encoding is a persistent contract: a change here makes every cached entry
    // unreachable. Never edit an expected value; add a new format instead.
    assertThat(text(42L)).isEqualTo("shop:com.example.Order:-:com.example.Order#L42");
    assertThat(CacheKey.of("shop", "orders", "acme", "com.example.OrderLine",
            new Object[] {42L, 3}).toString())
        .isEqualTo("shop:orders:acme:com.example.OrderLine#(L42,I3)");
    assertThat(id(-42L)).isEqualTo("L-42");
    assertThat(id(Long.MIN_VALUE)).isEqualTo("L-9223372036854775808");
    assertThat(id(42)).isEqualTo("I42");
    assertThat(id((short) -7)).isEqualTo("H-7");
    assertThat(id((byte) -128)).isEqualTo("B-128");
    assertThat(id('A')).isEqualTo("CA");
    assertThat(id(':')).isEqualTo("C%3A");
    assertThat(id('\uD800')).isEqualTo("C%ED%A0%80");
    assertThat(id(true)).isEqualTo("Ztrue");
    assertThat(id(false)).isEqualTo("Zfalse");
    assertThat(id(new BigInteger("-12345678901234567890"))).isEqualTo("G-12345678901234567890");
    assertThat(id(new BigDecimal("1234.50"))).isEqualTo("N123450e2");
    assertThat(id(new BigDecimal("1234.5"))).isEqualTo("N12345e1");
    assertThat(id(new BigDecimal("1E+3"))).isEqualTo("N1e-3");
    assertThat(id(new BigDecimal("-0.001"))).isEqualTo("N-1e3");
    assertThat(id(UUID.fromString("123E4567-E89B-12D3-A456-426614174000")))
        .isEqualTo("U123e4567-e89b-12d3-a456-426614174000");
    assertThat(id(LocalDate.of(2024, 3, 1))).isEqualTo("D2024-03-01");
    assertThat(id(LocalDate.of(-5, 1, 2))).isEqualTo("D-0005-01-02");
    assertThat(id(LocalDate.of(12345, 6, 7))).isEqualTo("D12345-06-07");
    assertThat(id(LocalDateTime.of(2024, 3, 1, 10, 15, 30, 250_000_000)))
        .isEqualTo("T2024-03-01T101530.25");
    assertThat(id(LocalDateTime.of(2024, 3, 1, 0, 0))).isEqualTo("T2024-03-01T000000");
    assertThat(id(LocalDateTime.of(2024, 3, 1, 23, 59, 59, 1))).isEqualTo(
        "T2024-03-01T235959.000000001");
    assertThat(id(Instant.parse("2024-03-01T10:15:30Z"))).isEqualTo("X2024-03-01T101530Z");
    assertThat(id(Instant.parse("1969-12-31T23:59:59.123456Z")))
        .isEqualTo("X1969-12-31T235959.123456Z");
    assertThat(id(Instant.MIN)).isEqualTo("X-1000000000-01-01T000000Z");
    assertThat(id(Instant.MAX)).isEqualTo("X1000000000-12-31T235959.999999999Z");
    assertThat(id(OffsetDateTime.of(2024, 3, 1, 10, 15, 30, 0, ZoneOffset.ofHours(1))))
        .isEqualTo("O2024-03-01T101530+0100");
    assertThat(id(OffsetDateTime.of(2024, 3, 1, 10, 15, 30, 5_000_000,
            ZoneOffset.ofHoursMinutesSeconds(-5, -30, -15))))
        .isEqualTo("O2024-03-01T101530.005-053015");
    assertThat(id(OffsetDateTime.of(2024, 3, 1, 10, 15, 30, 0, ZoneOffset.UTC)))
        .isEqualTo("O2024-03-01T101530+0000");
    assertThat(id(new java.util.Date(1709287530000L))).isEqualTo("Jd1709287530000");
    assertThat(id(new java.sql.Date(1709251200000L))).isEqualTo("Js1709251200000");
    assertThat(id(timestamp(1709287530123L, 123_456_789))).isEqualTo("Jt1709287530.123456789");
    assertThat(id(new java.sql.Timestamp(-1500L))).isEqualTo("Jt-2.500000000");
    assertThat(id(Month.MARCH)).isEqualTo("Ejava.time.Month.MARCH");
    assertThat(id(Status.ACTIVE)).isEqualTo("Edev.ringcache.api.CacheKeyTest$Status.ACTIVE");
    assertThat(id(Operation.PLUS)).isEqualTo("Edev.ringcache.api.CacheKeyTest$Operation.PLUS");
    assertThat(id(new byte[] {0, (byte) 0xFF, 0x10})).isEqualTo("Y00ff10");
    assertThat(id(new byte[0])).isEqualTo("Y");
    assertThat(id(new Object[] {42L, "x", new Object[] {1, null}})).isEqualTo("(L42,Sx,(I1,-))");
    assertThat(id(new Object[0])).isEqualTo("()");
    assertThat(id("anna@example.com")).isEqualTo("Sanna@example.com");
    assertThat(id("a b:c#d%e,f(g)h.i")).isEqualTo("Sa%20b%3Ac%23d%25e%2Cf%28g%29h.i");
    assertThat(id("é€😀")).isEqualTo("S%C3%A9%E2%82%AC%F0%9F%98%80");
    assertThat(id("\uD800x\uDC00")).isEqualTo("S%ED%A0%80x%ED%B0%80");
    assertThat(id("")).isEqualTo("S");
    assertThat(id("\n\t~")).isEqualTo("S%0A%09~");
    assertThat(CacheKey.of("my app", "r:1", "-", "t#2", 1L).toString())
        .isEqualTo("my%20app:r%3A1:%2D:t%232#L1");
    assertThat(CacheKey.of("a", "b", "acme:eu", "Ü", 1L).toString())
        .isEqualTo("a:b:acme%3Aeu:%C3%9C#L1");
  }

  @Test
  void of_idsOfDifferentTypes_neverCollide() {
    Object[] ones = {1L, 1, (short) 1, (byte) 1, '1', "1", BigInteger.ONE, BigDecimal.ONE,
        new BigDecimal("1.0"), new BigDecimal("1.00"), true, new byte[] {1}, new Object[] {1L},
        new Object[] {1}, new java.util.Date(1), new java.sql.Date(1), new java.sql.Timestamp(1),
        Instant.ofEpochMilli(1), new Object[] {"1"}, new Object[] {new Object[] {1L}}};
    Map<String, Object> seen = new HashMap<>();
    for (Object one : ones) {
      Object previous = seen.put(text(one), one);
      assertThat(previous).as("%s collides with %s", one, previous).isNull();
    }
  }

  @Test
  void of_adversarialNeighbours_differ() {
    assertDiffer(CacheKey.of("n", "a:b", null, "c", 1L), CacheKey.of("n", "a", null, "b:c", 1L));
    assertDiffer(CacheKey.of("a:b", "c", null, "t", 1L), CacheKey.of("a", "b:c", null, "t", 1L));
    assertDiffer(CacheKey.of("n", "r", "x:y", "t", 1L), CacheKey.of("n", "r:x", "y", "t", 1L));
    assertDiffer(CacheKey.of("n", "r", null, "t", 1L), CacheKey.of("n", "r", "-", "t", 1L));
    assertDiffer(CacheKey.of("n", "r", null, "t#L1", 2L), CacheKey.of("n", "r", null, "t", 1L));
    assertDiffer(key("a,b"), key(new Object[] {"a", "b"}));
    assertDiffer(key(new Object[] {"a,b"}), key(new Object[] {"a", "b"}));
    assertDiffer(key(new Object[] {"a)", "b"}), key(new Object[] {"a", ")b"}));
    assertDiffer(key(new Object[] {new Object[] {"a"}, "b"}), key(new Object[] {"a", "b"}));
    assertDiffer(key(new Object[] {null}), key(new Object[] {"-"}));
    assertDiffer(key(new Object[] {}), key(new Object[] {null}));
    assertDiffer(key(""), key(new Object[] {}));
    assertDiffer(key("%3A"), key(":"));
    assertDiffer(key("\uD800"), key("?"));
    assertDiffer(key("\uD800"), key("\uFFFD"));
    assertDiffer(key("\uD83D\uDE00"), key("\uDE00\uD83D"));
    assertDiffer(key(new BigDecimal("1.0")), key(new BigDecimal("1.00")));
    assertDiffer(key(new java.util.Date(5)), key(new java.sql.Date(5)));
    assertDiffer(key(timestamp(5, 5_000_000)), key(timestamp(5, 5_000_001)));
    assertDiffer(key(OffsetDateTime.of(2024, 1, 1, 1, 0, 0, 0, ZoneOffset.ofHours(1))),
        key(OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC)));
  }

  @Test
  void of_randomAdversarialTuples_distinctTuplesGiveDistinctBytes() {
    Random random = new Random(20240301);
    Map<List<Object>, byte[]> byTuple = new HashMap<>();
    Map<String, List<Object>> byText = new HashMap<>();
    for (int i = 0; i < 200_000; i++) {
      String namespace = randomName(random);
      String region = randomName(random);
      String tenant = random.nextInt(3) == 0 ? null : randomName(random);
      String type = randomName(random);
      Object id = randomId(random, 0);
      CacheKey key = CacheKey.of(namespace, region, tenant, type, id);
      byte[] bytes = key.bytes();
      for (byte b : bytes) {
        if (b < 0x21 || b > 0x7E) {
          fail("byte 0x%02X in %s", b, key);
        }
      }
      List<Object> tuple = Arrays.asList(namespace, region, tenant, type, describe(id));
      byte[] earlier = byTuple.put(tuple, bytes);
      if (earlier != null) {
        assertThat(bytes).as("the same tuple twice: %s", tuple).isEqualTo(earlier);
      }
      List<Object> other = byText.put(key.toString(), tuple);
      if (other != null) {
        assertThat(tuple).as("two tuples with the key %s", key).isEqualTo(other);
      }
      // Injectivity, sample by sample: the text reads back as exactly this tuple.
      List<Object> read = KeyTextReader.read(key.toString());
      assertThat(read).as("%s read back", key).isEqualTo(tuple);
    }
    assertThat(byText.size()).as("distinct keys made").isGreaterThan(150_000);
  }

  @Test
  void of_badArguments_failWithClearMessages() {
    assertThatThrownBy(() -> CacheKey.of("", "r", null, "t", 1L))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("namespace must not be empty");
    assertThatThrownBy(() -> CacheKey.of("n", "", null, "t", 1L))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("region must not be empty");
    assertThatThrownBy(() -> CacheKey.of("n", "r", null, "", 1L))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("type must not be empty");
    assertThatThrownBy(() -> CacheKey.of("n", "r", "", "t", 1L))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tenant must be null (no tenant) or not empty");
    assertThatThrownBy(() -> CacheKey.of(null, "r", null, "t", 1L))
        .isInstanceOf(NullPointerException.class).hasMessage("namespace");
    assertThatThrownBy(() -> CacheKey.of("n", "r", null, "t", null))
        .isInstanceOf(NullPointerException.class).hasMessage("id");
  }

  @Test
  void of_unsupportedId_namesItsClassAndTheSupportedTypes() {
    for (Object id : new Object[] {new Object(), new ArrayList<>(), new String[] {"a"},
        new long[] {1}, 1.5d, new Object[] {1L, new StringBuilder("x")}}) {
      String className = id instanceof Object[] array && array.length == 2
          ? StringBuilder.class.getName() : id.getClass().getName();
      assertThatThrownBy(() -> CacheKey.of("n", "orders", null, "com.example.Order", id))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("an id of " + className + ";")
          .hasMessageContaining("supported ids are String, Long, Integer")
          .hasMessageContaining("region 'orders', type 'com.example.Order'");
    }
  }

  @Test
  void of_selfContainingCompositeId_isRefused() {
    Object[] cycle = new Object[1];
    cycle[0] = cycle;
    assertThatThrownBy(() -> key(cycle))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nested deeper than 32");
  }

  @Test
  void bytes_isACopy_andEqualityFollowsTheBytes() {
    CacheKey key = key(7L);
    byte[] bytes = key.bytes();
    bytes[0] = 'X';
    assertThat(key.bytes()).isEqualTo("n:r:-:t#L7".getBytes(US_ASCII));
    assertThat(key.length()).isEqualTo(10);
    assertThat(key).isEqualTo(key(7L)).hasSameHashCodeAs(key(7L)).isNotEqualTo(key(7));
    assertThat(key(new Object[] {1L, "a"})).isEqualTo(key(new Object[] {1L, "a"}));
    assertThat(key.namespace()).isEqualTo("n");
    assertThat(key.region()).isEqualTo("r");
    assertThat(key.tenant()).isNull();
    assertThat(key.type()).isEqualTo("t");
  }

  private static void assertDiffer(CacheKey a, CacheKey b) {
    assertThat(a.toString()).isNotEqualTo(b.toString());
    assertThat(a).isNotEqualTo(b);
  }

  private static CacheKey key(Object id) {
    return CacheKey.of("n", "r", null, "t", id);
  }

  private static String text(Object id) {
    return CacheKey.of("shop", "com.example.Order", null, "com.example.Order", id).toString();
  }

  /** The id part of a key's text. */
  private static String id(Object id) {
    String text = key(id).toString();
    assertThat(text).startsWith("n:r:-:t#");
    return text.substring("n:r:-:t#".length());
  }

  private static java.sql.Timestamp timestamp(long millis, int nanos) {
    java.sql.Timestamp timestamp = new java.sql.Timestamp(millis);
    timestamp.setNanos(nanos);
    return timestamp;
  }

  private static String randomName(Random random) {
    String name;
    do {
      name = randomString(random);
    } while (name.isEmpty());
    return name;
  }

  private static String randomString(Random random) {
    StringBuilder s = new StringBuilder();
    int pieces = random.nextInt(4);
    for (int i = 0; i < pieces; i++) {
      s.append(PIECES[random.nextInt(PIECES.length)]);
    }
    return s.toString();
  }



  private static @Nullable Object randomIdOrNull(Random random, int depth) {
    return random.nextInt(8) == 0 ? null : randomId(random, depth);
  }

  // Small value ranges, so that equal and nearly equal ids come up often.
  private static Object randomId(Random random, int depth) {
    switch (random.nextInt(depth < 2 ? 19 : 18)) {
      case 0:
        return randomString(random);
      case 1:
        return (long) random.nextInt(5) - 2;
      case 2:
        return random.nextInt(5) - 2;
      case 3:
        return (short) (random.nextInt(5) - 2);
      case 4:
        return (byte) (random.nextInt(5) - 2);
      case 5:
        return ":#%,()- a1é\uD800\uDC00\n".charAt(random.nextInt(14));
      case 6:
        return random.nextBoolean();
      case 7:
        return BigInteger.valueOf(random.nextInt(5) - 2);
      case 8:
        return BigDecimal.valueOf(random.nextInt(21) - 10, random.nextInt(5) - 2);
      case 9:
        return new UUID(random.nextInt(2), random.nextInt(2));
      case 10:
        return LocalDate.ofEpochDay(random.nextInt(3) - 1);
      case 11:
        return LocalDateTime.of(2024, 1, 1, 0, 0, random.nextInt(2), random.nextInt(3) * 100);
      case 12:
        return Instant.ofEpochSecond(random.nextInt(3) - 1, random.nextInt(3) * 10);
      case 13:
        return OffsetDateTime.of(2024, 1, 1, random.nextInt(2), 0, 0, 0,
            ZoneOffset.ofHours(random.nextInt(3) - 1));
      case 14:
        int kind = random.nextInt(3);
        long millis = random.nextInt(3) - 1;
        return kind == 0 ? new java.util.Date(millis)
            : kind == 1 ? new java.sql.Date(millis) : timestamp(millis, random.nextInt(2) * 7);
      case 15:
        return random.nextBoolean() ? Status.values()[random.nextInt(2)] : Month.of(1);
      case 16: {
        byte[] bytes = new byte[random.nextInt(3)];
        for (int i = 0; i < bytes.length; i++) {
          bytes[i] = (byte) (random.nextInt(3) - 1);
        }
        return bytes;
      }
      case 17:
        return random.nextBoolean() ? "" : "-";
      default: {
        Object[] parts = new Object[random.nextInt(4)];
        for (int i = 0; i < parts.length; i++) {
          parts[i] = randomIdOrNull(random, depth + 1);
        }
        return parts;
      }
    }
  }

  /** An id as plain data whose equality is the id's: its exact class and its exact value. */
  private static Object describe(@Nullable Object id) {
    if (id == null) {
      return List.of("null");
    }
    if (id instanceof Object[] parts) {
      List<Object> described = new ArrayList<>();
      described.add("composite");
      for (Object part : parts) {
        described.add(describe(part));
      }
      return described;
    }
    String value;
    if (id instanceof byte[] bytes) {
      value = Arrays.toString(bytes);
    } else if (id instanceof java.sql.Timestamp timestamp) {
      value = timestamp.getTime() + "/" + timestamp.getNanos();
    } else if (id instanceof java.util.Date date) {
      value = Long.toString(date.getTime());
    } else if (id instanceof Enum<?> constant) {
      value = constant.getDeclaringClass().getName() + "." + constant.name();
    } else {
      value = id.toString(); // exact for these types (BigDecimal's keeps the scale)
    }
    return List.of(id.getClass().getName(), value);
  }

  /**
   * Reads a key's text back into the tuple it was made of, by the grammar of {@link CacheKey}'s
   * javadoc (written from it, not from the encoder). If every key reads back as its own tuple, no
   * two tuples can share a key.
   */
  private static final class KeyTextReader {
    private final String text;
    private int position;

    private KeyTextReader(String text, int position) {
      this.text = text;
      this.position = position;
    }

    /** The names, and the id described by {@link #describe}. */
    static List<Object> read(String text) {
      int hash = text.indexOf('#');
      String[] names = text.substring(0, hash).split(":", -1);
      assertThat(names).as(text).hasSize(4);
      KeyTextReader reader = new KeyTextReader(text, hash + 1);
      Object id = reader.id();
      assertThat(reader.position).as("the id of %s read to its end", text)
          .isEqualTo(text.length());
      return Arrays.asList(unescape(names[0]), unescape(names[1]),
          names[2].equals("-") ? null : unescape(names[2]), unescape(names[3]), describe(id));
    }

    private @Nullable Object id() {
      char tag = text.charAt(position++);
      if (tag == '-') {
        return null;
      }
      if (tag == '(') {
        List<@Nullable Object> parts = new ArrayList<>();
        if (text.charAt(position) == ')') {
          position++;
          return parts.toArray();
        }
        while (true) {
          parts.add(id());
          char next = text.charAt(position++);
          if (next == ')') {
            return parts.toArray();
          }
          assertThat(next).as(text).isEqualTo(',');
        }
      }
      int start = position;
      while (position < text.length() && text.charAt(position) != ','
          && text.charAt(position) != ')') {
        position++;
      }
      String payload = text.substring(start, position);
      switch (tag) {
        case 'S':
          return unescape(payload);
        case 'L':
          return Long.valueOf(payload);
        case 'I':
          return Integer.valueOf(payload);
        case 'H':
          return Short.valueOf(payload);
        case 'B':
          return Byte.valueOf(payload);
        case 'G':
          return new BigInteger(payload);
        case 'C': {
          String c = unescape(payload);
          assertThat(c).hasSize(1);
          return c.charAt(0);
        }
        case 'Z':
          assertThat(payload).isIn("true", "false");
          return Boolean.valueOf(payload);
        case 'N': {
          int e = payload.indexOf('e');
          return new BigDecimal(new BigInteger(payload.substring(0, e)),
              Integer.parseInt(payload.substring(e + 1)));
        }
        case 'U': {
          UUID uuid = UUID.fromString(payload);
          assertThat(uuid.toString()).isEqualTo(payload);
          return uuid;
        }
        case 'D':
          return date(payload);
        case 'T':
          return dateTime(payload);
        case 'X':
          assertThat(payload).endsWith("Z");
          return dateTime(payload.substring(0, payload.length() - 1)).toInstant(ZoneOffset.UTC);
        case 'O': {
          int sign = Math.max(payload.lastIndexOf('+'), payload.lastIndexOf('-'));
          String offset = payload.substring(sign + 1);
          int seconds = Integer.parseInt(offset.substring(0, 2)) * 3600
              + Integer.parseInt(offset.substring(2, 4)) * 60
              + (offset.length() == 6 ? Integer.parseInt(offset.substring(4)) : 0);
          return OffsetDateTime.of(dateTime(payload.substring(0, sign)),
              ZoneOffset.ofTotalSeconds(payload.charAt(sign) == '-' ? -seconds : seconds));
        }
        case 'J': {
          String value = payload.substring(1);
          switch (payload.charAt(0)) {
            case 'd':
              return new java.util.Date(Long.parseLong(value));
            case 's':
              return new java.sql.Date(Long.parseLong(value));
            default: {
              assertThat(payload.charAt(0)).isEqualTo('t');
              int dot = value.indexOf('.');
              assertThat(value.length() - dot).isEqualTo(10);
              return timestamp(Long.parseLong(value.substring(0, dot)) * 1000,
                  Integer.parseInt(value.substring(dot + 1)));
            }
          }
        }
        case 'E': {
          int dot = payload.lastIndexOf('.');
          try {
            return enumConstant(Class.forName(unescape(payload.substring(0, dot))),
                unescape(payload.substring(dot + 1)));
          } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
          }
        }
        case 'Y':
          return HexFormat.of().parseHex(payload);
        default:
          throw new AssertionError("no id tag '" + tag + "' in " + text);
      }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object enumConstant(Class<?> type, String name) {
      return Enum.valueOf((Class) type, name);
    }

    /** {@code [-]yyyy-MM-dd}, the year of four or more digits. */
    private static LocalDate date(String text) {
      boolean negative = text.startsWith("-");
      String[] parts = (negative ? text.substring(1) : text).split("-", -1);
      assertThat(parts).hasSize(3);
      int year = Integer.parseInt(parts[0]);
      return LocalDate.of(negative ? -year : year, Integer.parseInt(parts[1]),
          Integer.parseInt(parts[2]));
    }

    /** A date, {@code T}, {@code HHmmss}, then {@code .} and 1 to 9 digits if not whole. */
    private static LocalDateTime dateTime(String text) {
      int t = text.indexOf('T');
      String time = text.substring(t + 1);
      int nanos = 0;
      int dot = time.indexOf('.');
      if (dot >= 0) {
        String fraction = time.substring(dot + 1);
        assertThat(fraction).doesNotEndWith("0").hasSizeBetween(1, 9);
        nanos = Integer.parseInt((fraction + "00000000").substring(0, 9));
        time = time.substring(0, dot);
      }
      assertThat(time).hasSize(6);
      return LocalDateTime.of(date(text.substring(0, t)), LocalTime.of(
          Integer.parseInt(time.substring(0, 2)), Integer.parseInt(time.substring(2, 4)),
          Integer.parseInt(time.substring(4)), nanos));
    }

    /** Percent-decoding to bytes, then WTF-8. */
    private static String unescape(String escaped) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      for (int i = 0; i < escaped.length(); i++) {
        char c = escaped.charAt(i);
        assertThat(c).isBetween('!', '~');
        if (c == '%') {
          bytes.write(Integer.parseInt(escaped.substring(i + 1, i + 3), 16));
          i += 2;
        } else {
          bytes.write(c);
        }
      }
      byte[] b = bytes.toByteArray();
      return Wtf8.decode(b, 0, b.length);
    }
  }
}
