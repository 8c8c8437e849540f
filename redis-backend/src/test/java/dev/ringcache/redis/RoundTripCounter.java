package dev.ringcache.redis;

import dev.ringcache.api.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of a server that counts round trips: a client's bytes that follow an
 * answer on their connection (or open it) start one. Pipelined commands are one round trip however
 * many they are; commands sent one after another, each after its answer, are one each.
 *
 * <p>The test that starts it owns it and closes it. Thread-safe.
 */
final class RoundTripCounter implements AutoCloseable {
  private final TestServer server;
  private final ServerSocket listener;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final AtomicInteger roundTrips = new AtomicInteger();

  private RoundTripCounter(TestServer server) throws IOException {
    this.server = server;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    daemon("round-trips-accept", this::accept);
  }

  static RoundTripCounter inFrontOf(TestServer server) {
    try {
      return new RoundTripCounter(server);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code redis://127.0.0.1:port}: the server, through this proxy. */
  String uri() {
    return "redis://127.0.0.1:" + listener.getLocalPort();
  }

  /** Round trips since the last {@link #reset()}, over every connection. */
  int roundTrips() {
    return roundTrips.get();
  }

  void reset() {
    roundTrips.set(0);
  }

  @Override
  public void close() {
    try {
      listener.close();
    } catch (IOException e) {
      // closing anyway
    }
    for (Socket socket : sockets) {
      try {
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket upstream = new Socket(server.host(), server.port());
        sockets.add(client);
        sockets.add(upstream);
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        // Whether the server answered on this connection since the client last sent something.
        AtomicBoolean answered = new AtomicBoolean(true);
        daemon("round-trips-requests", () -> pump(client.getInputStream(),
            upstream.getOutputStream(), () -> {
              if (answered.getAndSet(false)) {
                roundTrips.incrementAndGet();
              }
            }));
        daemon("round-trips-answers", () -> pump(upstream.getInputStream(),
            client.getOutputStream(), () -> answered.set(true)));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  /** Copies {@code in} to {@code out}, calling {@code seen} before passing each chunk on. */
  private static void pump(InputStream in, OutputStream out, Runnable seen) throws IOException {
    byte[] buffer = new byte[16 * 1024];
    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
      seen.run();
      out.write(buffer, 0, n);
      out.flush();
    }
  }

  @FunctionalInterface
  private interface Work {
    void run() throws IOException;
  }

  private static void daemon(String name, Work work) {
    Thread thread = new Thread(() -> {
      try {
        work.run();
      } catch (IOException e) {
        // a side closed
      }
    }, name);
    thread.setDaemon(true);
    thread.start();
  }
}
