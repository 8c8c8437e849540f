package dev.ringcache.api.testing;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * Decides whether test servers run in containers, once per JVM. The system property
 * {@value #SETTING} says {@code true} (containers, or fail), {@code false} (local processes,
 * without asking Docker) or {@code auto} (the default: containers if Testcontainers finds a Docker
 * engine that answers within {@link #DETECTION_TIMEOUT}). Thread-safe.
 */
final class ContainerDetection {
  /** System property: {@code true}, {@code false} or {@code auto} (default). */
  static final String SETTING = "ringcache.test.containers";

  /**
   * How long to wait for Testcontainers' answer. It answers at once when no Docker socket is
   * configured, but can hang for minutes on a socket or DOCKER_HOST that accepts and never
   * answers.
   */
  static final Duration DETECTION_TIMEOUT = Duration.ofSeconds(10);

  private static final System.Logger LOG = System.getLogger(ContainerDetection.class.getName());
  private static final String PROBE_CLASS = "org.testcontainers.DockerClientFactory";

  private static @Nullable Boolean dockerAnswers; // guarded by the class
  private static boolean reported; // guarded by the class

  private ContainerDetection() {}

  /**
   * True if test servers run in containers.
   *
   * @throws IllegalStateException if {@value #SETTING} is not one of the accepted values, or is
   *     {@code true} while no Docker engine answers
   */
  static synchronized boolean useContainers() {
    String setting = System.getProperty(SETTING, "auto").trim().toLowerCase(Locale.ROOT);
    boolean use;
    switch (setting) {
      case "false":
        use = false;
        break;
      case "auto":
      case "":
        use = dockerAnswers();
        break;
      case "true":
        if (!dockerAnswers()) {
          throw new IllegalStateException("-D" + SETTING + "=true, but no Docker engine answered"
              + " Testcontainers (see its log above); set it to auto or false to run the test"
              + " servers as local processes");
        }
        use = true;
        break;
      default:
        throw new IllegalStateException("-D" + SETTING + "=" + System.getProperty(SETTING)
            + " is not understood; accepted: true, false, auto (the default)");
    }
    if (!reported) {
      reported = true;
      LOG.log(Level.INFO, use
          ? "test servers run in containers (a Docker engine answered)"
          : "test servers run as local processes (" + SETTING + "=" + setting + ")");
    }
    return use;
  }

  private static boolean dockerAnswers() {
    if (dockerAnswers == null) {
      dockerAnswers = askTestcontainers();
    }
    return dockerAnswers;
  }

  private static boolean askTestcontainers() {
    try {
      Class.forName(PROBE_CLASS, false, ContainerDetection.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      // A module that uses the test-jar without declaring Testcontainers itself.
      LOG.log(Level.INFO, "Testcontainers is not on the test class path: no containers");
      return false;
    }
    CompletableFuture<Boolean> answer = new CompletableFuture<>();
    Thread asker = new Thread(() -> {
      try {
        answer.complete(ContainerServer.dockerAvailable());
      } catch (RuntimeException | LinkageError e) {
        answer.completeExceptionally(e); // a broken class path must mean "no", not a hang
      }
    }, "docker-detection");
    asker.setDaemon(true); // a hung asker must not keep the JVM alive
    asker.start();
    try {
      return answer.get(DETECTION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      LOG.log(Level.WARNING, "no answer from Docker within {0} s: test servers run as local"
          + " processes; -D{1}=false skips this check", DETECTION_TIMEOUT.toSeconds(), SETTING);
      return false;
    } catch (ExecutionException e) {
      LOG.log(Level.WARNING, "asking Testcontainers for Docker failed: no containers", e.getCause());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while looking for a Docker engine", e);
    }
  }
}
