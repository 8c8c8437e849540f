package dev.ringcache.memcached;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.ringcache.api.ConfigurationException;
import dev.ringcache.api.EntryTimes;
import dev.ringcache.api.Lookup;
import dev.ringcache.api.NodeUnavailableException;
import dev.ringcache.api.NodeUri;
import dev.ringcache.api.Unlock;
import dev.ringcache.api.UnlockOutcome;
import dev.ringcache.api.spi.CacheNode;
import dev.ringcache.api.testing.TestServer;
import dev.ringcache.api.testing.TestServers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SASL against {@code memcached -S} with a password database: the right credentials work; wrong
 * ones, or none, fail {@code ping()} promptly with a {@link ConfigurationException} that names the
 * node and never the password — and spymemcached's endless re-authentication is stopped.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MemcachedSaslIT {
  private static final String PASSWORD = "wonder-land-s3cret";
  private static final EntryTimes TIMES = EntryTimes.of(Duration.ofMinutes(1),
      Duration.ofMinutes(10));
  @TempDir
  static Path dir;
  private static TestServer server;
  private static String hostPort;
  private static boolean hasUsers;

  @BeforeAll
  static void startServer() throws IOException, InterruptedException {
    // The SASL files are on this machine, not in a container (as in cache-api's TestServersIT).
    assumeThat(TestServers.usingContainers()).as("servers are local processes").isFalse();
    Path users = dir.resolve("sasldb2");
    // Debian's memcached reads Cyrus SASL's user database (its MEMCACHED_SASL_PWDB support is not
    // compiled in); saslpasswd2 (package sasl2-bin) writes one. Without it, no user exists and
    // only the tests of refused credentials can run.
    hasUsers = addUser(users, "alice", PASSWORD);
    Files.writeString(dir.resolve("memcached.conf"),
        "mech_list: plain\nsasldb_path: " + users + "\n", UTF_8);
    Files.writeString(dir.resolve("passwords"), "alice:" + PASSWORD + "\n", UTF_8);
    server = TestServers.memcached()
        .env("SASL_CONF_PATH", dir.toString())
        .env("MEMCACHED_SASL_PWDB", dir.resolve("passwords").toString()) // for builds that read it
        .args("-S")
        .start();
    hostPort = server.host() + ":" + server.port();
  }

  /** Adds a user to a Cyrus SASL database with saslpasswd2; false if it is not installed. */
  private static boolean addUser(Path db, String user, String password)
      throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder("saslpasswd2", "-p", "-c", "-f", db.toString(), "-a", "memcached",
          user).redirectErrorStream(true).start();
    } catch (IOException e) {
      return false; // not installed
    }
    p.getOutputStream().write(password.getBytes(UTF_8));
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes(), UTF_8);
    if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("saslpasswd2 failed: " + output);
    }
    return true;
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  private static CacheNode open(String userInfo) {
    return new MemcachedNodeProvider().open(NodeUri.parse("memcached://" + userInfo + hostPort));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  @Test
  void theRightCredentials_work() {
    assumeThat(hasUsers).as("saslpasswd2 (sasl2-bin) is installed").isTrue();
    CacheNode node = open("alice:" + PASSWORD + "@");
    try {
      node.ping();
      node.put(bytes("k"), bytes("v"), 60_000);
      assertThat(node.get(bytes("k"))).isEqualTo(bytes("v"));
      assertThat(node.lock(bytes("p"), "w", TIMES)).isFalse();
      assertThat(node.unlock(bytes("p"), Unlock.committedValue("w", bytes("new"), 2), TIMES))
          .isEqualTo(UnlockOutcome.WROTE_VALUE);
      assertThat(node.getOrLease(bytes("p"), true, "n", TIMES))
          .isEqualTo(Lookup.hit(bytes("new"), 2));
      assertThat(node.id()).isEqualTo(hostPort).doesNotContain(PASSWORD);
      assertThat(node.toString()).doesNotContain(PASSWORD).doesNotContain("alice");
    } finally {
      node.close();
    }
  }

  @Test
  void aWrongPassword_failsPingPromptly_withAConfigurationErrorThatNamesTheNodeButNotThePassword()
      throws InterruptedException {
    Set<Thread> before = MemcachedNodeProviderTest.ioThreads();
    CacheNode node = open("alice:wrong-" + PASSWORD + "@");
    try {
      long start = System.nanoTime();
      assertThatThrownBy(node::ping).isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("memcached node " + hostPort)
          .hasMessageContaining("refused the SASL credentials")
          .hasMessageNotContaining(PASSWORD);
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2_000);
      // Every later use says the same at once; nothing retries behind the caller's back.
      start = System.nanoTime();
      assertThatThrownBy(() -> node.get(bytes("k"))).isInstanceOf(ConfigurationException.class)
          .hasMessageNotContaining(PASSWORD);
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(100);
      Set<Thread> mine = MemcachedNodeProviderTest.ioThreads();
      mine.removeAll(before);
      for (Thread io : mine) {
        io.join(5_000);
        assertThat(io.isAlive()).as("spymemcached's IO thread, re-authenticating").isFalse();
      }
      assertThat(node.toString()).doesNotContain(PASSWORD);
      assertThat(node.id()).isEqualTo(hostPort);
    } finally {
      node.close();
    }
  }

  @Test
  void anErrorOtherThanARefusal_whileAuthenticating_isAnOutage_andALaterAttemptSucceeds() {
    assumeThat(hasUsers).as("saslpasswd2 (sasl2-bin) is installed").isTrue();
    AtomicBoolean outOfMemory = new AtomicBoolean(true);
    try (MemcachedProxy proxy = MemcachedProxy.inFrontOf(server)) {
      // The server's answer to SASL_AUTH, while it lasts: out of memory (binary status 0x82).
      proxy.hook(request -> {
        if (request.opcode() == MemcachedProxy.SASL_AUTH && outOfMemory.get()) {
          request.answer(0x82, "Out of memory");
        }
      });
      CacheNode node = new MemcachedNodeProvider().open(
          NodeUri.parse(proxy.uri("alice:" + PASSWORD + "@")));
      try {
        assertThatThrownBy(node::ping).isInstanceOf(NodeUnavailableException.class)
            .hasMessageContaining("could not authenticate").hasMessageNotContaining(PASSWORD);
        outOfMemory.set(false);
        MemcachedOutageIT.awaitServing(node); // a ConfigurationException would end it at once
        node.put(bytes("k"), bytes("v"), 60_000);
        assertThat(node.get(bytes("k"))).isEqualTo(bytes("v"));
      } finally {
        node.close();
      }
    }
  }

  @Test
  void noCredentials_forAServerThatRequiresThem_isAConfigurationError() {
    CacheNode node = open("");
    try {
      assertThatThrownBy(node::ping).isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("requires SASL authentication");
    } finally {
      node.close();
    }
  }

  @Test
  void credentials_forAServerWithoutSasl_areAConfigurationError() {
    try (TestServer plain = TestServers.memcached().start()) {
      CacheNode node = new MemcachedNodeProvider().open(NodeUri.parse(
          "memcached://alice:" + PASSWORD + "@" + plain.host() + ":" + plain.port()));
      try {
        assertThatThrownBy(node::ping).isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("refused the SASL credentials")
            .hasMessageNotContaining(PASSWORD);
      } finally {
        node.close();
      }
    }
  }
}
