package dev.ringcache.api;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.ringcache.api.ValueCodec.Decoded;
import dev.ringcache.api.ValueCodec.MissReason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.Month;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class ValueCodecTest {
  private static final long FINGERPRINT = 0x0123456789ABCDEFL;
  private static final ValueCodec CODEC = ValueCodec.builder().build();

  enum Status { ACTIVE, SUSPENDED }

  enum Operation {
    PLUS {
      @Override
      int apply(int a, int b) {
        return a + b;
      }
    };

    abstract int apply(int a, int b);
  }

  /** A realistic entity state: what Hibernate disassembles a customer to. */
  static Object[] customerState() {
    return new Object[] {123456L, "Anna Example", "anna@example.com", new BigDecimal("1234.50"),
        LocalDateTime.of(2024, 3, 1, 10, 15, 30), 7, Status.ACTIVE, Boolean.TRUE,
        LocalDate.of(1990, 5, 17), null};
  }

  @Test
  void encode_goldenBytes_neverChange() {
    // The wire format is a promise: entries written by one release are read by the next. Never
    // edit an expected value; add a new format version instead.
    Object[] state = {42L, "Anna", new BigDecimal("12.50"), LocalDate.of(2024, 3, 1), null, true,
        Month.MARCH, Month.APRIL};
    assertThat(hex(CODEC.encode(FINGERPRINT, state))).isEqualTo(
        "c1" + "0123456789abcdef" // format 1, fingerprint
            + "1008" // Object[8]
            + "0654" // 42L
            + "0a04" + "416e6e61" // "Anna", Latin-1
            + "0d04c413" // 12.50: scale 2, unscaled 1250
            + "218eb502" // 2024-03-01: epoch day 19783
            + "00" + "02" // null, true
            + "38000f" + hex("java.time.Month".getBytes(US_ASCII)) + "05" + hex("MARCH")
            + "3801" + "05" + hex("APRIL")); // the same enum class, by reference
    assertThat(hex(CODEC.encode(1L, 7))).isEqualTo("c1" + "0000000000000001" + "050e");
    assertThat(hex(CODEC.encode(-1L, "é€\uD800"))).isEqualTo(
        "c1" + "ffffffffffffffff" + "0b08" + "c3a9" + "e282ac" + "eda080");
    assertThat(hex(CODEC.encode(0L, new Object[] {-1, Long.MIN_VALUE, 1.5d, 'x',
            UUID.fromString("00000000-0000-0001-0000-000000000002"), Instant.ofEpochSecond(-1, 5),
            new byte[] {9}, new long[] {-2, 2}})))
        .isEqualTo("c1" + "0000000000000000" + "1008"
            + "0501" + "06ffffffffffffffffff01" + "083ff8000000000000" + "0978"
            + "0f" + "0000000000000001" + "0000000000000002" + "200105"
            + "110109" + "15020304");
  }

  @Test
  void roundTrip_everySupportedType_withEdgeValues() {
    List<Object> values = supportedValues();
    for (Object value : values) {
      assertRoundTrip(value);
    }
    assertRoundTrip(values.toArray());
    assertRoundTrip(null);
    assertRoundTrip("x".repeat(100_000));
    assertRoundTrip("\u20AC".repeat(100_000));
    assertRoundTrip(new long[100_000]);
  }

  @Test
  void roundTrip_entityStates() {
    assertRoundTrip(customerState());
    assertRoundTrip(new Object[0]);
    assertRoundTrip(new Object[] {null, null});
    assertRoundTrip(new Object[] {new Object[] {1L, new Object[] {"a", Status.SUSPENDED}},
        new Object[] {Status.ACTIVE, Month.JUNE, Status.SUSPENDED, Operation.PLUS}});
    Object[] nested = {};
    for (int depth = 1; depth < ValueCodec.MAX_DEPTH; depth++) {
      nested = new Object[] {nested};
    }
    assertRoundTrip(nested); // 64 arrays deep: the limit
  }

  @Test
  void decode_otherFingerprint_isMiss() {
    byte[] entry = CODEC.encode(1L, customerState());
    Decoded decoded = CODEC.decode(entry, 2L);
    assertThat(decoded.isHit()).isFalse();
    assertThat(decoded.missReason()).isEqualTo(MissReason.FINGERPRINT_MISMATCH);
    assertThatThrownBy(decoded::value).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("FINGERPRINT_MISMATCH");
    assertThat(CODEC.decode(entry, 1L).isHit()).isTrue();
  }

  /** An enum whose static initializer fails: naming it in an entry must read as a miss. */
  enum Exploding {
    BOOM;

    static {
      explode();
    }

    private static void explode() {
      throw new IllegalStateException("this enum never initializes");
    }
  }

  @Test
  void decode_enumWhoseInitializerFails_isMiss() {
    String name = Exploding.class.getName(); // naming the class does not initialize it
    for (int i = 0; i < 2; i++) { // first ExceptionInInitializerError, then NoClassDefFoundError
      Decoded decoded = CODEC.decode(enumEntry(name, "BOOM"), FINGERPRINT);
      assertThat(decoded.isHit()).isFalse();
      assertThat(decoded.missReason()).isEqualTo(MissReason.UNKNOWN_CLASS);
    }
  }

  @Test
  void decode_everyTruncation_isMiss() {
    List<byte[]> entries = List.of(CODEC.encode(FINGERPRINT, customerState()),
        CODEC.encode(FINGERPRINT, "a string"),
        CODEC.encode(FINGERPRINT, supportedValues().toArray()));
    for (byte[] entry : entries) {
      assertThat(CODEC.decode(entry, FINGERPRINT).isHit()).isTrue();
      for (int length = 0; length < entry.length; length++) {
        Decoded decoded = CODEC.decode(Arrays.copyOf(entry, length), FINGERPRINT);
        assertThat(decoded.isHit()).as("prefix of %d bytes", length).isFalse();
      }
    }
  }

  @Test
  void decode_trailingBytes_isCorrupt() {
    byte[] entry = CODEC.encode(FINGERPRINT, customerState());
    byte[] longer = Arrays.copyOf(entry, entry.length + 1);
    assertThat(CODEC.decode(longer, FINGERPRINT).missReason())
        .isEqualTo(MissReason.CORRUPT);
  }

  @Test
  void decode_randomBytes_neverThrow() {
    ValueCodec codec = ValueCodec.builder().allowJavaSerialization(Set.of(Money.class.getName()))
        .build();
    Random random = new Random(42);
    byte[] header = Arrays.copyOf(CODEC.encode(FINGERPRINT, null), 9); // format and fingerprint
    int hits = 0;
    for (int i = 0; i < 100_000; i++) {
      byte[] noise = new byte[random.nextInt(64)];
      random.nextBytes(noise);
      assertThat(codec.decode(noise, FINGERPRINT)).isNotNull();
      // The same noise after a valid header, so that it reaches the value decoder.
      byte[] entry = Arrays.copyOf(header, header.length + noise.length);
      System.arraycopy(noise, 0, entry, header.length, noise.length);
      if (codec.decode(entry, FINGERPRINT).isHit()) {
        hits++;
      }
    }
    assertThat(hits).as("noise that happens to be a value").isLessThan(10_000);
  }

  @Test
  void decode_everySingleBitFlip_neverThrows() {
    ValueCodec codec = ValueCodec.builder().allowJavaSerialization(Set.of(Money.class.getName()))
        .build();
    Object[] state = Arrays.copyOf(supportedValues().toArray(), supportedValues().size() + 1);
    state[state.length - 1] = new Money(new BigDecimal("9.99"), "EUR");
    byte[] entry = codec.encode(FINGERPRINT, state);
    for (int i = 0; i < entry.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] flipped = entry.clone();
        flipped[i] ^= (byte) (1 << bit);
        assertThat(codec.decode(flipped, FINGERPRINT)).isNotNull();
      }
    }
  }

  @Test
  void decode_foreignFormats_areMisses() throws IOException {
    assertMiss(javaSerialized(customerState()), MissReason.FOREIGN_FORMAT);
    assertMiss("{\"id\":1,\"name\":\"Anna\"}".getBytes(UTF_8), MissReason.FOREIGN_FORMAT);
    assertMiss("Anna".getBytes(UTF_8), MissReason.FOREIGN_FORMAT);
    assertMiss(new byte[0], MissReason.FOREIGN_FORMAT);
    byte[] otherVersion = CODEC.encode(FINGERPRINT, 1L);
    otherVersion[0] = (byte) 0xC0;
    assertMiss(otherVersion, MissReason.FOREIGN_FORMAT);
    assertMiss(new byte[] {(byte) 0xC1}, MissReason.CORRUPT);
  }

  @Test
  void decode_hugeDeclaredLengths_areCorrupt_withoutAllocating() {
    // Lengths of 2^31 - 1 (and more) with a few bytes behind them.
    assertMiss(entry(0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 'a'), MissReason.CORRUPT);
    assertMiss(entry(0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x00), MissReason.CORRUPT);
    assertMiss(entry(0x15, 0xFE, 0xFF, 0xFF, 0xFF, 0x07, 0x00), MissReason.CORRUPT);
    assertMiss(entry(0x17, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0), MissReason.CORRUPT);
    assertMiss(entry(0x06, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F),
        MissReason.CORRUPT); // a varint of more than 64 bits
    assertMiss(entry(0x05, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F), MissReason.CORRUPT);
    assertMiss(entry(0x04, 0x80, 0x80, 0x04), MissReason.CORRUPT); // a Short of 2^15
    assertMiss(entry(0x18, 0x01, 0x02), MissReason.CORRUPT); // a boolean of 2
    assertMiss(entry(0x7F), MissReason.CORRUPT); // no such tag
  }

  @Test
  void decode_deepNesting_isCorrupt_withoutOverflowingTheStack() {
    byte[] payload = new byte[2 * 100_000 + 1];
    for (int i = 0; i < 100_000; i++) {
      payload[2 * i] = 0x10;
      payload[2 * i + 1] = 0x01;
    }
    assertMiss(entry(payload), MissReason.CORRUPT);
    Object[] nested = {};
    for (int depth = 0; depth < ValueCodec.MAX_DEPTH; depth++) {
      nested = new Object[] {nested};
    }
    Object[] tooDeep = nested;
    assertThatThrownBy(() -> CODEC.encode(FINGERPRINT, tooDeep))
        .isInstanceOf(CodecException.class).hasMessageContaining("nested deeper than 64");
    Object[] cycle = new Object[1];
    cycle[0] = cycle;
    assertThatThrownBy(() -> CODEC.encode(FINGERPRINT, cycle))
        .isInstanceOf(CodecException.class).hasMessageContaining("contain itself");
  }

  @Test
  void decode_enumsThisJvmLacks_areMisses_andNeverInitializeOtherClasses() {
    assertMiss(enumEntry("com.example.Missing", "ACTIVE"), MissReason.UNKNOWN_CLASS);
    assertMiss(enumEntry(Month.class.getName(), "SMARCH"), MissReason.UNKNOWN_CLASS);
    assertMiss(enumEntry("java.lang.String", "ACTIVE"), MissReason.UNKNOWN_CLASS);
    assertMiss(enumEntry(NotAnEnum.class.getName(), "ACTIVE"), MissReason.UNKNOWN_CLASS);
    assertThat(InitializationWitness.initialized).as("NotAnEnum initialized").isFalse();
    assertMiss(entry(0x38, 0x02, 0x01, 'A'), MissReason.CORRUPT); // a reference to no class
    assertThat(CODEC.decode(enumEntry(Month.class.getName(), "MAY"), FINGERPRINT).value())
        .isEqualTo(Month.MAY);
  }

  @Test
  void decode_enum_fallsBackToTheCodecsLoader_whenTheContextLoaderLacksIt() throws IOException {
    ValueCodec codec = ValueCodec.builder().build();
    byte[] entry = codec.encode(FINGERPRINT, Status.SUSPENDED);
    Thread thread = Thread.currentThread();
    ClassLoader saved = thread.getContextClassLoader();
    // Each time through another loader than the time before: remembered classes must not stand in.
    assertThat(codec.decode(entry, FINGERPRINT).value()).isEqualTo(Status.SUSPENDED);
    try (URLClassLoader empty = new URLClassLoader(new URL[0], null)) {
      thread.setContextClassLoader(empty);
      assertThat(codec.decode(entry, FINGERPRINT).value()).isEqualTo(Status.SUSPENDED);
      assertThat(codec.decode(entry, FINGERPRINT).value()).isEqualTo(Status.SUSPENDED);
      thread.setContextClassLoader(null);
      assertThat(codec.decode(entry, FINGERPRINT).value()).isEqualTo(Status.SUSPENDED);
    } finally {
      thread.setContextClassLoader(saved);
    }
    assertThat(codec.decode(entry, FINGERPRINT).value()).isEqualTo(Status.SUSPENDED);
  }

  @Test
  void decode_enum_resolvesThroughTheContextLoader_evenAfterAnotherLoaderResolvedIt()
      throws IOException {
    ValueCodec codec = ValueCodec.builder().build();
    byte[] entry = codec.encode(FINGERPRINT, Status.SUSPENDED);
    assertThat(codec.decode(entry, FINGERPRINT).value()).isSameAs(Status.SUSPENDED);
    URL testClasses = Status.class.getProtectionDomain().getCodeSource().getLocation();
    Thread thread = Thread.currentThread();
    ClassLoader saved = thread.getContextClassLoader();
    try (URLClassLoader isolated = new URLClassLoader(new URL[] {testClasses}, null)) {
      thread.setContextClassLoader(isolated);
      Object value = codec.decode(entry, FINGERPRINT).value();
      // An application's own copy of the class, as in a container with one loader per deployment.
      assertThat(value).isNotSameAs(Status.SUSPENDED).hasToString("SUSPENDED");
      assertThat(value.getClass().getClassLoader()).isSameAs(isolated);
    } finally {
      thread.setContextClassLoader(saved);
    }
    assertThat(codec.decode(entry, FINGERPRINT).value()).isSameAs(Status.SUSPENDED);
  }

  @Test
  void encode_unsupportedType_namesTheClassAndHowToAllowIt() {
    for (Object value : new Object[] {new Money(BigDecimal.ONE, "EUR"), new ArrayList<>(),
        new Object[] {1L, new StringBuilder()}, new String[] {"a", "b"}}) {
      String className = value.getClass() == Object[].class ? StringBuilder.class.getName()
          : value.getClass().getName();
      if (value instanceof String[] strings) {
        // Supported: only its elements are unsupported.
        strings[1] = null;
        assertRoundTrip(strings);
        continue;
      }
      assertThatThrownBy(() -> CODEC.encode(FINGERPRINT, value))
          .isInstanceOf(CodecException.class)
          .hasMessageContaining("cannot encode a value of " + className + ":")
          .hasMessageContaining(".allowJavaSerialization(Set.of(\"" + className + "\"))");
    }
  }

  @Test
  void encode_arrayOfUnsupportedComponent_saysWhichArraysAre() {
    for (Object value : new Object[] {new String[][] {{"a"}}, new StringBuilder[0],
        new ArrayList<?>[0], new Money[0]}) {
      assertThatThrownBy(() -> CODEC.encode(FINGERPRINT, value))
          .isInstanceOf(CodecException.class)
          .hasMessageContaining("cannot encode a value of " + value.getClass().getTypeName())
          .hasMessageContaining("arrays are encoded of primitives, of Object, of enums");
    }
    assertThatThrownBy(() -> CODEC.encode(FINGERPRINT, new Serializable[] {new Money(
            BigDecimal.ONE, "EUR")}))
        .isInstanceOf(CodecException.class).hasMessageContaining(Money.class.getName());
  }

  @Test
  void decode_typedArrayWithElementOfAnotherClass_isCorrupt() {
    // String[] ("java.lang.String", 1 element) holding a Long.
    byte[] payload = {0x19, 0x00, 0x10, 'j', 'a', 'v', 'a', '.', 'l', 'a', 'n', 'g', '.', 'S', 't',
        'r', 'i', 'n', 'g', 0x01, 0x06, 0x02};
    assertMiss(entry(payload), MissReason.CORRUPT);
    payload[payload.length - 2] = 0x0A; // the same array holding an empty String instead
    payload[payload.length - 1] = 0x00;
    assertThat(CODEC.decode(entry(payload), FINGERPRINT).value())
        .isEqualTo(new String[] {""});
    // A name that is neither a supported class nor an enum is never loaded as anything else.
    assertMiss(entry(0x19, 0x00, 0x10, 'j', 'a', 'v', 'a', '.', 'l', 'a', 'n', 'g', '.', 'T', 'h',
        'r', 'e', 'a', 'd', 0x00), MissReason.UNKNOWN_CLASS);
  }

  @Test
  void javaSerialization_ofAllowListedClass_roundTrips() {
    ValueCodec codec = ValueCodec.builder().allowJavaSerialization(Set.of(Money.class.getName()))
        .build();
    Money money = new Money(new BigDecimal("1234.50"), "EUR");
    Decoded decoded = codec.decode(codec.encode(FINGERPRINT, money), FINGERPRINT);
    assertThat(decoded.value()).isEqualTo(money);
    Object[] state = {1L, money, "x"};
    Object[] back = (Object[]) codec.decode(codec.encode(FINGERPRINT, state), FINGERPRINT).value();
    assertThat(back).containsExactly(1L, money, "x");
    assertThat(codec.javaSerializationAllowList()).containsExactly(Money.class.getName());
  }

  @Test
  void javaSerialization_ofAllowListedClassHoldingAnother_failsOnEncode() {
    ValueCodec codec = ValueCodec.builder().allowJavaSerialization(Set.of(Holder.class.getName()))
        .build();
    assertThatThrownBy(() -> codec.encode(FINGERPRINT, new Holder(new ArrayList<>())))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("java.util.ArrayList, which is not allowed");
    assertThatThrownBy(() -> codec.encode(FINGERPRINT, new Holder(new Gadget())))
        .isInstanceOf(CodecException.class).hasMessageContaining(Gadget.class.getName());
  }

  @Test
  void javaSerialization_streamWithClassNotAllowListed_isMiss_andNeverRunsItsCode() {
    ValueCodec lenient = ValueCodec.builder()
        .allowJavaSerialization(Set.of(Holder.class.getName(), Gadget.class.getName())).build();
    ValueCodec strict = ValueCodec.builder()
        .allowJavaSerialization(Set.of(Holder.class.getName())).build();
    byte[] nested = lenient.encode(FINGERPRINT, new Holder(new Gadget()));
    byte[] topLevel = lenient.encode(FINGERPRINT, new Gadget());

    Gadget.deserialized = false;
    assertThat(strict.decode(nested, FINGERPRINT).missReason())
        .isEqualTo(MissReason.DISALLOWED_CLASS);
    assertThat(strict.decode(topLevel, FINGERPRINT).missReason())
        .isEqualTo(MissReason.DISALLOWED_CLASS);
    assertThat(CODEC.decode(nested, FINGERPRINT).missReason())
        .isEqualTo(MissReason.DISALLOWED_CLASS);
    assertThat(Gadget.deserialized).as("the gadget's readObject ran").isFalse();

    // The guard is what stops it: where the gadget is allowed, its readObject does run.
    assertThat(lenient.decode(nested, FINGERPRINT).isHit()).isTrue();
    assertThat(Gadget.deserialized).isTrue();
    Gadget.deserialized = false;
  }

  @Test
  void javaSerialization_hugeArrayInTheStream_isRefusedBeforeAllocation() throws IOException {
    ValueCodec codec = ValueCodec.builder().allowJavaSerialization(Set.of(Holder.class.getName()))
        .build();
    byte[] stream = javaSerialized(new Holder(new long[] {7L}));
    // The stream ends with the array: its length (4 bytes), then its one element (8 bytes).
    int lengthAt = stream.length - 12;
    assertThat(Arrays.copyOfRange(stream, lengthAt, lengthAt + 4)).containsExactly(0, 0, 0, 1);
    stream[lengthAt] = 0x7F;
    assertMiss(serializedEntry(stream), MissReason.DISALLOWED_CLASS, codec);
  }

  @Test
  void javaSerialization_ofAllowListedClassMissingHere_isUnknownClass() throws IOException {
    byte[] stream = javaSerialized(new Money(BigDecimal.TEN, "EUR"));
    String name = Money.class.getName();
    String other = name.substring(0, name.length() - 1) + "x";
    byte[] renamed = replace(stream, name.getBytes(US_ASCII), other.getBytes(US_ASCII));
    ValueCodec codec = ValueCodec.builder().allowJavaSerialization(Set.of(other)).build();
    assertMiss(serializedEntry(renamed), MissReason.UNKNOWN_CLASS, codec);
  }

  @Test
  void builder_refusesWhatIsNotAClassName() {
    for (String bad : new String[] {"", " ", " com.example.Money", "[Lcom.example.Money;",
        "com/example/Money"}) {
      assertThatThrownBy(() -> ValueCodec.builder().allowJavaSerialization(Set.of(bad)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("binary name");
    }
  }

  @Test
  void size_ofRealisticEntityState_isAtMostHalfOfJavaSerialization() throws IOException {
    int ours = CODEC.encode(FINGERPRINT, customerState()).length;
    int java = javaSerialized(customerState()).length;
    assertThat(ours * 2).as("ours %d bytes, Java serialization %d", ours, java)
        .isLessThanOrEqualTo(java);
    // Pinned, so that a change of size is noticed: 9 of envelope, 107 of state (49 of them the
    // enum: its class name).
    assertThat(ours).isEqualTo(116);
  }

  private static List<Object> supportedValues() {
    List<Object> values = new ArrayList<>(List.of(
        true, false,
        Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0,
        Short.MIN_VALUE, Short.MAX_VALUE, (short) 0, (short) -1,
        Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1, 63, 64,
        Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L,
        Float.NaN, Float.intBitsToFloat(0x7FC0_0123), -0.0f, 0.0f, Float.MIN_VALUE,
        Float.MAX_VALUE, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, 1.5f,
        Double.NaN, Double.longBitsToDouble(0x7FF8_0000_0000_0123L), -0.0d, 0.0d,
        Double.MIN_VALUE, Double.MAX_VALUE, Double.NEGATIVE_INFINITY, 3.141592653589793d,
        'a', '\u0000', '\u00FF', '\u0100', '\uFFFF', '\uD800', '\uDC00',
        "", "a", "Anna Example", "Zoë ÿ\u0000", "€", "naïve € 😀", "😀", "\uD800", "a\uDC00b",
        "\uDBFF\uDFFF", "\uD83D", "é".repeat(300),
        BigInteger.ZERO, BigInteger.ONE.negate(), BigInteger.TWO.pow(200),
        BigInteger.TWO.pow(200).negate(), BigInteger.valueOf(Long.MIN_VALUE),
        new BigDecimal("1234.50"), new BigDecimal("1.0"), new BigDecimal("1.00"), BigDecimal.ZERO,
        new BigDecimal("-0.001"), new BigDecimal("1E+10"),
        new BigDecimal("123456789012345678901234567890.123"),
        BigDecimal.valueOf(Long.MIN_VALUE, 3), BigDecimal.valueOf(Long.MAX_VALUE, -3),
        new BigDecimal(BigInteger.TWO.pow(63), 2),
        new BigDecimal(BigInteger.ONE, Integer.MIN_VALUE),
        new BigDecimal(BigInteger.ONE, Integer.MAX_VALUE),
        new UUID(0, 0), new UUID(-1, -1), UUID.fromString("123e4567-e89b-12d3-a456-426614174000"),
        new byte[0], new byte[] {-128, 0, 127},
        new char[0], new char[] {'a', '\uD800', '\uFFFF'},
        new short[] {Short.MIN_VALUE, 0, Short.MAX_VALUE},
        new int[0], new int[] {Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE},
        new long[] {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE},
        new float[] {Float.NaN, -0.0f, 1.5f}, new double[] {Double.NaN, -0.0d, 1e300},
        new boolean[] {true, false, true},
        new String[0], new String[] {"a", null, "😀"}, new Long[] {1L, null, Long.MIN_VALUE},
        new Integer[] {7}, new BigDecimal[] {new BigDecimal("1.50")}, new UUID[] {new UUID(1, 2)},
        new LocalDate[] {LocalDate.EPOCH}, new Status[] {Status.SUSPENDED, null, Status.ACTIVE},
        new Month[] {Month.MAY}, new Operation[] {Operation.PLUS},
        new Serializable[] {1L, "x", new Object[] {2}, Status.ACTIVE, null},
        new java.util.Date[] {new java.util.Date(1), timestamp(5, 6), new java.sql.Date(7)}));
    values.addAll(List.of(
        Instant.MIN, Instant.MAX, Instant.EPOCH, Instant.ofEpochSecond(-1, 999_999_999),
        LocalDate.MIN, LocalDate.MAX, LocalDate.of(2024, 2, 29),
        LocalTime.MIN, LocalTime.MAX, LocalTime.NOON, LocalTime.of(23, 59, 59, 1),
        LocalDateTime.MIN, LocalDateTime.MAX, LocalDateTime.of(2024, 3, 1, 10, 15, 30, 123_456_789),
        OffsetDateTime.MIN, OffsetDateTime.MAX,
        OffsetDateTime.of(2024, 3, 1, 10, 15, 30, 1,
            ZoneOffset.ofHoursMinutesSeconds(-5, -30, -15)),
        OffsetTime.MIN, OffsetTime.MAX, OffsetTime.of(10, 15, 30, 5, ZoneOffset.ofHours(2)),
        ZonedDateTime.of(2024, 3, 1, 10, 15, 30, 0, ZoneId.of("Europe/Paris")),
        ZonedDateTime.of(2024, 10, 27, 2, 30, 0, 0, ZoneId.of("Europe/Paris"))
            .withEarlierOffsetAtOverlap(),
        ZonedDateTime.of(2024, 10, 27, 2, 30, 0, 0, ZoneId.of("Europe/Paris"))
            .withLaterOffsetAtOverlap(),
        ZonedDateTime.of(2024, 3, 1, 10, 15, 30, 0, ZoneOffset.ofHours(3)),
        ZonedDateTime.of(2024, 3, 1, 10, 15, 30, 0, ZoneId.of("UTC")),
        Duration.ZERO, Duration.ofSeconds(Long.MIN_VALUE), Duration.ofSeconds(Long.MAX_VALUE,
            999_999_999), Duration.ofMillis(-1),
        Period.ZERO, Period.of(-1, 2, -3), Period.of(Integer.MIN_VALUE, Integer.MAX_VALUE, 0),
        Year.of(Year.MIN_VALUE), Year.of(Year.MAX_VALUE), Year.of(2024),
        YearMonth.of(2024, 2), YearMonth.of(-3, 12),
        ZoneOffset.UTC, ZoneOffset.MIN, ZoneOffset.MAX,
        ZoneId.of("Europe/Paris"), ZoneId.of("UTC"), ZoneId.of("GMT+01:00"),
        new java.util.Date(0), new java.util.Date(-1), new java.util.Date(Long.MAX_VALUE),
        new java.sql.Date(1709251200000L), new java.sql.Time(36930000L),
        timestamp(1709287530123L, 123_456_789), timestamp(-1500L, 500_000_001),
        timestamp(0, 0),
        Status.ACTIVE, Month.DECEMBER, Operation.PLUS));
    return values;
  }

  private static void assertRoundTrip(@Nullable Object value) {
    byte[] entry = CODEC.encode(FINGERPRINT, value);
    Decoded decoded = CODEC.decode(entry, FINGERPRINT);
    assertThat(decoded.isHit()).as("hit for %s (%s)", value, decoded).isTrue();
    assertThat(decoded.missReason()).isNull();
    assertSameValue(decoded.value(), value, String.valueOf(value));
  }

  /** Same class, and equal: arrays element by element, floating point bit for bit. */
  private static void assertSameValue(@Nullable Object actual, @Nullable Object expected,
      String what) {
    if (expected == null) {
      assertThat(actual).as(what).isNull();
      return;
    }
    assertThat(actual).as(what).isNotNull();
    assertThat(actual.getClass()).as("class of %s", what).isEqualTo(expected.getClass());
    if (expected instanceof Object[] array) {
      Object[] actualArray = (Object[]) actual;
      assertThat(actualArray).as(what).hasSameSizeAs(array);
      for (int i = 0; i < array.length; i++) {
        assertSameValue(actualArray[i], array[i], what + "[" + i + "]");
      }
    } else if (expected instanceof Float f) {
      assertThat(Float.floatToRawIntBits((Float) actual)).as(what)
          .isEqualTo(Float.floatToRawIntBits(f));
    } else if (expected instanceof Double d) {
      assertThat(Double.doubleToRawLongBits((Double) actual)).as(what)
          .isEqualTo(Double.doubleToRawLongBits(d));
    } else if (expected instanceof float[] floats) {
      float[] actualFloats = (float[]) actual;
      assertThat(actualFloats).hasSameSizeAs(floats);
      for (int i = 0; i < floats.length; i++) {
        assertThat(Float.floatToRawIntBits(actualFloats[i]))
            .isEqualTo(Float.floatToRawIntBits(floats[i]));
      }
    } else if (expected instanceof double[] doubles) {
      double[] actualDoubles = (double[]) actual;
      assertThat(actualDoubles).hasSameSizeAs(doubles);
      for (int i = 0; i < doubles.length; i++) {
        assertThat(Double.doubleToRawLongBits(actualDoubles[i]))
            .isEqualTo(Double.doubleToRawLongBits(doubles[i]));
      }
    } else if (expected.getClass().isArray()) {
      assertThat(Objects.deepEquals(actual, expected)).as(what).isTrue();
    } else {
      assertThat(actual).as(what).isEqualTo(expected);
    }
  }

  private static void assertMiss(byte[] entry, MissReason reason) {
    assertMiss(entry, reason, CODEC);
  }

  private static void assertMiss(byte[] entry, MissReason reason, ValueCodec codec) {
    Decoded decoded = codec.decode(entry, FINGERPRINT);
    assertThat(decoded.isHit()).as("hit: %s", decoded).isFalse();
    assertThat(decoded.missReason()).isEqualTo(reason);
  }

  /** An entry of {@link #FINGERPRINT}, no key, and this payload. */
  private static byte[] entry(int... payload) {
    byte[] bytes = new byte[payload.length];
    for (int i = 0; i < payload.length; i++) {
      bytes[i] = (byte) payload[i];
    }
    return entry(bytes);
  }

  private static byte[] entry(byte[] payload) {
    byte[] header = CODEC.encode(FINGERPRINT, null);
    byte[] entry = Arrays.copyOf(header, header.length - 1 + payload.length);
    System.arraycopy(payload, 0, entry, header.length - 1, payload.length);
    return entry;
  }

  private static byte[] enumEntry(String className, String constant) {
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    payload.write(0x38);
    payload.write(0);
    payload.write(className.length()); // short ASCII names: a one-byte varint
    payload.writeBytes(className.getBytes(US_ASCII));
    payload.write(constant.length());
    payload.writeBytes(constant.getBytes(US_ASCII));
    return entry(payload.toByteArray());
  }

  private static byte[] serializedEntry(byte[] stream) {
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    payload.write(0x3F);
    int length = stream.length;
    while ((length & ~0x7F) != 0) {
      payload.write(length & 0x7F | 0x80);
      length >>>= 7;
    }
    payload.write(length);
    payload.writeBytes(stream);
    return entry(payload.toByteArray());
  }

  private static byte[] javaSerialized(Object value) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    return bytes.toByteArray();
  }

  private static byte[] replace(byte[] in, byte[] from, byte[] to) {
    String text = new String(in, java.nio.charset.StandardCharsets.ISO_8859_1);
    String replaced = text.replace(new String(from, java.nio.charset.StandardCharsets.ISO_8859_1),
        new String(to, java.nio.charset.StandardCharsets.ISO_8859_1));
    assertThat(replaced).isNotEqualTo(text);
    return replaced.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  private static java.sql.Timestamp timestamp(long millis, int nanos) {
    java.sql.Timestamp timestamp = new java.sql.Timestamp(millis);
    timestamp.setNanos(nanos);
    return timestamp;
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  private static String hex(String ascii) {
    return hex(ascii.getBytes(US_ASCII));
  }

  /** A serializable base class, not on any allow-list: admitted as a superclass of Money. */
  abstract static class Amount implements Serializable {
    private static final long serialVersionUID = 1L;
    final BigDecimal amount;

    Amount(BigDecimal amount) {
      this.amount = amount;
    }
  }

  static final class Money extends Amount {
    private static final long serialVersionUID = 1L;
    final String currency;

    Money(BigDecimal amount, String currency) {
      super(amount);
      this.currency = currency;
    }

    @Override
    public boolean equals(@Nullable Object other) {
      return other instanceof Money that && amount.equals(that.amount)
          && currency.equals(that.currency);
    }

    @Override
    public int hashCode() {
      return Objects.hash(amount, currency);
    }
  }

  static final class Holder implements Serializable {
    private static final long serialVersionUID = 1L;
    final Object payload;

    Holder(Object payload) {
      this.payload = payload;
    }
  }

  /** Stands for a deserialization gadget: its readObject is code that must never run. */
  static final class Gadget implements Serializable {
    private static final long serialVersionUID = 1L;
    static volatile boolean deserialized;

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      deserialized = true;
    }
  }

  static final class InitializationWitness {
    static volatile boolean initialized;
  }

  /** Never referred to but by name: its initializer must never run. */
  static final class NotAnEnum {
    static {
      InitializationWitness.initialized = true;
    }
  }
}
