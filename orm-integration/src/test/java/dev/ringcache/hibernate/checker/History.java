package dev.ringcache.hibernate.checker;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a workload did: every read and write, each on a register (a row's value, or a row's tags),
 * with its invoke and complete stamps from one logical clock. A write's value is unique in the
 * whole history; the values a row starts with are writes that committed at time 0.
 *
 * <p>Immutable and thread-safe.
 */
record History(List<Write> writes, List<Read> reads) {

  /** Stamp of the writes that created the rows, before the workload started. */
  static final long SETUP = 0;
  /** The {@code factory} and {@code thread} of the writes that created the rows. */
  static final int NO_THREAD = -1;

  History {
    writes = List.copyOf(writes);
    reads = List.copyOf(reads);
  }

  /** How a write ended. */
  enum Outcome {
    /** {@code commit()} returned. */
    COMMITTED,
    /** The workload rolled it back on purpose, after a flush. */
    ROLLED_BACK,
    /** It failed before the commit (an optimistic lock failure, a lock timeout) and rolled back. */
    FAILED,
    /** {@code commit()} threw: it may or may not have committed. */
    INDETERMINATE
  }

  /** A write of {@code value} to {@code register}. */
  record Write(String register, String value, Outcome outcome, long invoke, long complete,
      int factory, int thread) {
    Write {
      Objects.requireNonNull(register, "register");
      Objects.requireNonNull(value, "value");
      Objects.requireNonNull(outcome, "outcome");
    }

    static Write initial(String register, String value) {
      return new Write(register, value, Outcome.COMMITTED, SETUP, SETUP, NO_THREAD, NO_THREAD);
    }

    @Override
    public String toString() {
      return "write " + value + " " + outcome.name().toLowerCase(Locale.ROOT) + " ["
          + invoke + ".." + complete + "]" + by(factory, thread);
    }
  }

  /** A read of {@code register} that returned {@code value} (null: the row was not found). */
  record Read(String register, @Nullable String value, long invoke, long complete, int factory,
      int thread) {
    Read {
      Objects.requireNonNull(register, "register");
    }

    @Override
    public String toString() {
      return "read " + register + " -> " + value + " [" + invoke + ".." + complete + "]"
          + by(factory, thread);
    }
  }

  private static String by(int factory, int thread) {
    return factory == NO_THREAD ? " by setup" : " by sf" + factory + "/t" + thread;
  }
}
