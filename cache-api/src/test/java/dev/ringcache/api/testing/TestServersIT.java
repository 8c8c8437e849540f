package dev.ringcache.api.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(value = 2, unit = TimeUnit.MINUTES) // local servers take milliseconds; room for a pull
class TestServersIT {
  private static final Duration ANSWER = Duration.ofSeconds(2);
  private static final Duration HANG = Duration.ofMillis(300);
  private static final String ANSWERED = "\\+PONG|VERSION .*";

  static Stream<TestServerSpec> kinds() {
    return Stream.of(TestServers.redis(), TestServers.memcached());
  }

  @Test
  void redis_startThree_distinctFreePortsEachAnswersPing() throws IOException {
    try (TestServerGroup ring = TestServers.redis().start(3)) {
      Set<Integer> ports = new HashSet<>();
      for (TestServer server : ring) {
        ports.add(server.port());
        assertThat(server.uri()).isEqualTo("redis://" + server.host() + ":" + server.port());
        assertThat(send(server, "PING")).isEqualTo("+PONG");
      }
      assertThat(ports).hasSize(3).doesNotContain(6379, 11211);
      assertThat(ring.uris()).hasSize(3).allMatch(uri -> uri.startsWith("redis://"));
    }
  }

  @Test
  void memcached_startTwo_eachAnswersVersion() throws IOException {
    try (TestServerGroup servers = TestServers.memcached().start(2)) {
      assertThat(servers.get(0).port()).isNotEqualTo(servers.get(1).port());
      for (TestServer server : servers) {
        assertThat(server.uri()).isEqualTo("memcached://" + server.host() + ":" + server.port());
        assertThat(send(server, "version")).startsWith("VERSION ");
      }
    }
  }

  @Test
  void redis_killThenRestart_refusesThenAnswersEmptyOnTheSamePort() throws IOException {
    try (TestServer redis = TestServers.redis().start()) {
      assertThat(send(redis, "SET k v")).isEqualTo("+OK");
      assertThat(send(redis, "DBSIZE")).isEqualTo(":1");
      int port = redis.port();

      redis.kill();
      awaitRefused(redis);

      redis.restart();
      if (!TestServers.usingContainers()) {
        assertThat(redis.port()).isEqualTo(port); // a container keeps it only if it is still free
      }
      assertThat(send(redis, "PING")).isEqualTo("+PONG");
      assertThat(send(redis, "DBSIZE")).isEqualTo(":0");
    }
  }

  @Test
  void memcached_killThenRestart_refusesThenAnswersEmpty() throws IOException {
    try (TestServer memcached = TestServers.memcached().start()) {
      try (LineConnection connection = LineConnection.open(memcached, ANSWER)) {
        assertThat(connection.send("set k 0 0 1", "v")).isEqualTo("STORED");
        assertThat(connection.send("get k")).isEqualTo("VALUE k 0 1");
      }

      memcached.kill();
      awaitRefused(memcached);

      memcached.restart();
      assertThat(send(memcached, "get k")).isEqualTo("END");
    }
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void pause_acceptsButAnswersNothing_resume_answersAgain(TestServerSpec spec)
      throws IOException {
    try (TestServer server = spec.start()) {
      String hello = hello(server);

      server.pause();
      try (LineConnection frozen = LineConnection.open(server.host(), server.port(), HANG)) {
        assertThatThrownBy(() -> frozen.send(hello))
            .isInstanceOf(SocketTimeoutException.class);

        server.resume();
        // The request sent while frozen is answered now, on the same connection.
        assertThat(frozen.readLine()).matches(ANSWERED);
      }
      assertThat(send(server, hello)).matches(ANSWERED);
    }
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void kill_whilePaused_killsIt(TestServerSpec spec) throws IOException {
    try (TestServer server = spec.start()) {
      server.pause();
      server.kill();
      awaitRefused(server);
      server.restart();
      assertThat(send(server, hello(server))).matches(ANSWERED);
    }
  }

  @Test
  void redis_withRequirepass_answersNoauthUntilAuth() throws IOException {
    try (TestServer redis = TestServers.redis().args("--requirepass", "s3cret").start();
        LineConnection connection = LineConnection.open(redis, ANSWER)) {
      assertThat(connection.send("PING")).startsWith("-NOAUTH");
      assertThat(connection.send("AUTH s3cret")).isEqualTo("+OK");
      assertThat(connection.send("PING")).isEqualTo("+PONG");
    }
  }

  @Test
  void memcached_withSasl_startsAndAnswersTheBinaryProtocolOnly(@TempDir Path dir)
      throws IOException {
    assumeLocalProcesses(); // the SASL files are on this machine, not in a container
    Files.writeString(dir.resolve("memcached.conf"), "mech_list: plain\n", UTF_8);
    Files.writeString(dir.resolve("passwords"), "alice:wonderland\n", UTF_8);
    TestServerSpec sasl = TestServers.memcached()
        .env("SASL_CONF_PATH", dir.toString())
        .env("MEMCACHED_SASL_PWDB", dir.resolve("passwords").toString())
        .args("-S");
    try (TestServer memcached = sasl.start()) {
      try (LineConnection text = LineConnection.open(memcached, HANG)) {
        assertThatThrownBy(() -> text.send("version")).isInstanceOf(SocketTimeoutException.class);
      }
      try (LineConnection binary = LineConnection.open(memcached, ANSWER)) {
        byte[] versionRequest = new byte[24];
        versionRequest[0] = (byte) 0x80;
        versionRequest[1] = 0x0b;
        binary.writeBytes(versionRequest);
        assertThat(binary.readBytes(24)[0]).isEqualTo((byte) 0x81);
      }
    }
  }

  @Test
  void start_serverRefusesItsArguments_failsWithItsLog() {
    assumeLocalProcesses();
    assertThatThrownBy(() -> TestServers.redis().args("--no-such-option", "1").start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("exited with code 1 before it answered")
        .hasMessageContaining("--no-such-option")
        .hasMessageMatching("(?s).*log /.*/target/test-servers/redis-\\d+/server.log:\n.*");
  }

  @Test
  void restart_portTakenMeanwhile_failsAndSaysSo() throws IOException {
    assumeLocalProcesses();
    try (TestServer redis = TestServers.redis().start()) {
      redis.kill();
      try (ServerSocket squatter = new ServerSocket()) {
        squatter.bind(new InetSocketAddress(InetAddress.getByName(redis.host()), redis.port()));
        assertThatThrownBy(redis::restart)
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("another process took port " + redis.port());
      }
      redis.restart();
      assertThat(send(redis, "PING")).isEqualTo("+PONG");
    }
  }

  @Test
  void close_endsTheProcesses() {
    assumeLocalProcesses();
    List<ProcessHandle> processes = new ArrayList<>();
    TestServer memcached = TestServers.memcached().start();
    try (TestServerGroup ring = TestServers.redis().start(2)) {
      for (TestServer server : List.of(ring.get(0), ring.get(1), memcached)) {
        processes.add(((LocalServer) server).process().toHandle());
      }
      ring.get(1).pause(); // a stopped process must die too
      assertThat(processes).allMatch(ProcessHandle::isAlive);
    } finally {
      memcached.close();
    }
    assertThat(processes).noneMatch(ProcessHandle::isAlive);
    assertThat(((LocalServer) memcached).process()).isNull();
    assertThatThrownBy(memcached::restart).hasMessageContaining("is closed");
  }

  @Test
  void sweepOrphans_killsTheServersOfADeadJvmOnly(@TempDir Path dir) throws Exception {
    assumeLocalProcesses();
    Process deadJvm = new ProcessBuilder("true").start();
    deadJvm.waitFor();
    Process orphan = startRedisBehindTheFixturesBack(dir.resolve("orphan"));
    Process owned = startRedisBehindTheFixturesBack(dir.resolve("owned"));
    try {
      ServerReaper.recordPid(dir.resolve("orphan").resolve(ServerReaper.PID_FILE),
          orphan.toHandle());
      rewriteOwner(dir.resolve("orphan").resolve(ServerReaper.PID_FILE), deadJvm.pid());
      ServerReaper.recordPid(dir.resolve("owned").resolve(ServerReaper.PID_FILE),
          owned.toHandle());

      ServerReaper.sweepOrphans(dir);

      assertThat(orphan.waitFor(5, TimeUnit.SECONDS)).isTrue();
      assertThat(owned.isAlive()).isTrue();
      assertThat(dir.resolve("orphan").resolve(ServerReaper.PID_FILE)).doesNotExist();
      assertThat(dir.resolve("owned").resolve(ServerReaper.PID_FILE)).exists();
    } finally {
      orphan.destroyForcibly().waitFor();
      owned.destroyForcibly().waitFor();
    }
  }

  private static Process startRedisBehindTheFixturesBack(Path dir) throws IOException {
    Files.createDirectories(dir);
    List<String> command = ServerKind.REDIS.localCommand(
        Executables.find("redis-server"), LocalServer.freePort(), dir, List.of());
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("server.log").toFile())
        .start();
  }

  private static void rewriteOwner(Path pidFile, long owner) throws IOException {
    String[] record = Files.readString(pidFile, UTF_8).trim().split(" ", 3);
    Files.writeString(pidFile, record[0] + " " + owner + " " + record[2] + "\n", UTF_8);
  }

  private static String hello(TestServer server) {
    return server.uri().startsWith("redis:") ? "PING" : "version";
  }

  private static String send(TestServer server, String command) throws IOException {
    try (LineConnection connection = LineConnection.open(server, ANSWER)) {
      return connection.send(command);
    }
  }

  /** Waits until connecting fails: at once for a local process, Docker may lag a little. */
  private static void awaitRefused(TestServer server) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (true) {
      try {
        LineConnection.open(server, HANG).close();
        assertThat(System.nanoTime() - deadline).as("%s still accepts", server).isNegative();
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
      } catch (ConnectException expected) {
        return;
      } catch (IOException e) {
        throw new AssertionError(server + ": expected a refused connection", e);
      }
    }
  }

  private static void assumeLocalProcesses() {
    assumeThat(TestServers.usingContainers()).as("servers are local processes").isFalse();
  }
}
