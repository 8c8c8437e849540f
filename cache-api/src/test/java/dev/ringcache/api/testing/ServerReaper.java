package dev.ringcache.api.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes sure no test server outlives its test run. Servers not closed by their test are killed by
 * one JVM shutdown hook. A JVM that dies without running its hooks (SIGKILL, a crash) leaves pid
 * files behind; the next run in the same directory kills the servers they name, if those are
 * still the same processes. Thread-safe.
 */
final class ServerReaper {
  /** The name of a server's pid file, in its directory. */
  static final String PID_FILE = "server.pid";

  private static final System.Logger LOG = System.getLogger(ServerReaper.class.getName());
  private static final Set<Reapable> LIVE = ConcurrentHashMap.newKeySet();
  private static final Set<Path> SWEPT = ConcurrentHashMap.newKeySet();
  private static final long OWNER = ProcessHandle.current().pid();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(ServerReaper::reapAll, "test-server-reaper"));
  }

  private ServerReaper() {}

  /** Something that holds a server; {@link #reap()} stops it fast and must not block for long. */
  interface Reapable {
    void reap();
  }

  static void register(Reapable server) {
    LIVE.add(server);
  }

  static void unregister(Reapable server) {
    LIVE.remove(server);
  }

  private static void reapAll() {
    if (!LIVE.isEmpty()) {
      LOG.log(Level.WARNING, "killing {0} test server(s) that were never closed: {1}",
          LIVE.size(), LIVE);
    }
    for (Reapable server : List.copyOf(LIVE)) {
      try {
        server.reap();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "could not kill test server " + server, e);
      }
    }
  }

  /** Records that {@code server} runs for this JVM, in {@code pidFile}. */
  static void recordPid(Path pidFile, ProcessHandle server) {
    String record = server.pid() + " " + OWNER + " " + startMillis(server) + " " + command(server);
    try {
      Files.writeString(pidFile, record + "\n", UTF_8);
    } catch (IOException e) {
      // Only the clean-up after a crashed run is lost: not worth failing a test for.
      LOG.log(Level.WARNING, "could not write " + pidFile, e);
    }
  }

  static void forgetPid(Path pidFile) {
    try {
      Files.deleteIfExists(pidFile);
    } catch (IOException e) {
      LOG.log(Level.WARNING, "could not delete " + pidFile, e);
    }
  }

  /**
   * Once per JVM and directory: kills the servers named by the pid files {@code
   * dir/}<i>server</i>{@code /}{@value #PID_FILE} whose JVM is gone, if each is still the process
   * that was recorded (same start time and executable).
   */
  static void sweepOrphans(Path dir) {
    if (!SWEPT.add(dir) || !Files.isDirectory(dir)) {
      return;
    }
    try (DirectoryStream<Path> servers = Files.newDirectoryStream(dir, Files::isDirectory)) {
      for (Path server : servers) {
        Path file = server.resolve(PID_FILE);
        if (Files.exists(file)) {
          sweepOrphan(file);
        }
      }
    } catch (IOException e) {
      LOG.log(Level.WARNING, "could not look for orphaned test servers in " + dir, e);
    }
  }

  private static void sweepOrphan(Path file) throws IOException {
    // "serverPid ownerPid startMillis command": start time and command tell a reused pid.
    String[] record = Files.readString(file, UTF_8).trim().split(" ", 4);
    long serverPid;
    long ownerPid;
    try {
      serverPid = Long.parseLong(record[0]);
      ownerPid = Long.parseLong(record[1]);
    } catch (RuntimeException e) {
      Files.deleteIfExists(file); // not one of ours
      return;
    }
    if (ProcessHandle.of(ownerPid).map(ProcessHandle::isAlive).orElse(false)) {
      return; // another JVM's server, still in use
    }
    Optional<ProcessHandle> server = ProcessHandle.of(serverPid);
    if (server.isPresent() && record.length == 4
        && record[2].equals(Long.toString(startMillis(server.get())))
        && record[3].equals(command(server.get()))) {
      LOG.log(Level.WARNING, "killing {0} pid {1}, left running by test JVM {2} ({3})",
          record[3], record[0], record[1], file.getParent());
      server.get().destroyForcibly();
    }
    Files.deleteIfExists(file);
  }

  private static long startMillis(ProcessHandle process) {
    return process.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
  }

  /** The executable as the OS reports it: redis-server is often a link to redis-check-rdb. */
  private static String command(ProcessHandle process) {
    return process.info().command().orElse("?");
  }
}
