package dev.ringcache.bench.hibernate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Keeps the database on the CPUs of a pinned run. A run started under {@code taskset} keeps the
 * JVM and the servers it starts (which inherit its CPUs) on those CPUs; the PostgreSQL backend
 * that serves it is a child of the system's postmaster and would run anywhere. On a virtual
 * machine a round trip between two CPUs costs several times one on the same CPU (a halted vCPU
 * must be woken), so a run where Redis shares the client's CPU and PostgreSQL does not would
 * compare placements, not caches. {@link #pin} moves the backend onto the JVM's CPUs.
 *
 * <p>The JIT compiler is the exception ({@link #freeCompilerThreads}): compiling Hibernate's code
 * is background work that is over before the measurement, and sharing the one CPU with the
 * benchmark it would take longer than the warm-up.
 *
 * <p>Immutable and thread-safe (static methods only).
 */
final class SameCpus {
  private SameCpus() {}

  /** The CPUs this JVM may run on ({@code 1}, {@code 0-1}), or null if it may run on all. */
  static @Nullable String ofThisJvm() {
    try {
      String online = Files.readString(Path.of("/sys/devices/system/cpu/online"),
          StandardCharsets.US_ASCII).trim();
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Cpus_allowed_list:")) {
          String allowed = line.substring(line.indexOf(':') + 1).trim();
          return allowed.equals(online) ? null : allowed;
        }
      }
      return null;
    } catch (IOException e) {
      return null; // not Linux: nothing is pinned
    }
  }

  /** In a pinned JVM, lets its JIT compiler threads run on every CPU. */
  static void freeCompilerThreads() {
    if (ofThisJvm() == null) {
      return;
    }
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      String all = Files.readString(Path.of("/sys/devices/system/cpu/online"),
          StandardCharsets.US_ASCII).trim();
      for (Path task : tasks.toList()) {
        String name = Files.readString(task.resolve("comm"), StandardCharsets.UTF_8).trim();
        if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
          pin(Long.parseLong(task.getFileName().toString()), all);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not list this JVM's threads", e);
    }
  }

  /**
   * Moves process (or thread) {@code pid} onto {@code cpus} ({@code taskset -p -c}); fails if it
   * cannot.
   */
  static void pin(long pid, String cpus) {
    try {
      Process taskset = new ProcessBuilder("taskset", "-p", "-c", cpus, Long.toString(pid))
          .redirectErrorStream(true).start();
      String output = new String(taskset.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!taskset.waitFor(10, TimeUnit.SECONDS) || taskset.exitValue() != 0) {
        throw new IllegalStateException("could not move process " + pid + " onto CPUs " + cpus
            + ": " + output.trim());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("taskset failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while pinning process " + pid, e);
    }
  }
}
