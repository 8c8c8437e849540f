package dev.ringcache.bench.hibernate;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP proxy in front of one server that counts round trips: on each connection, every
 * time the server answers after the client has sent something since the last answer. A pipeline
 * (a batch written before its answers are read) is one round trip, however many commands it
 * holds; a client that waits for each answer makes one per command.
 *
 * <p>For counting only: it adds two thread hops to every request. The creator owns it and closes
 * it. Thread-safe.
 */
final class RoundTripProxy implements AutoCloseable {
  private final InetSocketAddress target;
  private final ServerSocket listener;
  private final AtomicLong trips = new AtomicLong();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  /** Starts a proxy to {@code hostPort} ({@code host:port}) on a free loopback port. */
  RoundTripProxy(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    target = new InetSocketAddress(hostPort.substring(0, colon),
        Integer.parseInt(hostPort.substring(colon + 1)));
    try {
      listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Thread acceptor = new Thread(this::accept, "round-trip-proxy-" + listener.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Where clients connect instead of the server: {@code host:port}. */
  String address() {
    return listener.getInetAddress().getHostAddress() + ":" + listener.getLocalPort();
  }

  /** The round trips so far, over all connections. */
  long trips() {
    return trips.get();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket();
        server.connect(target, 5_000);
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
        sockets.add(client);
        sockets.add(server);
        AtomicBoolean clientSpoke = new AtomicBoolean();
        pump(client, server, clientSpoke, false);
        pump(server, client, clientSpoke, true);
      } catch (IOException e) {
        // the listener was closed, or the server refused: that client sees its connection fail
      }
    }
  }

  private void pump(Socket from, Socket to, AtomicBoolean clientSpoke, boolean answers) {
    Thread pump = new Thread(() -> {
      byte[] buffer = new byte[64 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int n; (n = in.read(buffer)) >= 0; ) {
          if (!answers) {
            clientSpoke.set(true); // before it reaches the server, which may answer at once
          } else if (clientSpoke.getAndSet(false)) {
            trips.incrementAndGet();
          }
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // one side closed: close the other below
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "round-trip-proxy-pump");
    pump.setDaemon(true);
    pump.start();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    try {
      listener.close();
    } catch (IOException e) {
      // closing anyway
    }
    sockets.forEach(RoundTripProxy::closeQuietly);
  }
}
