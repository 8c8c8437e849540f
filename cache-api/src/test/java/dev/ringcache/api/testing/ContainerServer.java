package dev.ringcache.api.testing;

import com.github.dockerjava.api.DockerClient;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A test server in a container (Testcontainers), for machines with a Docker engine. Only
 * {@link ContainerDetection} and {@link TestServerSpec} touch this class, so that modules without
 * Testcontainers on their class path never load it. Thread-safe.
 */
final class ContainerServer implements TestServer, ServerReaper.Reapable {
  /** Includes pulling the image the first time. */
  private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  private static final System.Logger LOG = System.getLogger(ContainerServer.class.getName());

  private final ServerKind kind;
  private final List<String> args;
  private final Map<String, String> env;

  private volatile @Nullable GenericContainer<?> container; // written under the lock of this
  private volatile String host = ServerKind.LOOPBACK; // written under the lock of this
  private volatile int port; // written under the lock of this
  private boolean running; // guarded by this
  private boolean paused; // guarded by this
  private boolean closed; // guarded by this

  private ContainerServer(ServerKind kind, List<String> args, Map<String, String> env) {
    this.kind = kind;
    this.args = args;
    this.env = env;
  }

  /** True if Testcontainers finds a Docker engine that answers; may block (see the caller). */
  static boolean dockerAvailable() {
    return DockerClientFactory.instance().isDockerAvailable();
  }

  /** Starts a container and returns once the server in it answers. */
  static ContainerServer start(ServerKind kind, List<String> args, Map<String, String> env) {
    ContainerServer server = new ContainerServer(kind, args, env);
    boolean started = false;
    try {
      server.launch(null);
      started = true;
      return server;
    } finally {
      if (!started) {
        server.close();
      }
    }
  }

  @Override
  public String host() {
    return host;
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public String uri() {
    return kind.uri(host, port);
  }

  @Override
  public synchronized void kill() {
    GenericContainer<?> current = container;
    if (!running || current == null) {
      return;
    }
    DockerClient docker = current.getDockerClient();
    if (paused) {
      docker.unpauseContainerCmd(current.getContainerId()).exec(); // older engines won't kill it
    }
    docker.killContainerCmd(current.getContainerId()).exec();
    running = false;
    paused = false;
    long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
    while (Boolean.TRUE.equals(
        docker.inspectContainerCmd(current.getContainerId()).exec().getState().getRunning())) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(this + " still runs " + STOP_TIMEOUT.toSeconds()
            + " s after docker kill");
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
  }

  @Override
  public synchronized void restart() {
    if (closed) {
      throw new IllegalStateException(this + " is closed");
    }
    int previousPort = port;
    removeContainer();
    try {
      launch(previousPort);
    } catch (RuntimeException e) {
      // Most likely something took the host port while the server was down.
      LOG.log(Level.WARNING, this + ": could not restart on host port " + previousPort
          + ", restarting on another one", e);
      removeContainer();
      launch(null);
    }
  }

  @Override
  public synchronized void pause() {
    GenericContainer<?> current = container;
    if (closed || !running || current == null) {
      throw new IllegalStateException(this + " is not running");
    }
    if (!paused) {
      current.getDockerClient().pauseContainerCmd(current.getContainerId()).exec();
      paused = true;
    }
  }

  @Override
  public synchronized void resume() {
    GenericContainer<?> current = container;
    if (paused && current != null) {
      current.getDockerClient().unpauseContainerCmd(current.getContainerId()).exec();
      paused = false;
    }
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      try {
        removeContainer();
      } finally {
        ServerReaper.unregister(this);
      }
    }
  }

  @Override
  public void reap() {
    GenericContainer<?> current = container;
    if (current != null) {
      current.stop(); // Testcontainers' Ryuk removes it too, should this not get to run
    }
  }

  @Override
  public String toString() {
    GenericContainer<?> current = container;
    String id = current == null || current.getContainerId() == null
        ? "none" : current.getContainerId().substring(0, 12);
    return kind.displayName() + " " + host + ":" + port + " (" + kind.image() + ", container "
        + id + ")";
  }

  /** Starts a new container, on {@code hostPort} if given, else on a port Docker picks. */
  private synchronized void launch(@Nullable Integer hostPort) {
    GenericContainer<?> next = new GenericContainer<>(DockerImageName.parse(kind.image()))
        .withExposedPorts(kind.defaultPort())
        .withCommand(kind.containerCommand(args).toArray(String[]::new))
        .withEnv(env)
        .withStartupTimeout(START_TIMEOUT);
    if (hostPort != null) {
      next.setPortBindings(List.of(hostPort + ":" + kind.defaultPort()));
    }
    container = next; // before start(), so that close() and the reaper find it if start fails
    ServerReaper.register(this);
    next.start();
    running = true;
    host = next.getHost();
    port = next.getMappedPort(kind.defaultPort());
    awaitReady(next);
  }

  private void awaitReady(GenericContainer<?> started) {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    String answer = "nothing";
    while (true) {
      try {
        ServerKind.Readiness readiness = kind.probe(host, port, args, PROBE_TIMEOUT);
        if (readiness.ready()) {
          return;
        }
        answer = readiness.answer();
      } catch (IOException e) {
        answer = e.toString();
      }
      if (System.nanoTime() - deadline > 0) {
        String logs = started.getLogs();
        throw new IllegalStateException(this + " did not answer within "
            + READY_TIMEOUT.toSeconds() + " s (last answer: " + answer + "); container log:\n"
            + logs.substring(Math.max(0, logs.length() - 4000)));
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
  }

  private synchronized void removeContainer() {
    GenericContainer<?> current = container;
    if (current == null) {
      return;
    }
    if (paused && running) {
      current.getDockerClient().unpauseContainerCmd(current.getContainerId()).exec();
    }
    current.stop();
    running = false;
    paused = false;
  }
}
