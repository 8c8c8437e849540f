package dev.ringcache.api;

import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Turns a cached value (Hibernate's disassembled state: mostly an {@code Object[]} of basic values)
 * into the bytes of an entry, and back. An entry is a small envelope: a format byte, a fingerprint
 * of the mapping that produced the value (a redeploy that changes the mapping reads as a miss,
 * never as a {@code ClassCastException}), then the value in a compact binary encoding. (Whether an
 * entry belongs to its key, when keys are stored under a digest, is {@link ShardedCache}'s check.)
 *
 * <p>{@link #decode} never throws for bad input: bytes that are not an entry this codec can return
 * (corrupt, truncated, foreign, or of another mapping) read as a miss with a {@link
 * MissReason}. Java serialization is used only for the classes of an explicit allow-list, empty by
 * default, and enforced on reading with an {@link java.io.ObjectInputFilter}: everything else in a
 * serialized stream is a miss before its class is even loaded. What the filter admits besides the
 * allow-list is exactly: the primitive wrappers, {@code String}, {@code BigInteger} and {@code
 * BigDecimal}; superclasses of classes admitted in the same stream; arrays no longer than the
 * stream.
 *
 * <h2>Supported values</h2>
 *
 * null, Boolean, Byte, Short, Integer, Long, Float, Double (bit for bit: NaN payloads and -0.0),
 * Character, String (any, unpaired surrogates included), BigInteger, BigDecimal (scale kept), UUID,
 * byte[], char[], short[], int[], long[], float[], double[], boolean[], Object[] of supported
 * values (nested at most {@value #MAX_DEPTH} deep), arrays of the supported classes, of enums and
 * of {@code Serializable} ({@code String[]}, {@code Long[]}, …: Hibernate's basic array mappings),
 * enums (by class and constant name), Instant,
 * LocalDate, LocalTime, LocalDateTime, OffsetDateTime, OffsetTime, ZonedDateTime, Duration, Period,
 * Year, YearMonth, ZoneOffset, ZoneId, java.util.Date, java.sql.Date, java.sql.Time,
 * java.sql.Timestamp (nanos kept). Classes are matched exactly: a subclass of one of these is not
 * supported (but may be allow-listed for Java serialization), nor is an array of arrays other than
 * {@code Object[]}. {@code java.util} collections are not supported natively.
 *
 * <h2>Wire format, version 1 (a promise: pinned by golden values in the tests)</h2>
 *
 * <pre>
 * entry    = 0xC1  fingerprint:8 bytes, big-endian  value   (nothing follows the value)
 * varint   = unsigned, 7 bits a byte, least significant first, high bit set on all but the last
 * zz       = varint of the zig-zag encoding ((n &lt;&lt; 1) ^ (n &gt;&gt; 63)) of a signed number
 * text     = byteLength:varint, then UTF-8 (unpaired surrogates as the 3 bytes of the code unit)
 * value    = tag:1 byte, then
 *   0x00 null   0x01 false   0x02 true   0x03 Byte: 1 byte   0x04 Short: zz   0x05 Integer: zz
 *   0x06 Long: zz   0x07 Float: 4 bytes raw bits, big-endian   0x08 Double: 8 bytes raw bits
 *   0x09 Character: varint   0x0A String of chars U+0000..U+00FF: length:varint, 1 byte a char
 *   0x0B other String: text   0x0C BigInteger: length:varint, two's complement big-endian
 *   0x0D BigDecimal with a 63-bit unscaled value: scale:zz unscaled:zz
 *   0x0E other BigDecimal: scale:zz, length:varint, unscaled two's complement big-endian
 *   0x0F UUID: most, least significant 8 bytes each
 *   0x10 Object[]: count:varint, values   0x11 byte[]: count:varint, bytes
 *   0x12 char[]: count, varints   0x13 short[], 0x14 int[], 0x15 long[]: count, zz each
 *   0x16 float[], 0x17 double[]: count, 4 or 8 bytes each   0x18 boolean[]: count, 0 or 1 each
 *   0x19 array of a supported class, an enum or Serializable: classRef (as for enums; the class
 *        name is an enum's or one of the supported classes'), count:varint, values (null or of
 *        that class)
 *   0x20 Instant: epochSecond:zz nano:varint   0x21 LocalDate: epochDay:zz
 *   0x22 LocalTime: secondOfDay:varint nano:varint   0x23 LocalDateTime: epochDay:zz, time
 *   0x24 OffsetDateTime: dateTime, offsetSeconds:zz   0x25 OffsetTime: time, offsetSeconds:zz
 *   0x26 ZonedDateTime: dateTime, offsetSeconds:zz, the zone as a value (0x2B or 0x2C)
 *   0x27 Duration: seconds:zz nano:varint   0x28 Period: years:zz months:zz days:zz
 *   0x29 Year: zz   0x2A YearMonth: year:zz month:varint   0x2B ZoneOffset: totalSeconds:zz
 *   0x2C other ZoneId: id as text
 *   0x30 java.util.Date, 0x31 java.sql.Date, 0x32 java.sql.Time: epochMillis:zz
 *   0x33 java.sql.Timestamp: epochSecond (floor):zz nanos:varint
 *   0x38 enum: classRef:varint (0: the class name follows as text; n: the n-th class named earlier
 *        in this entry, by an enum or a typed array), then the constant's name as text
 *   0x3F allow-listed class: length:varint, a Java serialization stream
 * </pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class ValueCodec {
  /** The deepest nesting of arrays (and of Java serialization streams) that is written or read. */
  public static final int MAX_DEPTH = 64;

  static final String SUPPORTED_VALUES = "null, Boolean, Byte, Short, Integer, Long, Float, "
      + "Double, Character, String, BigInteger, BigDecimal, UUID, enums, java.time values, "
      + "java.util.Date, java.sql.Date/Time/Timestamp, primitive arrays, and arrays of these "
      + "(Object[], String[], …)";

  private static final Decoded[] MISSES = misses();

  private final AllowListedSerialization serialization;
  private final EnumClassCache enumClasses;

  private ValueCodec(Set<String> javaSerializable) {
    ClassLoader loader = ValueCodec.class.getClassLoader();
    ClassLoader codecLoader = loader != null ? loader : ClassLoader.getSystemClassLoader();
    this.serialization = new AllowListedSerialization(javaSerializable, codecLoader);
    this.enumClasses = new EnumClassCache(codecLoader);
  }

  /** Starts a codec; by default nothing is allowed for Java serialization. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The entry for {@code value}: a new array, owned by the caller. A {@link CodecException} if the
   * value, or anything in it, is of a type that is neither supported nor allow-listed for Java
   * serialization (the message names the class and how to allow it).
   *
   * @param fingerprint the fingerprint of the mapping that produced the value
   * @param value the value, of a supported type, or null
   */
  public byte[] encode(long fingerprint, @Nullable Object value) {
    ValueWriter writer = new ValueWriter(serialization, 128);
    writer.writeEnvelope(fingerprint);
    writer.writeValue(value, 0);
    return writer.toByteArray();
  }

  /**
   * The value of an entry, or a miss that says why there is none. Never throws for bad input: only
   * a null argument is an error. A hit requires the expected fingerprint. (That the entry belongs
   * to its key, even when the key was stored under a digest, is checked by {@link ShardedCache}.)
   *
   * @param entry bytes read from a node; not modified, not kept
   * @param expectedFingerprint the fingerprint of this JVM's mapping
   */
  public Decoded decode(byte[] entry, long expectedFingerprint) {
    Objects.requireNonNull(entry, "entry");
    if (entry.length == 0 || entry[0] != ValueTags.FORMAT_1) {
      return MISSES[MissReason.FOREIGN_FORMAT.ordinal()];
    }
    try {
      ValueReader reader = new ValueReader(entry, 1, serialization, enumClasses);
      if (reader.readFixed64() != expectedFingerprint) {
        return MISSES[MissReason.FINGERPRINT_MISMATCH.ordinal()];
      }
      Object value = reader.readValue(0);
      reader.requireEnd();
      return new Decoded(value, null);
    } catch (UnreadableEntryException e) {
      return MISSES[e.reason().ordinal()];
    } catch (RuntimeException e) {
      // A value's factory refused what the bytes say (a date out of range, an unknown zone, …).
      return MISSES[MissReason.CORRUPT.ordinal()];
    }
  }

  /** The class names allowed for Java serialization. */
  public Set<String> javaSerializationAllowList() {
    return serialization.allowed();
  }

  @Override
  public String toString() {
    return "ValueCodec[format 1, Java serialization for "
        + new TreeSet<>(serialization.allowed()) + "]";
  }

  private static Decoded[] misses() {
    MissReason[] reasons = MissReason.values();
    Decoded[] misses = new Decoded[reasons.length];
    for (MissReason reason : reasons) {
      misses[reason.ordinal()] = new Decoded(null, reason);
    }
    return misses;
  }

  /** Why {@link #decode} found no value. */
  public enum MissReason {
    /** Not an entry of this format: empty, another format version, or someone else's bytes. */
    FOREIGN_FORMAT,
    /** Truncated, with bytes to spare, or with contents no encoder of this format writes. */
    CORRUPT,
    /** Written for another mapping of the entity (a redeploy changed it). */
    FINGERPRINT_MISMATCH,
    /** A Java serialization stream that names a class not on the allow-list. */
    DISALLOWED_CLASS,
    /** An enum class or constant, or an allow-listed class, that this JVM does not have. */
    UNKNOWN_CLASS
  }

  /**
   * The outcome of {@link #decode}: a hit with its value (which may be null), or a miss with its
   * reason. The value is the caller's.
   *
   * <p>Immutable and thread-safe (the value itself may be mutable, such as an array).
   */
  public static final class Decoded {
    private final @Nullable Object value;
    private final @Nullable MissReason missReason;

    private Decoded(@Nullable Object value, @Nullable MissReason missReason) {
      this.value = value;
      this.missReason = missReason;
    }

    /** Whether the entry had a value for the caller. */
    public boolean isHit() {
      return missReason == null;
    }

    /** The value of a hit (null if null was encoded); {@link IllegalStateException} if a miss. */
    public @Nullable Object value() {
      if (missReason != null) {
        throw new IllegalStateException("no value: the entry was a miss (" + missReason + ")");
      }
      return value;
    }

    /** Why it was a miss; null for a hit. */
    public @Nullable MissReason missReason() {
      return missReason;
    }

    @Override
    public String toString() {
      return missReason == null ? "Decoded[hit]" : "Decoded[miss: " + missReason + "]";
    }
  }

  /**
   * Collects a codec's options.
   *
   * <p>Not thread-safe.
   */
  public static final class Builder {
    private final Set<String> javaSerializable = new LinkedHashSet<>();

    private Builder() {}

    /**
     * Allows values of these exact classes (by binary name, {@code Class.getName()}) to be written
     * and read with Java serialization, and everything they hold to be made of them and of the
     * primitive wrappers, {@code String}, {@code BigInteger} and {@code BigDecimal}. Adds to the
     * names given before. Deserializing a class runs its code on bytes from a node: allow only
     * classes that are safe for that.
     */
    public Builder allowJavaSerialization(Set<String> classNames) {
      Objects.requireNonNull(classNames, "classNames");
      for (String name : classNames) {
        Objects.requireNonNull(name, "a class name in classNames");
        if (name.isBlank() || name.startsWith("[") || !name.strip().equals(name)
            || name.contains("/")) {
          throw new IllegalArgumentException("'" + name + "' is not the binary name of a class "
              + "(such as com.example.Money or com.example.Order$Line)");
        }
        javaSerializable.add(name);
      }
      return this;
    }

    /** The codec. */
    public ValueCodec build() {
      return new ValueCodec(javaSerializable);
    }
  }
}
