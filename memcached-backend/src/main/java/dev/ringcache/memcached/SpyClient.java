package dev.ringcache.memcached;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import net.spy.memcached.CASResponse;
import net.spy.memcached.ConnectionFactory;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.MemcachedNode;
import net.spy.memcached.internal.OperationFuture;
import net.spy.memcached.ops.CASOperationStatus;
import net.spy.memcached.ops.Operation;
import net.spy.memcached.ops.OperationStatus;
import net.spy.memcached.ops.StatsOperation;
import net.spy.memcached.ops.StoreOperation;
import net.spy.memcached.ops.StoreType;
import org.jspecify.annotations.Nullable;

/**
 * A spymemcached client of one server, with the few operations its public API lacks: a
 * compare-and-set that reports every status the server gives (spymemcached's own throws on the IO
 * thread at "too large" and drops the connection), and a {@code stats} of the one server whose
 * reply comes with the time it was sent. Also starts authentication for a connection that was
 * made before the client was listening (spymemcached registers itself for connection events only
 * after its first connect has begun, so a fast first connect would never authenticate).
 *
 * <p>Owned and shut down by one {@link MemcachedNode}. Thread-safe.
 */
final class SpyClient extends MemcachedClient {
  private volatile boolean sawConnection;

  SpyClient(ConnectionFactory factory, InetSocketAddress address) throws IOException {
    super(factory, List.of(address));
    if (authDescriptor != null && !sawConnection && server().isActive()) {
      super.connectionEstablished(server().getSocketAddress(), -1);
    }
  }

  @Override
  public void connectionEstablished(SocketAddress address, int reconnectCount) {
    sawConnection = true;
    super.connectionEstablished(address, reconnectCount);
  }

  /** The one server of this client, as spymemcached tracks it. */
  MemcachedNode server() {
    return mconn.getLocator().getAll().iterator().next();
  }

  /**
   * Stores {@code data} under {@code key} only if the item's CAS is still {@code cas}. The
   * future's value is the server's {@link CASResponse}, or null for any other status (then see
   * {@link OperationFuture#getStatus()}: "too large" is {@code ERR_2BIG}).
   */
  OperationFuture<@Nullable CASResponse> cas(String key, long cas, int exptime, byte[] data) {
    CountDownLatch latch = new CountDownLatch(1);
    OperationFuture<@Nullable CASResponse> future =
        new OperationFuture<>(key, latch, operationTimeout, executorService);
    Operation op = opFact.cas(StoreType.set, key, cas, ItemTranscoder.FLAGS, exptime, data,
        new StoreOperation.Callback() {
          @Override
          public void receivedStatus(OperationStatus status) {
            future.set(status instanceof CASOperationStatus s ? s.getCASResponse() : null, status);
          }

          @Override
          public void gotData(String k, long newCas) {
            future.setCas(newCas);
          }

          @Override
          public void complete() {
            latch.countDown();
            future.signalComplete();
          }
        });
    future.setOperation(op);
    mconn.enqueueOperation(key, op);
    return future;
  }

  /**
   * Sends a {@code stats} to the server; the reply is complete when its latch opens. Queued like
   * any operation (after authentication).
   */
  StatsReply stats() {
    StatsReply reply = new StatsReply();
    reply.sentNanos = System.nanoTime(); // before the server can have read its clock
    // A broadcast to the one server.
    mconn.broadcastOperation((node, broadcastLatch) -> {
      Operation op = opFact.stats(null, new StatsOperation.Callback() {
        @Override
        public void gotStat(String name, String value) {
          if (name.equals("time")) {
            reply.serverSeconds = value;
          }
        }

        @Override
        public void receivedStatus(OperationStatus status) {
          reply.status = status;
        }

        @Override
        public void complete() {
          reply.receivedNanos = System.nanoTime(); // after the server answered
          reply.done.countDown();
          broadcastLatch.countDown();
        }
      });
      reply.operation = op;
      return op;
    }, List.of(server()));
    return reply;
  }

  /**
   * What {@link #stats()} got: filled in by the IO thread before it opens {@link #done}. Times
   * are {@link System#nanoTime()}.
   *
   * <p>Thread-safe.
   */
  static final class StatsReply {
    final CountDownLatch done = new CountDownLatch(1);
    volatile @Nullable Operation operation;
    volatile @Nullable String serverSeconds;
    volatile @Nullable OperationStatus status;
    volatile long sentNanos;
    volatile long receivedNanos;

    /** Gives up on the reply. */
    void cancel() {
      Operation op = operation;
      if (op != null) {
        op.cancel();
      }
    }
  }
}
