package dev.ringcache.api.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * A test server run as a local process on a free loopback port. Each server has a directory
 * {@code target/test-servers/<kind>-<port>/} (or under {@value #DIR_SETTING}) with its log
 * {@value #LOG_FILE}, where the process writes its output, and its pid file. Thread-safe.
 */
final class LocalServer implements TestServer, ServerReaper.Reapable {
  /** System property: the directory of the servers' directories; default target/test-servers. */
  static final String DIR_SETTING = "ringcache.test.servers.dir";
  static final String LOG_FILE = "server.log";

  static final Duration START_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
  // Short: a local server answers at once, and a probe that reached a squatter on our port must
  // not keep us from seeing that our process has exited.
  private static final Duration PROBE_TIMEOUT = Duration.ofMillis(250);
  private static final long PROBE_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  private static final int START_ATTEMPTS = 3;
  private static final int LOG_TAIL_LINES = 30;

  private final ServerKind kind;
  private final List<String> args;
  private final Map<String, String> env;
  private final Path executable;
  private final int port;
  private final Path dir;
  private final Path log;
  private final Path pidFile;

  private volatile @Nullable Process process; // written under the lock of this
  private boolean paused; // guarded by this
  private boolean closed; // guarded by this

  private LocalServer(ServerKind kind, List<String> args, Map<String, String> env,
      Path executable, int port, Path serversDir) {
    this.kind = kind;
    this.args = args;
    this.env = env;
    this.executable = executable;
    this.port = port;
    this.dir = serversDir.resolve(kind.displayName() + "-" + port);
    this.log = dir.resolve(LOG_FILE);
    this.pidFile = dir.resolve(ServerReaper.PID_FILE);
  }

  /** Starts a server on a free port and returns once it answers. */
  static LocalServer start(ServerKind kind, List<String> args, Map<String, String> env) {
    Path executable = Executables.find(kind.executable());
    Path serversDir = serversDir();
    ServerReaper.sweepOrphans(serversDir);
    for (int attempt = 1; ; attempt++) {
      LocalServer server = new LocalServer(kind, args, env, executable, freePort(), serversDir);
      boolean launched = false;
      try {
        launched = server.launch();
      } finally {
        if (!launched) {
          server.close();
        }
      }
      if (launched) {
        return server;
      }
      // Someone took the port between freePort() and the server's bind: rare, so try another.
      if (attempt == START_ATTEMPTS) {
        throw new IllegalStateException(kind.executable() + " found its free port taken "
            + START_ATTEMPTS + " times in a row; last log " + server.log + ":\n"
            + server.logTail(0));
      }
    }
  }

  @Override
  public String host() {
    return ServerKind.LOOPBACK;
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public String uri() {
    return kind.uri(host(), port);
  }

  /** The running process, if any: for tests of this fixture. */
  @Nullable Process process() {
    return process;
  }

  @Override
  public synchronized void kill() {
    Process running = process;
    if (running == null) {
      return;
    }
    running.destroyForcibly(); // SIGKILL: also ends a stopped (paused) process
    awaitExit(running);
    process = null;
    paused = false;
    ServerReaper.forgetPid(pidFile);
  }

  @Override
  public synchronized void restart() {
    if (closed) {
      throw new IllegalStateException(this + " is closed");
    }
    kill();
    if (!launch()) {
      throw new IllegalStateException(this + " cannot restart: another process took port "
          + port + " while it was down; log " + log + ":\n" + logTail(0));
    }
  }

  @Override
  public synchronized void pause() {
    Process running = requireRunning();
    if (!paused) {
      ProcessSignals.stop(running.toHandle());
      paused = true;
    }
  }

  @Override
  public synchronized void resume() {
    Process running = process;
    if (running != null && paused) {
      ProcessSignals.resume(running.toHandle());
      paused = false;
    }
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      try {
        kill();
      } finally {
        ServerReaper.unregister(this);
      }
    }
  }

  @Override
  public void reap() {
    Process running = process;
    if (running != null) {
      running.destroyForcibly();
    }
  }

  @Override
  public String toString() {
    Process running = process;
    return kind.displayName() + " " + host() + ":" + port
        + (running == null ? " (down" : " (pid " + running.pid()) + ", log " + log + ")";
  }

  /**
   * Starts the process and waits until it answers. Returns false if it could not bind its port
   * (and has exited); throws for any other failure, with the log's tail in the message.
   */
  private synchronized boolean launch() {
    List<String> command = kind.localCommand(executable, port, dir, args);
    long logStart;
    Process started;
    try {
      Files.createDirectories(dir);
      Files.writeString(log, "=== " + Instant.now() + ": " + commandLine(command) + "\n",
          UTF_8, CREATE, APPEND);
      logStart = Files.size(log);
      ProcessBuilder builder = new ProcessBuilder(command)
          .directory(dir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      builder.environment().putAll(env);
      started = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + commandLine(command)
          + " (log " + log + ")", e);
    }
    process = started;
    ServerReaper.register(this);
    ServerReaper.recordPid(pidFile, started.toHandle());
    try {
      started.getOutputStream().close(); // servers read no input
    } catch (IOException e) {
      // nothing was written to it, and the server does not care
    }
    try {
      return awaitReady(started, logStart, command);
    } catch (RuntimeException e) {
      try {
        kill();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private boolean awaitReady(Process started, long logStart, List<String> command) {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    String answer = "nothing";
    while (true) {
      if (!started.isAlive()) {
        String tail = logTail(logStart);
        kill();
        if (tail.contains("Address already in use")) {
          return false;
        }
        throw new IllegalStateException(kind.executable() + " on port " + port
            + " exited with code " + started.exitValue() + " before it answered; command: "
            + commandLine(command) + "\nlog " + log + ":\n" + tail);
      }
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        kill();
        throw new IllegalStateException(kind.executable() + " on port " + port
            + " did not answer within " + START_TIMEOUT.toSeconds() + " s (last answer: "
            + answer + "); command: " + commandLine(command) + "\nlog " + log + ":\n"
            + logTail(logStart));
      }
      try {
        Duration timeout = Duration.ofNanos(Math.min(remaining, PROBE_TIMEOUT.toNanos()));
        ServerKind.Readiness readiness = kind.probe(host(), port, args, timeout);
        if (readiness.ready() && started.isAlive()) {
          return true;
        }
        answer = readiness.answer();
      } catch (IOException e) {
        answer = e.toString();
      }
      waitForExit(started, Math.min(PROBE_PAUSE_NANOS, Math.max(0, remaining)));
    }
  }

  private Process requireRunning() {
    if (closed) {
      throw new IllegalStateException(this + " is closed");
    }
    Process running = process;
    if (running == null) {
      throw new IllegalStateException(this + " is not running");
    }
    return running;
  }

  private void awaitExit(Process running) {
    if (!waitForExit(running, STOP_TIMEOUT.toNanos())) {
      throw new IllegalStateException(kind.executable() + " pid " + running.pid()
          + " still runs " + STOP_TIMEOUT.toSeconds() + " s after SIGKILL");
    }
  }

  /** Waits up to {@code nanos} for the process to end; true if it has. */
  private static boolean waitForExit(Process running, long nanos) {
    try {
      running.onExit().get(nanos, TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      throw new IllegalStateException("waiting for pid " + running.pid(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running.destroyForcibly();
      throw new IllegalStateException("interrupted while waiting for pid " + running.pid(), e);
    }
  }

  /** The last lines the server wrote after byte {@code from} of its log. */
  private String logTail(long from) {
    try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
      long start = Math.max(from, file.length() - 16 * 1024);
      byte[] bytes = new byte[Math.toIntExact(file.length() - start)];
      file.seek(start);
      file.readFully(bytes);
      List<String> lines = new ArrayList<>(List.of(new String(bytes, UTF_8).split("\n")));
      List<String> tail = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
      return tail.isEmpty() || tail.equals(List.of("")) ? "(empty)" : String.join("\n", tail);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  /** The command as a shell would take it, for logs and messages: {@code --save ''}. */
  private static String commandLine(List<String> command) {
    StringBuilder line = new StringBuilder();
    for (String arg : command) {
      line.append(line.length() == 0 ? "" : " ");
      line.append(arg.matches("[\\w@%+=:,./-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'");
    }
    return line.toString();
  }

  private static Path serversDir() {
    String configured = System.getProperty(DIR_SETTING);
    Path dir = configured == null || configured.isBlank()
        ? Path.of("target", "test-servers") : Path.of(configured);
    return dir.toAbsolutePath();
  }

  /**
   * A port nothing listens on now. Never the default ports, which may belong to servers that are
   * not the tests' even when they are down at this moment.
   */
  static int freePort() {
    while (true) {
      try (ServerSocket socket = new ServerSocket()) {
        socket.bind(new InetSocketAddress(InetAddress.getByName(ServerKind.LOOPBACK), 0));
        int port = socket.getLocalPort();
        if (port != ServerKind.REDIS.defaultPort() && port != ServerKind.MEMCACHED.defaultPort()) {
          return port;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("could not find a free port on " + ServerKind.LOOPBACK, e);
      }
    }
  }
}
