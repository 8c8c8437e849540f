package dev.ringcache.api;

import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a protocol read ({@code getOrLease}) found under a key: a committed value, a lock, a lease
 * granted to this reader, or nothing it may use.
 *
 * <ul>
 *   <li>{@link Kind#HIT}: a committed value and its version ({@link #NO_VERSION} if unversioned).
 *   <li>{@link Kind#LOCKED}: a writer holds the key; read the database and do not put.
 *   <li>{@link Kind#LEASED}: a miss, and this reader won the right to put what it loads, with
 *       {@link #leaseToken()}.
 *   <li>{@link Kind#MISS}: a miss without a lease (another reader holds it, or none was asked).
 * </ul>
 *
 * <p>Immutable and thread-safe. The value array is not copied: do not change it.
 */
public final class Lookup {
  /** The version of an unversioned value. */
  public static final long NO_VERSION = Long.MIN_VALUE;

  private static final Lookup LOCKED = new Lookup(Kind.LOCKED, null, NO_VERSION, null);
  private static final Lookup MISS = new Lookup(Kind.MISS, null, NO_VERSION, null);

  /** The four outcomes of a protocol read. */
  public enum Kind {
    HIT,
    LOCKED,
    LEASED,
    MISS
  }

  private final Kind kind;
  private final byte @Nullable [] value;
  private final long version;
  private final @Nullable String leaseToken;

  private Lookup(Kind kind, byte @Nullable [] value, long version, @Nullable String leaseToken) {
    this.kind = kind;
    this.value = value;
    this.version = version;
    this.leaseToken = leaseToken;
  }

  public static Lookup hit(byte[] value, long version) {
    return new Lookup(Kind.HIT, Objects.requireNonNull(value, "value"), version, null);
  }

  public static Lookup locked() {
    return LOCKED;
  }

  public static Lookup leased(String leaseToken) {
    return new Lookup(Kind.LEASED, null, NO_VERSION,
        Objects.requireNonNull(leaseToken, "leaseToken"));
  }

  public static Lookup miss() {
    return MISS;
  }

  public Kind kind() {
    return kind;
  }

  public boolean isHit() {
    return kind == Kind.HIT;
  }

  /** The value of a {@link Kind#HIT}; fails for the other kinds. */
  public byte[] value() {
    if (value == null) {
      throw new IllegalStateException("a " + kind + " has no value");
    }
    return value;
  }

  /** The version of a {@link Kind#HIT}, or {@link #NO_VERSION}. */
  public long version() {
    return version;
  }

  /** The lease token of a {@link Kind#LEASED}; fails for the other kinds. */
  public String leaseToken() {
    if (leaseToken == null) {
      throw new IllegalStateException("a " + kind + " has no lease token");
    }
    return leaseToken;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Lookup that && kind == that.kind && version == that.version
        && Arrays.equals(value, that.value)
        && Objects.equals(leaseToken, that.leaseToken);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, version, Arrays.hashCode(value), leaseToken);
  }

  @Override
  public String toString() {
    switch (kind) {
      case HIT:
        return "HIT(" + Objects.requireNonNull(value).length + " bytes"
            + (version == NO_VERSION ? "" : ", version " + version) + ")";
      case LEASED:
        return "LEASED(" + leaseToken + ")";
      default:
        return kind.name();
    }
  }
}
