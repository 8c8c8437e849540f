package dev.ringcache.api;

import dev.ringcache.api.internal.LocalNodeProvider;
import dev.ringcache.api.spi.CacheNode;
import dev.ringcache.api.spi.CacheNodeProvider;
import dev.ringcache.api.spi.NodeEvents;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Test nodes {@code faulty://name}: in-process nodes (over {@code local://name}) that a test can
 * make fail — unreachable, timing out, or refusing credentials — and whose calls are counted, so
 * tests can check what the router sends to a node that is down. Registered for ServiceLoader in
 * the test resources only.
 *
 * <p>Thread-safe.
 */
public final class FaultyNodeProvider implements CacheNodeProvider {
  /** How a faulty node answers. */
  enum Fault {
    NONE,
    UNAVAILABLE,
    TIMEOUT,
    REFUSED,
    RECORD_LOST
  }

  /** While set, a putFromLoad counts down {@link #putEntered} and waits for this gate. */
  static volatile @Nullable CountDownLatch putGate;
  static volatile CountDownLatch putEntered = new CountDownLatch(1);
  /** How long clear() takes, as on a slow node. */
  static volatile long clearDelayMillis;
  /**
   * Nodes (by name) whose lockAll and unlockAll wait for their gate to open, through interrupts
   * (as a node's invalidation does), recording in {@link #BATCH_THREADS} the thread each came in
   * on and in {@link #BATCHES_PASSED} that it passed the gate.
   */
  static final Map<String, CountDownLatch> BATCH_GATES = new ConcurrentHashMap<>();
  static final Map<String, Thread> BATCH_THREADS = new ConcurrentHashMap<>();
  static final Set<String> BATCHES_PASSED = ConcurrentHashMap.newKeySet();
  private static final Map<String, Fault> FAULTS = new ConcurrentHashMap<>();
  private static final Map<String, AtomicInteger> CALLS = new ConcurrentHashMap<>();

  /** From now on, the node {@code name} answers with {@code fault}. */
  static void set(String name, Fault fault) {
    FAULTS.put(name, fault);
  }

  /** Calls of data and protocol methods (not id, ping, close) that reached the node {@code name}. */
  static int calls(String name) {
    AtomicInteger n = CALLS.get(name);
    return n == null ? 0 : n.get();
  }

  @Override
  public Set<String> schemes() {
    return Set.of("faulty");
  }

  @Override
  public CacheNode open(NodeUri uri, NodeEvents events) {
    String name = uri.host();
    CacheNode local = new LocalNodeProvider().open(NodeUri.parse("local://" + name));
    return (CacheNode) Proxy.newProxyInstance(CacheNode.class.getClassLoader(),
        new Class<?>[] {CacheNode.class}, (proxy, method, args) -> {
          String m = method.getName();
          boolean bookkeeping = Set.of("id", "maxKeyLength", "acceptsKey", "close", "toString",
              "hashCode", "equals", "inspect", "clockMillis").contains(m);
          if (!bookkeeping) {
            if (!m.equals("ping") && !m.equals("clear")) {
              CALLS.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
            }
            switch (FAULTS.getOrDefault(name, Fault.NONE)) {
              case UNAVAILABLE:
                throw new NodeUnavailableException("faulty node " + name + " is down");
              case TIMEOUT:
                throw new CacheTimeoutException("faulty node " + name + " timed out");
              case RECORD_LOST:
                throw new RecordLostException("faulty node " + name + " dropped a record");
              case REFUSED:
                throw new ConfigurationException("faulty node " + name + " refused the password");
              default:
                break;
            }
          }
          CountDownLatch gate = putGate;
          if (m.equals("putFromLoad") && gate != null) {
            putEntered.countDown();
            gate.await(); // an admitted put still on its way (a slow send, a retrying step)
          }
          CountDownLatch batchGate = BATCH_GATES.get(name);
          if ((m.equals("lockAll") || m.equals("unlockAll")) && batchGate != null) {
            BATCH_THREADS.put(name, Thread.currentThread());
            awaitThroughInterrupts(batchGate);
            BATCHES_PASSED.add(name);
          }
          if (m.equals("clear") && clearDelayMillis > 0) {
            Thread.sleep(clearDelayMillis);
          }
          try {
            return method.invoke(local, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  private static void awaitThroughInterrupts(CountDownLatch gate) {
    boolean interrupted = false;
    while (true) {
      try {
        gate.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
