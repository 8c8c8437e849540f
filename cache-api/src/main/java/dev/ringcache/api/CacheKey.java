package dev.ringcache.api;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The key of one cached item: the application's namespace (two applications that share nodes never
 * collide), the region, the tenant (none: null), the type (entity name, collection role or
 * natural-id owner) and the id, in a canonical form that is the same in every JVM.
 *
 * <p>The canonical form is text of printable ASCII without space (bytes 0x21 to 0x7E), readable in
 * {@code redis-cli}:
 *
 * <pre>{@code
 * <namespace>:<region>:<tenant>:<type>#<id>
 * shop:com.example.Order:-:com.example.Order#L42
 * shop:orders:acme:com.example.OrderLine#(L42,I3)
 * }</pre>
 *
 * <p>The names are <em>escaped</em>: each byte of their UTF-8 that is outside 0x21 to 0x7E, or is
 * one of {@code % : # , ( )}, is written {@code %XX} (uppercase hex), so a name never produces a
 * separator. (Strings with unpaired surrogates are encoded as WTF-8: each unpaired surrogate as
 * the three bytes of its code unit.) No tenant is written {@code -}; a tenant that is the text
 * {@code -} is written {@code %2D}.
 *
 * <p>The id is written with a tag that names its type, so that ids of different types never
 * collide ({@code 1L}, {@code 1}, {@code "1"}):
 *
 * <table>
 *   <caption>Id encodings</caption>
 *   <tr><th>id</th><th>text</th><th>example</th></tr>
 *   <tr><td>String</td><td>{@code S} escaped text</td><td>{@code Sanna@example.com}</td></tr>
 *   <tr><td>Long, Integer, Short, Byte</td><td>{@code L}, {@code I}, {@code H}, {@code B}
 *       decimal</td><td>{@code L-42}</td></tr>
 *   <tr><td>Character</td><td>{@code C} escaped character</td><td>{@code C%3A} (':')</td></tr>
 *   <tr><td>Boolean</td><td>{@code Ztrue}, {@code Zfalse}</td><td></td></tr>
 *   <tr><td>BigInteger</td><td>{@code G} decimal</td><td>{@code G-12345678901234567890}</td></tr>
 *   <tr><td>BigDecimal</td><td>{@code N} unscaled value {@code e} scale (1.0 and 1.00
 *       differ)</td><td>{@code N123450e2} (1234.50)</td></tr>
 *   <tr><td>UUID</td><td>{@code U} lowercase 8-4-4-4-12 hex</td>
 *       <td>{@code U123e4567-e89b-12d3-a456-426614174000}</td></tr>
 *   <tr><td>LocalDate</td><td>{@code D} yyyy-MM-dd</td><td>{@code D2024-03-01}</td></tr>
 *   <tr><td>LocalDateTime</td><td>{@code T} date {@code T} HHmmss, then {@code .} and the
 *       fraction of a second without trailing zeros if not zero</td>
 *       <td>{@code T2024-03-01T101530.25}</td></tr>
 *   <tr><td>Instant</td><td>{@code X} UTC date and time as above, then {@code Z}</td>
 *       <td>{@code X2024-03-01T101530Z}</td></tr>
 *   <tr><td>OffsetDateTime</td><td>{@code O} local date and time as above, then the offset
 *       {@code ±HHMM} (and {@code SS} if not zero)</td>
 *       <td>{@code O2024-03-01T101530+0100}</td></tr>
 *   <tr><td>java.util.Date, java.sql.Date</td><td>{@code Jd}, {@code Js} epoch millis</td>
 *       <td>{@code Jd1709287530000}</td></tr>
 *   <tr><td>java.sql.Timestamp</td><td>{@code Jt} epoch seconds (floor) {@code .} nine digits of
 *       nanos</td><td>{@code Jt1709287530.123456789}</td></tr>
 *   <tr><td>enum</td><td>{@code E} escaped class name {@code .} escaped constant name (with
 *       {@code .} escaped too)</td><td>{@code Ecom.example.Status.ACTIVE}</td></tr>
 *   <tr><td>byte[]</td><td>{@code Y} lowercase hex</td><td>{@code Y00ff}</td></tr>
 *   <tr><td>Object[] (composite)</td><td>{@code (} parts separated by {@code ,} {@code )}; a null
 *       part is {@code -}</td><td>{@code (L42,Sx,(I1,-))}</td></tr>
 * </table>
 *
 * <p>Years have at least four digits and a sign only when negative. Classes are matched exactly (a
 * subclass of {@code BigDecimal} is not supported; {@code java.sql.Date} is not {@code
 * java.util.Date}). Composite ids nest at most 32 deep. The id text never contains {@code :} or
 * {@code #}.
 *
 * <p><b>This encoding is a persistent contract</b>, pinned by golden values in the tests: a change
 * makes every cached entry unreachable.
 *
 * <p>A key longer than a node accepts is stored there under a digest form; that, and checking on
 * every read that the entry belongs to the key, is {@link ShardedCache}'s business.
 *
 * <p>Immutable and thread-safe.
 */
public final class CacheKey {
  private final String namespace;
  private final String region;
  private final @Nullable String tenant;
  private final String type;
  private final byte[] bytes;
  private final int hash;

  private CacheKey(
      String namespace, String region, @Nullable String tenant, String type, byte[] bytes) {
    this.namespace = namespace;
    this.region = region;
    this.tenant = tenant;
    this.type = type;
    this.bytes = bytes;
    this.hash = Arrays.hashCode(bytes);
  }

  /**
   * The key of the item {@code id} of {@code type} in {@code region}. An {@link
   * IllegalArgumentException} names what is wrong: an empty name, an empty (rather than null)
   * tenant, or an id of a type this class does not support (see the class javadoc).
   *
   * @param namespace the application's namespace; not empty
   * @param region the region's name; not empty
   * @param tenant the tenant, or null for none; not empty
   * @param type the entity name, collection role or natural-id owner; not empty
   * @param id the id, of a type listed in the class javadoc; a composite id as {@code Object[]}
   */
  public static CacheKey of(
      String namespace, String region, @Nullable String tenant, String type, Object id) {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(id, "id");
    checkNotEmpty("namespace", namespace);
    checkNotEmpty("region", region);
    checkNotEmpty("type", type);
    if (tenant != null && tenant.isEmpty()) {
      throw new IllegalArgumentException(
          "tenant must be null (no tenant) or not empty, was '' (region '" + region + "')");
    }
    StringBuilder text = new StringBuilder(64);
    KeyText.appendEscaped(text, namespace);
    KeyText.appendEscaped(text.append(':'), region);
    text.append(':');
    if (tenant == null) {
      text.append('-');
    } else if (tenant.equals("-")) {
      text.append("%2D");
    } else {
      KeyText.appendEscaped(text, tenant);
    }
    KeyText.appendEscaped(text.append(':'), type);
    try {
      KeyText.appendId(text.append('#'), id, 0);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          e.getMessage() + " (region '" + region + "', type '" + type + "')", e);
    }
    return new CacheKey(namespace, region, tenant, type, text.toString().getBytes(US_ASCII));
  }

  /**
   * The first bytes of every key of {@code namespace}: its escaped name and {@code :}. For
   * {@link ShardedCache#usage}.
   */
  public static byte[] prefix(String namespace) {
    Objects.requireNonNull(namespace, "namespace");
    checkNotEmpty("namespace", namespace);
    StringBuilder text = new StringBuilder(32);
    KeyText.appendEscaped(text, namespace);
    return text.append(':').toString().getBytes(US_ASCII);
  }

  /** The first bytes of every key of {@code region} in {@code namespace}. */
  public static byte[] prefix(String namespace, String region) {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(region, "region");
    checkNotEmpty("namespace", namespace);
    checkNotEmpty("region", region);
    StringBuilder text = new StringBuilder(64);
    KeyText.appendEscaped(text, namespace);
    KeyText.appendEscaped(text.append(':'), region);
    return text.append(':').toString().getBytes(US_ASCII);
  }

  private static void checkNotEmpty(String what, String value) {
    if (value.isEmpty()) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
  }

  /** The application's namespace. */
  public String namespace() {
    return namespace;
  }

  /** The region's name. */
  public String region() {
    return region;
  }

  /** The tenant, or null for none. */
  public @Nullable String tenant() {
    return tenant;
  }

  /** The entity name, collection role or natural-id owner. */
  public String type() {
    return type;
  }

  /** The canonical bytes (a copy: the caller owns it). */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** The number of canonical bytes. */
  public int length() {
    return bytes.length;
  }

  /** Equal keys have equal canonical bytes. */
  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof CacheKey that && hash == that.hash && Arrays.equals(bytes, that.bytes);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  /** The canonical form as text. */
  @Override
  public String toString() {
    return new String(bytes, US_ASCII);
  }
}
