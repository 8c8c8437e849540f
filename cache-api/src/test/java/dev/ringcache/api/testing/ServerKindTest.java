package dev.ringcache.api.testing;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ServerKindTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  @ParameterizedTest
  @CsvSource({
      "+PONG, true",
      "-NOAUTH Authentication required., true",
      "-NOPERM this user has no permissions to run the 'ping' command, true",
      "-LOADING Redis is loading the dataset in memory, false",
      "-ERR unknown command, false"})
  void redisProbe_pingReply_decidesReadiness(String reply, boolean ready) throws Exception {
    try (FakeServer server = FakeServer.replying((reply + "\r\n").getBytes(UTF_8))) {
      ServerKind.Readiness readiness =
          ServerKind.REDIS.probe(server.host(), server.port(), List.of(), TIMEOUT);

      assertThat(readiness.ready()).isEqualTo(ready);
      assertThat(readiness.answer()).isEqualTo("PING -> " + reply);
      assertThat(server.request()).isEqualTo("PING\r\n");
    }
  }

  @ParameterizedTest
  @CsvSource({"VERSION 1.6.18, true", "ERROR, false", "SERVER_ERROR out of memory, false"})
  void memcachedProbe_versionReply_decidesReadiness(String reply, boolean ready)
      throws Exception {
    try (FakeServer server = FakeServer.replying((reply + "\r\n").getBytes(UTF_8))) {
      ServerKind.Readiness readiness =
          ServerKind.MEMCACHED.probe(server.host(), server.port(), List.of(), TIMEOUT);

      assertThat(readiness.ready()).isEqualTo(ready);
      assertThat(server.request()).isEqualTo("version\r\n");
    }
  }

  @Test
  void memcachedProbe_withSasl_asksForTheVersionInTheBinaryProtocol() throws Exception {
    byte[] response = new byte[24];
    response[0] = (byte) 0x81;
    response[1] = 0x0b;
    try (FakeServer server = FakeServer.replying(response)) {
      ServerKind.Readiness readiness =
          ServerKind.MEMCACHED.probe(server.host(), server.port(), List.of("-S"), TIMEOUT);

      assertThat(readiness.ready()).isTrue();
      byte[] request = server.request().getBytes(ISO_8859_1);
      assertThat(request).hasSize(24).startsWith(0x80, 0x0b);
    }
  }

  @Test
  void localCommand_extraArgs_comeLastSoTheyOverride() {
    List<String> command = ServerKind.REDIS.localCommand(
        Path.of("/usr/bin/redis-server"), 40000, Path.of("/tmp/r"), List.of("--save", "60 1"));

    assertThat(command).startsWith("/usr/bin/redis-server", "--port", "40000")
        .endsWith("--dir", "/tmp/r", "--save", "60 1")
        .containsSequence("--save", "", "--appendonly", "no");
  }

  @Test
  void memcachedLocalCommand_userGiven_isNotGivenTwice() {
    List<String> command = ServerKind.MEMCACHED.localCommand(
        Path.of("/usr/bin/memcached"), 40000, Path.of("/tmp/m"), List.of("-u", "nobody"));

    assertThat(Collections.frequency(command, "-u")).isEqualTo(1);
    assertThat(command).containsSequence("-l", "127.0.0.1", "-p", "40000", "-U", "0");
  }

  /** Accepts one connection, reads one request, writes a canned reply. */
  private static final class FakeServer implements AutoCloseable {
    private final ServerSocket socket;
    private final CompletableFuture<String> request = new CompletableFuture<>();

    private FakeServer(byte[] reply) throws IOException {
      socket = new ServerSocket();
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      Thread thread = new Thread(() -> serve(reply), "fake-server");
      thread.setDaemon(true);
      thread.start();
    }

    static FakeServer replying(byte[] reply) throws IOException {
      return new FakeServer(reply);
    }

    String host() {
      return socket.getInetAddress().getHostAddress();
    }

    int port() {
      return socket.getLocalPort();
    }

    String request() throws Exception {
      return request.get(5, TimeUnit.SECONDS);
    }

    private void serve(byte[] reply) {
      try (Socket client = socket.accept()) {
        InputStream in = client.getInputStream();
        byte[] buffer = new byte[256];
        int n = in.read(buffer);
        request.complete(new String(buffer, 0, Math.max(n, 0), ISO_8859_1)); // bytes as chars
        client.getOutputStream().write(reply);
        client.getOutputStream().flush();
      } catch (IOException e) {
        request.completeExceptionally(e);
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
