package dev.ringcache.api;

import dev.ringcache.api.spi.EntryProtocol;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a writer releases its lock on a key after its transaction completed: what happened, and the
 * value to write through if it may. Made by one of the four factories, one per case.
 *
 * <p>Immutable and thread-safe. The value array is not copied: do not change it.
 */
public final class Unlock {
  private final String lockId;
  private final boolean committed;
  private final boolean delete;
  private final byte @Nullable [] value;
  private final long version;

  private Unlock(String lockId, boolean committed, boolean delete, byte @Nullable [] value,
      long version) {
    this.lockId = EntryProtocol.checkId("lockId", lockId);
    this.committed = committed;
    this.delete = delete;
    this.value = value;
    this.version = version;
  }

  /** Committed an update, and the new value may be written through if no one else wrote. */
  public static Unlock committedValue(String lockId, byte[] value, long version) {
    return new Unlock(lockId, true, false, Objects.requireNonNull(value, "value"), version);
  }

  /** Committed an update, invalidate only (non-strict access, or the value is not at hand). */
  public static Unlock committedInvalidate(String lockId, long version) {
    return new Unlock(lockId, true, false, null, version);
  }

  /** Committed a delete. */
  public static Unlock committedDelete(String lockId) {
    return new Unlock(lockId, true, true, null, Lookup.NO_VERSION);
  }

  /** Rolled back (or failed): nothing was written; leave a tombstone where we locked. */
  public static Unlock rolledBack(String lockId) {
    return new Unlock(lockId, false, false, null, Lookup.NO_VERSION);
  }

  public String lockId() {
    return lockId;
  }

  public boolean committed() {
    return committed;
  }

  public boolean delete() {
    return delete;
  }

  /** The value to write through, or null if this unlock only invalidates. */
  public byte @Nullable [] value() {
    return value;
  }

  /** The committed version, or {@link Lookup#NO_VERSION}. */
  public long version() {
    return version;
  }

  @Override
  public String toString() {
    String what = !committed ? "rolledBack" : delete ? "committedDelete"
        : value != null ? "committedValue" : "committedInvalidate";
    return what + "(" + lockId + (version == Lookup.NO_VERSION ? "" : ", version " + version) + ")";
  }
}
