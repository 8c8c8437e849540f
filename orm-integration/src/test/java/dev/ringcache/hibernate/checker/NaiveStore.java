package dev.ringcache.hibernate.checker;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.hibernate.cache.spi.support.DomainDataStorageAccess;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.jspecify.annotations.Nullable;

/**
 * One region of {@link NaiveRegionFactory}'s shared store: a JVM-wide map that every session
 * factory naming the same store sees, as if it were one remote cache. Values are serialized on put
 * and deserialized on get, so that no session factory shares an object with another (Hibernate
 * mutates its soft locks in place). Each call is one network hop: a get parks after it read the
 * map (the answer travels back), a put or remove parks before it writes (the request travels
 * there), for a latency drawn between the factory's bounds. Nothing makes a get-then-put atomic,
 * as nothing does on a plain remote cache.
 *
 * <p>Thread-safe.
 */
final class NaiveStore implements DomainDataStorageAccess {
  private static final ConcurrentHashMap<Entry, byte[]> ENTRIES = new ConcurrentHashMap<>();
  private static final long SEED = 0x5eedL;
  private static final AtomicLong STREAMS = new AtomicLong();
  private static final ThreadLocal<SplittableRandom> LATENCY =
      ThreadLocal.withInitial(() -> new SplittableRandom(SEED + STREAMS.getAndIncrement()));

  private record Entry(String store, String region, Object key) {}

  private final String store;
  private final String region;
  private final long minNanos;
  private final long maxNanos;

  NaiveStore(String store, String region, long minNanos, long maxNanos) {
    this.store = store;
    this.region = region;
    this.minNanos = minNanos;
    this.maxNanos = maxNanos;
  }

  /** Removes every entry of {@code store}, of every region. */
  static void drop(String store) {
    ENTRIES.keySet().removeIf(e -> e.store().equals(store));
  }

  @Override
  public @Nullable Object getFromCache(Object key, SharedSessionContractImplementor session) {
    byte[] stored = ENTRIES.get(new Entry(store, region, key));
    hop();
    return stored == null ? null : deserialize(stored);
  }

  @Override
  public void putIntoCache(Object key, Object value, SharedSessionContractImplementor session) {
    byte[] stored = serialize(value);
    hop();
    ENTRIES.put(new Entry(store, region, key), stored);
  }

  @Override
  public boolean contains(Object key) {
    boolean found = ENTRIES.containsKey(new Entry(store, region, key));
    hop();
    return found;
  }

  @Override
  public void evictData() {
    hop();
    ENTRIES.keySet().removeIf(e -> e.store().equals(store) && e.region().equals(region));
  }

  @Override
  public void evictData(Object key) {
    hop();
    ENTRIES.remove(new Entry(store, region, key));
  }

  @Override
  public void release() {
    // The entries belong to every session factory of the store: drop(store) removes them.
  }

  private void hop() {
    long nanos = maxNanos > minNanos ? LATENCY.get().nextLong(minNanos, maxNanos + 1) : minNanos;
    if (nanos > 0) {
      LockSupport.parkNanos(nanos);
    }
  }

  private static byte[] serialize(Object value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static Object deserialize(byte[] stored) {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(stored))) {
      return in.readObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }
}
