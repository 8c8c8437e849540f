package dev.ringcache.api.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Freezes and thaws a local process with SIGSTOP and SIGCONT, which the JDK cannot send (it has
 * only SIGTERM and SIGKILL), and waits until the process is in the state asked for. Thread-safe.
 */
final class ProcessSignals {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private ProcessSignals() {}

  /** Sends SIGSTOP and returns once every thread of {@code process} is stopped. */
  static void stop(ProcessHandle process) {
    send(process, "STOP");
    awaitStopped(process, true);
  }

  /** Sends SIGCONT and returns once {@code process} runs again. */
  static void resume(ProcessHandle process) {
    send(process, "CONT");
    awaitStopped(process, false);
  }

  private static void send(ProcessHandle process, String signal) {
    String command = "kill -s " + signal + " " + process.pid();
    try {
      Process kill = new ProcessBuilder("/bin/sh", "-c", command).redirectErrorStream(true)
          .start();
      if (!kill.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        kill.destroyForcibly();
        throw new IllegalStateException(command + " hangs");
      }
      if (kill.exitValue() != 0) {
        throw new IllegalStateException(command + " failed: "
            + new String(kill.getInputStream().readAllBytes(), UTF_8).trim());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command, e);
    }
  }

  /**
   * Waits until every thread is stopped, or until not all are: a signal arrives asynchronously,
   * and a thread still running could answer a request after pause() returned. Without procfs
   * (macOS) there is nothing to look at, and kill(1) has to do.
   */
  private static void awaitStopped(ProcessHandle process, boolean stopped) {
    Path tasks = Path.of("/proc", Long.toString(process.pid()), "task");
    if (!Files.isDirectory(tasks)) {
      return;
    }
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (allStopped(tasks) != stopped) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("pid " + process.pid() + " is not "
            + (stopped ? "stopped" : "running") + " " + TIMEOUT.toSeconds()
            + " s after the signal");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }

  private static boolean allStopped(Path tasks) {
    try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
      for (Path thread : threads) {
        String stat = Files.readString(thread.resolve("stat"), UTF_8);
        // "tid (comm) S ...": the state follows the last parenthesis; T is stopped.
        char state = stat.charAt(stat.lastIndexOf(')') + 2);
        if (state != 'T' && state != 't') {
          return false;
        }
      }
      return true;
    } catch (NoSuchFileException e) {
      return false; // a thread (or the process) ended while we looked: look again
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
