package dev.ringcache.hibernate;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP proxy that counts round trips as the server cannot: a turn is the client sending
 * after the server last spoke on that connection, so commands the client pipelines count once,
 * however many they are.
 *
 * <p>Closed by its user. Thread-safe.
 */
final class TurnCountingProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final String targetHost;
  private final int targetPort;
  private final AtomicLong turns = new AtomicLong();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  TurnCountingProxy(String targetHost, int targetPort) throws IOException {
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.acceptor = new Thread(this::accept, "turn-counting-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  /** Round trips so far, over every connection. */
  long turns() {
    return turns.get();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(targetHost, targetPort);
        sockets.add(client);
        sockets.add(server);
        // Who spoke last on this connection: true for the client.
        boolean[] clientSpokeLast = {false};
        pump(client, server, () -> {
          synchronized (clientSpokeLast) {
            if (!clientSpokeLast[0]) {
              turns.incrementAndGet();
              clientSpokeLast[0] = true;
            }
          }
        });
        pump(server, client, () -> {
          synchronized (clientSpokeLast) {
            clientSpokeLast[0] = false;
          }
        });
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  /** Copies {@code from} to {@code to}, noting each chunk before it is forwarded. */
  private static void pump(Socket from, Socket to, Runnable beforeForwarding) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[64 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int n; (n = in.read(buffer)) >= 0; ) {
          beforeForwarding.run();
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // one side closed: the other follows
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "turn-counting-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    sockets.forEach(TurnCountingProxy::closeQuietly);
  }
}
