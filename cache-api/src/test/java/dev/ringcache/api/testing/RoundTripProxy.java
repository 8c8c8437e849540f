package dev.ringcache.api.testing;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP proxy in front of one Redis or Memcached server that counts round trips, which
 * the server cannot: one each time a client sends after the server last answered on that
 * connection, or sends first on a connection it opened. Commands a client pipelines (writes before
 * reading their answers) are one round trip however many they are; commands sent each after the
 * last one's answer are one each. Each client connection gets a connection of its own to the
 * server. Used by the tests of the backends and of orm-integration, and by the benchmarks' counts.
 *
 * <p>For counting only: every byte takes two thread hops more. Whoever starts it owns it and
 * closes it. Thread-safe.
 */
public final class RoundTripProxy implements AutoCloseable {
  private static final String LOOPBACK = "127.0.0.1";
  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

  private final InetSocketAddress target;
  private final ServerSocket listener;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final AtomicLong roundTrips = new AtomicLong();

  private RoundTripProxy(InetSocketAddress target) {
    this.target = target;
    try {
      this.listener = new ServerSocket(0, 50, InetAddress.getByName(LOOPBACK));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    startDaemon("round-trip-proxy-" + listener.getLocalPort(), this::accept);
  }

  /** Starts a proxy to {@code server} (where it is now) on a free loopback port. */
  public static RoundTripProxy inFrontOf(TestServer server) {
    Objects.requireNonNull(server, "server");
    return new RoundTripProxy(new InetSocketAddress(server.host(), server.port()));
  }

  /** Starts a proxy to {@code hostPort} ({@code host:port}) on a free loopback port. */
  public static RoundTripProxy inFrontOf(String hostPort) {
    Objects.requireNonNull(hostPort, "hostPort");
    int colon = hostPort.lastIndexOf(':');
    if (colon < 1) {
      throw new IllegalArgumentException(hostPort + ": expected host:port");
    }
    return new RoundTripProxy(new InetSocketAddress(hostPort.substring(0, colon),
        Integer.parseInt(hostPort.substring(colon + 1))));
  }

  /**
   * Where clients connect instead of the server: {@code 127.0.0.1:port}. Put the scheme in front
   * for a node URI: {@code "redis://" + proxy.address()}.
   */
  public String address() {
    return LOOPBACK + ":" + listener.getLocalPort();
  }

  /** Round trips since the proxy started or was last {@link #reset()}, over all connections. */
  public long roundTrips() {
    return roundTrips.get();
  }

  /** Starts the count again from zero. */
  public void reset() {
    roundTrips.set(0);
  }

  /** Stops accepting and closes every connection, to the clients and to the server. */
  @Override
  public void close() {
    closeQuietly(listener);
    sockets.forEach(RoundTripProxy::closeQuietly);
  }

  private void accept() {
    while (!listener.isClosed()) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      Socket server = new Socket();
      try {
        server.connect(target, CONNECT_TIMEOUT_MILLIS);
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
      } catch (IOException e) {
        closeQuietly(client); // the server refused: that client sees its connection end
        closeQuietly(server);
        continue;
      }
      sockets.add(client);
      sockets.add(server);
      // Whether the server answered since the client last sent; true at first, so that the
      // client's first send is a round trip too.
      AtomicBoolean answered = new AtomicBoolean(true);
      pump(client, server, () -> {
        if (answered.getAndSet(false)) {
          roundTrips.incrementAndGet();
        }
      });
      pump(server, client, () -> answered.set(true));
    }
  }

  /**
   * Copies {@code from} to {@code to} on a thread of its own, running {@code beforeForwarding}
   * before each chunk goes on (so a count is made before the other side can react to the chunk);
   * when either side closes, both are closed.
   */
  private void pump(Socket from, Socket to, Runnable beforeForwarding) {
    startDaemon("round-trip-proxy-pump", () -> {
      byte[] buffer = new byte[64 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int n; (n = in.read(buffer)) >= 0; ) {
          beforeForwarding.run();
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // a side closed: the other follows below
      } finally {
        closeQuietly(from);
        closeQuietly(to);
        sockets.remove(from);
        sockets.remove(to);
      }
    });
  }

  private static void startDaemon(String name, Runnable work) {
    Thread thread = new Thread(work, name);
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeQuietly(Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
