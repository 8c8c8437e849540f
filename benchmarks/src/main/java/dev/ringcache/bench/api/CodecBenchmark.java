package dev.ringcache.bench.api;

import dev.ringcache.api.ValueCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of turning a cached entity state into the bytes of an entry and back, for ringcache's
 * {@link ValueCodec} and for Java serialization ({@code ObjectOutputStream} / {@code
 * ObjectInputStream}, what a cache that stores {@code Serializable} values does), side by side in
 * one JMH run:
 *
 * <ul>
 *   <li>{@code ringcacheEncode}, {@code javaEncode}: the state to bytes (ringcache's with its
 *       envelope: format byte and mapping fingerprint);
 *   <li>{@code ringcacheDecode}, {@code javaDecode}: the bytes to a state;
 *   <li>{@code ringcacheRoundTrip}, {@code javaRoundTrip}: both, as a put followed by a get.
 * </ul>
 *
 * <p>The state is what Hibernate disassembles a customer entity to: {@code Object[]{123456L, "Anna
 * Example", "anna@example.com", 1234.50, a LocalDateTime, 7 (version), an enum, true, a LocalDate,
 * null}}. The bytes per entry are deterministic, so {@link #setUp()} prints them to stderr and
 * fails unless ringcache's entry is at most half of Java serialization's and both round-trip to an
 * equal state.
 *
 * <p>Run it from the project root after {@code mvn -B -pl benchmarks -am package -DskipTests}:
 *
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar CodecBenchmark -prof gc
 * }</pre>
 *
 * <p>JMH gives each thread its own instance.
 *
 * <p>Not thread-safe.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {
  private static final long FINGERPRINT = 0x5EED_F00D_CAFE_BEEFL;

  /** The customer's status: an enum in the state, as Hibernate keeps an enum attribute. */
  public enum Status { ACTIVE, SUSPENDED }

  // All set by setUp(), which JMH runs before any benchmark method.
  private ValueCodec codec;
  private Object[] state;
  private byte[] ringcacheEntry;
  private byte[] javaEntry;

  /** The state, both encodings of it, and the checks of their sizes and round trips. */
  @Setup
  public void setUp() {
    codec = ValueCodec.builder().build();
    state = new Object[] {123456L, "Anna Example", "anna@example.com", new BigDecimal("1234.50"),
        LocalDateTime.of(2024, 3, 1, 10, 15, 30), 7, Status.ACTIVE, Boolean.TRUE,
        LocalDate.of(1990, 5, 17), null};
    ringcacheEntry = ringcacheEncode();
    javaEntry = javaEncode();
    checkRoundTrip("ValueCodec", ringcacheDecode());
    checkRoundTrip("Java serialization", javaDecode());
    System.err.printf("%nCodecBenchmark: bytes per entry: ValueCodec %d, Java serialization %d"
            + " (%.2f of it)%n", ringcacheEntry.length, javaEntry.length,
        (double) ringcacheEntry.length / javaEntry.length);
    if (2 * ringcacheEntry.length > javaEntry.length) {
      throw new IllegalStateException("a ValueCodec entry (" + ringcacheEntry.length
          + " bytes) is more than half of Java serialization's (" + javaEntry.length + ")");
    }
  }

  /** The state to an entry with {@link ValueCodec}. */
  @Benchmark
  public byte[] ringcacheEncode() {
    return codec.encode(FINGERPRINT, state);
  }

  /** An entry to the state with {@link ValueCodec}. */
  @Benchmark
  public @Nullable Object ringcacheDecode() {
    return codec.decode(ringcacheEntry, FINGERPRINT).value();
  }

  /** Encode, then decode, with {@link ValueCodec}. */
  @Benchmark
  public @Nullable Object ringcacheRoundTrip() {
    return codec.decode(codec.encode(FINGERPRINT, state), FINGERPRINT).value();
  }

  /** The state to bytes with {@code ObjectOutputStream}. */
  @Benchmark
  public byte[] javaEncode() {
    return serialize(state);
  }

  /** Bytes to the state with {@code ObjectInputStream}. */
  @Benchmark
  public Object javaDecode() {
    return deserialize(javaEntry);
  }

  /** Serialize, then deserialize. */
  @Benchmark
  public Object javaRoundTrip() {
    return deserialize(serialize(state));
  }

  private static byte[] serialize(Object value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static Object deserialize(byte[] bytes) {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      return in.readObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }

  private void checkRoundTrip(String codecName, @Nullable Object decoded) {
    if (!(decoded instanceof Object[] array) || !Arrays.equals(array, state)) {
      throw new IllegalStateException(codecName + " did not round-trip the state: "
          + Arrays.deepToString(state) + " came back as " + decoded);
    }
  }
}
