package dev.ringcache.bench.shop;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The live progress line of a phase: elapsed time, operations per second, hit ratio, reads checked
 * and violations found. On a terminal it is one line rewritten in place twice a second; otherwise
 * (output to a file or a pipe) a plain line every five seconds.
 *
 * <p>Owned by the demo; {@link #unwatch} stops its timer thread. Thread-safe.
 */
final class Progress {
  private final PrintStream out;
  private final boolean live;
  private @Nullable ScheduledExecutorService timer;
  private @Nullable PhaseRun watched;
  private long lastCompleted;
  private long lastNanos;
  private int shownLength;

  Progress(PrintStream out, boolean live) {
    this.out = out;
    this.live = live;
  }

  /** Prints a line of its own (after the progress line, if one is shown). */
  synchronized void message(String text) {
    endLine();
    out.println(text);
    out.flush();
  }

  /** Shows the progress of {@code run}, whose workers have just started, until {@link #unwatch}. */
  synchronized void watch(PhaseRun run) {
    watched = run;
    lastCompleted = 0;
    lastNanos = run.startNanos;
    ScheduledExecutorService t = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "shop-progress");
      thread.setDaemon(true);
      return thread;
    });
    long period = live ? 500 : 5_000;
    t.scheduleAtFixedRate(this::show, period, period, TimeUnit.MILLISECONDS);
    timer = t;
  }

  /** Stops showing progress, with a last line for the whole phase. */
  void unwatch() {
    ScheduledExecutorService t;
    synchronized (this) {
      t = timer;
      timer = null;
    }
    if (t != null) {
      t.shutdownNow();
      try {
        t.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (this) {
      PhaseRun run = watched;
      if (run != null) {
        show(run, true);
        endLine();
      }
      watched = null;
    }
  }

  private synchronized void show() {
    PhaseRun run = watched;
    if (run != null) {
      show(run, false);
    }
  }

  private void show(PhaseRun run, boolean last) {
    long now = System.nanoTime();
    long completed = run.completed.sum();
    double elapsed = Math.min(now - run.startNanos, run.endNanos - run.startNanos) / 1e9;
    double rate = last ? completed / Math.max(1e-9, (now - run.startNanos) / 1e9)
        : (completed - lastCompleted) / Math.max(1e-9, (now - lastNanos) / 1e9);
    lastCompleted = completed;
    lastNanos = now;
    ConsistencyCheck.Counts c = run.check.counts();
    String line = String.format(Locale.ROOT, "%-13s %5.1f s of %.1f s%s  %,8.0f ops/s%s  "
            + "reads checked %,d: %d stale, %d dirty%s", run.name(), elapsed,
        run.duration().toMillis() / 1e3,
        now < run.warmEndNanos ? " (warm-up)" : "          ", rate,
        run.cached ? String.format(Locale.ROOT, "  hit ratio %5.1f%%", 100 * run.liveHitRatio())
            : "", c.readsChecked(), c.stale(), c.dirty(),
        c.impossible() == 0 ? "" : ", " + c.impossible() + " impossible");
    if (live) {
      out.print("\r" + line + " ".repeat(Math.max(0, shownLength - line.length())));
      shownLength = line.length();
    } else {
      out.println(line);
    }
    out.flush();
  }

  private void endLine() {
    if (live && shownLength > 0) {
      out.println();
      shownLength = 0;
    }
  }
}
