package dev.ringcache.hibernate.checker;

import dev.ringcache.hibernate.checker.History.Read;
import dev.ringcache.hibernate.checker.History.Write;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A read that returned a value it was not allowed to return, with the writes that prove it: {@code
 * source} wrote the value read (null if no write ever did); for {@link Kind#STALE}, {@code newer}
 * is a committed write that began after {@code source} completed and completed before the read
 * began.
 *
 * <p>Immutable and thread-safe.
 */
record Violation(Kind kind, Read read, @Nullable Write source, @Nullable Write newer) {

  /** What was wrong with the value read. */
  enum Kind {
    /** An older committed value: a newer committed write lies entirely between it and the read. */
    STALE,
    /** The value of a write that rolled back or failed. */
    DIRTY,
    /** A value never written, or written only after the read had completed. */
    IMPOSSIBLE
  }

  Violation {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(read, "read");
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder().append(kind).append(": ").append(read);
    if (source != null) {
      text.append("; the value's ").append(source);
    }
    if (newer != null) {
      text.append("; but ").append(newer).append(" lies entirely between");
    }
    return text.toString();
  }
}
