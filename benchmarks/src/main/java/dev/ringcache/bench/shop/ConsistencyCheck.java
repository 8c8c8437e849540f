package dev.ringcache.bench.shop;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * Checks, while the workload runs, every value it reads against every value it wrote: the
 * guarantee of ringcache, "a read that starts after a transaction's {@code commit()} returned never
 * sees an older value of what it wrote; nothing from a rolled-back transaction is ever seen".
 *
 * <p>A <em>register</em> is one thing the workload reads and writes (a product's price, a stock
 * level, a customer's address, an order). Every write gives its register a value unique in the run
 * (a revision label, see the {@code model} package) and is stamped from one logical clock when it
 * begins (before its flush) and when it ends (after {@code commit()} or {@code rollback()}
 * returned). A read is stamped when it begins. A read of register R returning value v is
 *
 * <ul>
 *   <li><b>dirty</b> if v was written by a transaction that rolled back (on purpose, or after a
 *       failure such as an optimistic lock conflict);
 *   <li><b>stale</b> if v was committed, but another committed write of R began after v's commit
 *       returned and itself committed before the read began: a newer value was committed in
 *       between, so v was already overwritten when the read started;
 *   <li><b>impossible</b> if no write ever produced v (a torn or made-up value);
 *   <li>correct otherwise: the value of a write that committed (or whose commit threw, so that it
 *       may have committed), not overwritten before the read began. Of two writes that overlap,
 *       either may be the later one in the database, so either is accepted.
 * </ul>
 *
 * <p>A register starts absent (read as null) unless {@link #initial} gives it a value. A read of a
 * value whose write has not ended yet is decided when it ends: dirty if it rolls back, correct
 * otherwise (it cannot be stale, since nothing after it has committed).
 *
 * <p>Every write is kept until the check is dropped, so that a very old value read is still
 * recognized as stale. Thread-safe: each register is checked under its own lock.
 */
final class ConsistencyCheck {
  /** How a write ended. */
  enum Outcome {
    COMMITTED,
    /** Rolled back on purpose, after its flush. */
    ROLLED_BACK,
    /** Failed before its commit (an optimistic lock conflict, a lock timeout) and rolled back. */
    FAILED,
    /** {@code commit()} threw: it may or may not have committed. */
    INDETERMINATE
  }

  /** What the check found so far. Immutable and thread-safe. */
  record Counts(long readsChecked, long stale, long dirty, long impossible, long writesCommitted,
      long writesRolledBack, long writesFailed, long writesIndeterminate,
      List<String> examples) {
    Counts {
      examples = List.copyOf(examples);
    }

    long violations() {
      return stale + dirty + impossible;
    }
  }

  /** The most violations described in {@link Counts#examples()}. */
  static final int EXAMPLES = 5;
  private static final String ABSENT = "(absent)";

  private final AtomicLong clock = new AtomicLong();
  private final ConcurrentHashMap<String, Register> registers = new ConcurrentHashMap<>();
  private final LongAdder readsChecked = new LongAdder();
  private final LongAdder stale = new LongAdder();
  private final LongAdder dirty = new LongAdder();
  private final LongAdder impossible = new LongAdder();
  private final LongAdder[] writes = new LongAdder[Outcome.values().length];
  private final List<String> examples = new ArrayList<>();

  ConsistencyCheck() {
    Arrays.setAll(writes, i -> new LongAdder());
  }

  /** A stamp of the logical clock: take it just before a read. */
  long now() {
    return clock.incrementAndGet();
  }

  /** Gives {@code register} the value it has before the workload starts. */
  void initial(String register, String value) {
    Objects.requireNonNull(value, "value");
    Write write = new Write(register, value, 0);
    Register created = new Register(write);
    if (registers.putIfAbsent(register, created) != null) {
      throw new IllegalStateException("register " + register + " already has a value");
    }
  }

  /**
   * A write of {@code value} to {@code register} begins; call it before the value can reach the
   * database (before the flush), then {@link #end} when the transaction has ended.
   */
  Write begin(String register, String value) {
    Objects.requireNonNull(value, "value");
    Register r = register(register);
    Write write = new Write(register, value, now());
    synchronized (r) {
      Write before = r.byValue.putIfAbsent(value, write);
      if (before != null) {
        throw new IllegalArgumentException("two writes of one value to " + register + ": " + value);
      }
    }
    return write;
  }

  /** The transaction of {@code writes} ended with {@code outcome}. */
  void end(List<Write> ended, Outcome outcome) {
    for (Write w : ended) {
      Register r = register(w.register);
      synchronized (r) {
        if (w.outcome != null) {
          throw new IllegalStateException("ended twice: " + w);
        }
        // Stamped under the register's lock, so that a read stamped later sees the write ended.
        w.complete = now();
        w.outcome = outcome;
        if (outcome == Outcome.COMMITTED) {
          r.committed(w);
        }
        boolean rolledBack = outcome == Outcome.ROLLED_BACK || outcome == Outcome.FAILED;
        if (rolledBack && w.readsWhilePending > 0) {
          dirty.add(w.readsWhilePending);
          example("dirty: " + w.readsWhilePending + " read(s) of " + w.register + " returned "
              + w.value + " before its transaction ended; it then rolled back");
        }
      }
      writes[outcome.ordinal()].increment();
    }
  }

  /**
   * Checks a read of {@code register} that began at {@code invoke} (a stamp of {@link #now()}
   * taken just before it) and returned {@code value} (null: not found).
   */
  void read(String register, @Nullable String value, long invoke) {
    Register r = register(register);
    String key = value == null ? ABSENT : value;
    readsChecked.increment();
    synchronized (r) {
      Write source = r.byValue.get(key);
      if (source == null) {
        impossible.increment();
        example("impossible: a read of " + register + " returned " + key + ", which no write "
            + "produced");
        return;
      }
      if (source.outcome == null) {
        source.readsWhilePending++;
        return;
      }
      switch (source.outcome) {
        case ROLLED_BACK, FAILED -> {
          dirty.increment();
          example("dirty: a read of " + register + " returned " + key + ", written by a "
              + "transaction that rolled back [" + source.invoke + ".." + source.complete + "]");
        }
        case INDETERMINATE -> { }
        case COMMITTED -> {
          Write newer = r.newerThan(source, invoke);
          if (newer != null) {
            stale.increment();
            example("stale: a read of " + register + " that began at " + invoke + " returned "
                + key + " (committed at " + source.complete + "), but " + newer.value
                + " was written over it [" + newer.invoke + ".." + newer.complete + "]");
          }
        }
      }
    }
  }

  Counts counts() {
    List<String> shown;
    synchronized (examples) {
      shown = List.copyOf(examples);
    }
    return new Counts(readsChecked.sum(), stale.sum(), dirty.sum(), impossible.sum(),
        writes[Outcome.COMMITTED.ordinal()].sum(), writes[Outcome.ROLLED_BACK.ordinal()].sum(),
        writes[Outcome.FAILED.ordinal()].sum(), writes[Outcome.INDETERMINATE.ordinal()].sum(),
        shown);
  }

  private Register register(String name) {
    Register r = registers.get(name);
    return r != null ? r : registers.computeIfAbsent(name,
        n -> new Register(new Write(n, ABSENT, 0)));
  }

  private void example(String text) {
    synchronized (examples) {
      if (examples.size() < EXAMPLES) {
        examples.add(text);
      }
    }
  }

  /** One write to a register; its end is set under the register's lock. */
  static final class Write {
    final String register;
    final String value;
    final long invoke;
    long complete;
    @Nullable Outcome outcome;
    int readsWhilePending;

    Write(String register, String value, long invoke) {
      this.register = Objects.requireNonNull(register, "register");
      this.value = value;
      this.invoke = invoke;
    }

    @Override
    public String toString() {
      return register + "=" + value + " [" + invoke + ".." + (outcome == null ? "" : complete)
          + "] " + outcome;
    }
  }

  /** The writes of one register. Guarded by its own lock. */
  private static final class Register {
    final Map<String, Write> byValue = new HashMap<>();
    /** The committed writes in the order they ended (their complete stamps ascend). */
    private Write[] committed = new Write[4];
    /** For each prefix of {@link #committed}: the greatest invoke stamp in it. */
    private long[] latestInvoke = new long[4];
    private int size;

    Register(Write initial) {
      initial.complete = 0;
      initial.outcome = Outcome.COMMITTED;
      byValue.put(initial.value, initial);
      committed(initial);
    }

    void committed(Write w) {
      if (size == committed.length) {
        committed = Arrays.copyOf(committed, size * 2);
        latestInvoke = Arrays.copyOf(latestInvoke, size * 2);
      }
      committed[size] = w;
      latestInvoke[size] = size == 0 ? w.invoke : Math.max(latestInvoke[size - 1], w.invoke);
      size++;
    }

    /**
     * A committed write that began after {@code source} completed and completed before {@code
     * invoke}, or null if there is none.
     */
    @Nullable Write newerThan(Write source, long invoke) {
      int low = 0;
      int high = size; // committed[i].complete < invoke for every i < low
      while (low < high) {
        int mid = (low + high) >>> 1;
        if (committed[mid].complete < invoke) {
          low = mid + 1;
        } else {
          high = mid;
        }
      }
      if (low == 0 || latestInvoke[low - 1] <= source.complete) {
        return null;
      }
      for (int i = low - 1; i >= 0; i--) { // only when reporting a violation
        if (committed[i].invoke > source.complete) {
          return committed[i];
        }
      }
      throw new AssertionError("latestInvoke out of step");
    }
  }
}
