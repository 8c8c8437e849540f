package dev.ringcache.hibernate.checker;

import dev.ringcache.hibernate.checker.History.Outcome;
import dev.ringcache.hibernate.checker.History.Read;
import dev.ringcache.hibernate.checker.History.Write;
import dev.ringcache.hibernate.checker.Violation.Kind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Checks a {@link History} register by register, as Infinispan's {@code CorrectnessTestCase}
 * does (PROTOCOL-NOTES.md §7.2). A read R may return the value of a write W when
 *
 * <ul>
 *   <li>W committed, or is indeterminate (its commit threw), and began before R completed; and
 *   <li>no committed write lies entirely between them: none began after W completed and completed
 *       before R began.
 * </ul>
 *
 * <p>That allows any committed write overlapping R, and the latest committed writes completed
 * before R began with whatever overlaps them. An indeterminate write is taken to complete never:
 * it can justify a read, but never makes another value stale. Everything else is a {@link
 * Violation}: {@link Kind#STALE} for a committed value with a newer committed write in between,
 * {@link Kind#DIRTY} for the value of a write that rolled back or failed, {@link Kind#IMPOSSIBLE}
 * for a value never written, or written only after the read had completed. This is a necessary
 * condition of per-register linearizability; each read costs a binary search.
 *
 * <p>Thread-safe (stateless).
 */
final class RegisterChecker {
  private RegisterChecker() {}

  /** Every violation of {@code history}, by register, then by the read's invoke stamp. */
  static List<Violation> check(History history) {
    Map<String, List<Write>> writes = new HashMap<>();
    for (Write w : history.writes()) {
      writes.computeIfAbsent(w.register(), r -> new ArrayList<>()).add(w);
    }
    Map<String, List<Read>> reads = new HashMap<>();
    for (Read r : history.reads()) {
      reads.computeIfAbsent(r.register(), k -> new ArrayList<>()).add(r);
    }
    List<Violation> violations = new ArrayList<>();
    reads.keySet().stream().sorted().forEach(register -> {
      Register checked = new Register(writes.getOrDefault(register, List.of()));
      reads.get(register).stream().sorted(Comparator.comparingLong(Read::invoke))
          .map(checked::check).filter(v -> v != null).forEach(violations::add);
    });
    return violations;
  }

  /** The writes of one register, indexed for the check of its reads. */
  private static final class Register {
    private final Map<String, Write> byValue = new HashMap<>();
    /** The committed writes by complete stamp. */
    private final Write[] committed;
    /** For each prefix of {@link #committed}: the write of the latest invoke stamp in it. */
    private final Write[] latestInvoked;

    Register(List<Write> writes) {
      for (Write w : writes) {
        Write before = byValue.put(w.value(), w);
        if (before != null) {
          throw new IllegalArgumentException("two writes of one value: " + before + ", " + w);
        }
      }
      committed = writes.stream().filter(w -> w.outcome() == Outcome.COMMITTED)
          .sorted(Comparator.comparingLong(Write::complete)).toArray(Write[]::new);
      latestInvoked = new Write[committed.length];
      for (int i = 0; i < committed.length; i++) {
        Write w = committed[i];
        latestInvoked[i] = i > 0 && latestInvoked[i - 1].invoke() > w.invoke()
            ? latestInvoked[i - 1] : w;
      }
    }

    @Nullable Violation check(Read read) {
      Write source = read.value() == null ? null : byValue.get(read.value());
      if (source == null) {
        return new Violation(Kind.IMPOSSIBLE, read, null, null);
      }
      switch (source.outcome()) {
        case ROLLED_BACK, FAILED -> {
          return new Violation(Kind.DIRTY, read, source, null);
        }
        case COMMITTED, INDETERMINATE -> {
          if (source.invoke() > read.complete()) {
            return new Violation(Kind.IMPOSSIBLE, read, source, null);
          }
          if (source.outcome() == Outcome.INDETERMINATE) {
            return null;
          }
          Write newer = latestInvokedBefore(read.invoke());
          return newer != null && newer.invoke() > source.complete()
              ? new Violation(Kind.STALE, read, source, newer) : null;
        }
      }
      throw new AssertionError(source.outcome());
    }

    /** Of the committed writes that completed before {@code stamp}, the one invoked last. */
    private @Nullable Write latestInvokedBefore(long stamp) {
      int low = 0;
      int high = committed.length; // committed[i].complete() < stamp for every i < low
      while (low < high) {
        int mid = (low + high) >>> 1;
        if (committed[mid].complete() < stamp) {
          low = mid + 1;
        } else {
          high = mid;
        }
      }
      return low == 0 ? null : latestInvoked[low - 1];
    }
  }
}
