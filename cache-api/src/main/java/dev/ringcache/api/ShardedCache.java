package dev.ringcache.api;

import dev.ringcache.api.spi.CacheNode;
import dev.ringcache.ring.ConsistentHashRing;
import dev.ringcache.ring.Placement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * A cache spread over nodes by a consistent-hash ring: each key goes to the node that owns it, and
 * work on several keys is grouped by node and sent as one batch per node, the batches in parallel.
 * It offers plain operations ({@link #get}, {@link #put}, {@link #delete}, {@link #getAll},
 * {@link #putAll}) and the entry protocol of DESIGN.md §4 ({@link #getOrLease} … {@link #evict}).
 *
 * <p>Keys are any bytes — normally a {@link CacheKey}'s — and are placed by all of their bytes. A
 * key longer than its node accepts is stored under a digest and its value is framed with the whole
 * key, checked on every read.
 *
 * <p>Built from node URIs ({@link NodeUri}); the nodes are opened by the providers found with
 * ServiceLoader. Membership can change while the cache is in use ({@link #addNode}, {@link
 * #removeNode}): each change publishes a new ring in one step. The cache owns its nodes and its
 * batch threads: {@link #close()} releases them.
 *
 * <p>Thread-safe.
 */
public final class ShardedCache implements AutoCloseable {
  /** Batches that run on threads of their own at once; more run in their callers' threads. */
  static final int MAX_BATCH_THREADS = 64;

  private final NodeProviders providers;
  private final ExecutorService batches;
  private final Object membership = new Object();
  private volatile ConsistentHashRing<CacheNode> ring;
  private volatile boolean closed;

  private ShardedCache(NodeProviders providers, ConsistentHashRing<CacheNode> ring) {
    this.providers = providers;
    this.ring = ring;
    AtomicInteger threads = new AtomicInteger();
    // At most MAX_BATCH_THREADS batches run on threads of their own; beyond that a batch runs in
    // the caller's thread, so a slow node cannot pile up threads without bound.
    this.batches = new ThreadPoolExecutor(0, MAX_BATCH_THREADS, 60, TimeUnit.SECONDS,
        new SynchronousQueue<>(), task -> {
          Thread t = new Thread(task, "ringcache-batch-" + threads.incrementAndGet());
          t.setDaemon(true);
          return t;
        }, (task, executor) -> {
          if (executor.isShutdown()) {
            throw new RejectedExecutionException("closed");
          }
          task.run();
        });
  }

  /** Starts a cache; at least one node URI must be given. */
  public static Builder builder() {
    return new Builder();
  }

  // ---- plain operations

  /** The value stored under {@code key}, or null. */
  public byte @Nullable [] get(byte[] key) {
    CacheNode node = nodeFor(key);
    byte[] stored = node.get(storageKey(node, key));
    return stored == null ? null : StorageKeys.unframe(node, key, stored);
  }

  /** Stores {@code value} under {@code key} for {@code ttl}, unconditionally. */
  public void put(byte[] key, byte[] value, Duration ttl) {
    Objects.requireNonNull(value, "value");
    long ttlMillis = ttlMillis(ttl);
    CacheNode node = nodeFor(key);
    node.put(storageKey(node, key), frame(node, key, value), ttlMillis);
  }

  /** Removes whatever is stored under {@code key}; whether something was. */
  public boolean delete(byte[] key) {
    CacheNode node = nodeFor(key);
    return node.delete(storageKey(node, key));
  }

  /** The values of several keys, in their order (null where none): one batch per node. */
  public List<byte @Nullable []> getAll(List<byte[]> keys) {
    Objects.requireNonNull(keys, "keys");
    byte[][] values = new byte[keys.size()][];
    perNode(keys, (node, indexes) -> {
      List<byte[]> storageKeys = new ArrayList<>(indexes.size());
      for (int i : indexes) {
        storageKeys.add(storageKey(node, keys.get(i)));
      }
      List<byte @Nullable []> found = node.getAll(storageKeys);
      for (int j = 0; j < indexes.size(); j++) {
        byte[] stored = found.get(j);
        byte[] key = keys.get(indexes.get(j));
        values[indexes.get(j)] =
            stored == null ? null : StorageKeys.unframe(node, key, stored);
      }
    });
    return Collections.unmodifiableList(Arrays.asList(values));
  }

  /** Stores several entries for {@code ttl}: one batch per node. */
  public void putAll(List<byte[]> keys, List<byte[]> values, Duration ttl) {
    Objects.requireNonNull(keys, "keys");
    Objects.requireNonNull(values, "values");
    if (keys.size() != values.size()) {
      throw new IllegalArgumentException(
          keys.size() + " keys but " + values.size() + " values; they must pair up");
    }
    long ttlMillis = ttlMillis(ttl);
    perNode(keys, (node, indexes) -> {
      List<byte[]> storageKeys = new ArrayList<>(indexes.size());
      List<byte[]> framed = new ArrayList<>(indexes.size());
      for (int i : indexes) {
        byte[] value = Objects.requireNonNull(values.get(i), "values[" + i + "]");
        storageKeys.add(storageKey(node, keys.get(i)));
        framed.add(frame(node, keys.get(i), value));
      }
      node.putAll(storageKeys, framed, ttlMillis);
    });
  }

  // ---- the entry protocol (DESIGN.md §4)

  /** A protocol read; with {@code wantLease}, a miss grants this caller a lease to put. */
  public Lookup getOrLease(byte[] key, boolean wantLease, EntryTimes times) {
    Objects.requireNonNull(times, "times");
    CacheNode node = nodeFor(key);
    String nonce = Long.toHexString(ThreadLocalRandom.current().nextLong());
    Lookup found = node.getOrLease(storageKey(node, key), wantLease, nonce, times);
    if (!found.isHit()) {
      return found;
    }
    byte[] value = StorageKeys.unframe(node, key, found.value());
    return value == null ? Lookup.miss() : Lookup.hit(value, found.version());
  }

  /** Puts a loaded value, with the lease a miss granted or without one (see DESIGN.md §4). */
  public PutOutcome putFromLoad(byte[] key, byte[] value, long version,
      @Nullable String leaseToken, boolean minimal, EntryTimes times) {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(times, "times");
    CacheNode node = nodeFor(key);
    return node.putFromLoad(storageKey(node, key), frame(node, key, value), version, leaseToken,
        minimal, times);
  }

  /** Locks the key for a writer; whether another writer already held it. */
  public boolean lock(byte[] key, String lockId, EntryTimes times) {
    Objects.requireNonNull(lockId, "lockId");
    Objects.requireNonNull(times, "times");
    CacheNode node = nodeFor(key);
    return node.lock(storageKey(node, key), lockId, times);
  }

  /** Releases a writer's lock after its transaction completed. */
  public UnlockOutcome unlock(byte[] key, Unlock unlock, EntryTimes times) {
    Objects.requireNonNull(unlock, "unlock");
    Objects.requireNonNull(times, "times");
    CacheNode node = nodeFor(key);
    byte[] value = unlock.value();
    Unlock framed = value == null || !StorageKeys.digested(node, key) ? unlock
        : Unlock.committedValue(unlock.lockId(), frame(node, key, value), unlock.version());
    return node.unlock(storageKey(node, key), framed, times);
  }

  /** Caches a newly inserted entity after its transaction committed. */
  public InsertOutcome afterInsert(byte[] key, byte[] value, long version, EntryTimes times) {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(times, "times");
    CacheNode node = nodeFor(key);
    return node.afterInsert(storageKey(node, key), frame(node, key, value), version, times);
  }

  /** Invalidates the key: it becomes a tombstone, unless a writer holds it. */
  public EvictOutcome evict(byte[] key, EntryTimes times) {
    Objects.requireNonNull(times, "times");
    CacheNode node = nodeFor(key);
    return node.evict(storageKey(node, key), times);
  }

  // ---- membership

  /** The ids of the nodes, in ring order of addition. */
  public List<String> nodeIds() {
    return ring.nodeIds();
  }

  /** The id of the node that owns {@code key}. */
  public String nodeIdFor(byte[] key) {
    return nodeFor(key).id();
  }

  /** The current ring; a snapshot that later membership changes do not alter. */
  public ConsistentHashRing<CacheNode> ring() {
    return ring;
  }

  /**
   * Opens the node named by {@code uri} and adds it to the ring; returns its id. The new node takes
   * over its share of keys at once: until node quarantine lands (DESIGN.md §5), keys it takes from
   * a node with locks on them are not protected during the change.
   */
  public String addNode(String uri) {
    NodeUri parsed = NodeUri.parse(uri);
    synchronized (membership) {
      checkOpen();
      CacheNode node = providers.open(parsed);
      try {
        if (ring.contains(node.id())) {
          throw new ConfigurationException("node URI '" + parsed + "': the ring already has a node "
              + "with id '" + node.id() + "'");
        }
        ring = ring.with(node.id(), node, parsed.weight());
      } catch (IllegalArgumentException e) {
        node.close();
        throw new ConfigurationException("node URI '" + parsed + "': " + e.getMessage(), e);
      } catch (RuntimeException e) {
        node.close();
        throw e;
      }
      return node.id();
    }
  }

  /**
   * Removes the node {@code id} from the ring, then closes it. Calls still running on it fail with
   * a {@link NodeUnavailableException}.
   */
  public void removeNode(String id) {
    Objects.requireNonNull(id, "id");
    synchronized (membership) {
      checkOpen();
      CacheNode node = ring.node(id);
      ring = ring.without(id);
      node.close();
    }
  }

  /** Closes every node and the batch threads; idempotent. */
  @Override
  public void close() {
    synchronized (membership) {
      if (closed) {
        return;
      }
      closed = true;
      batches.shutdownNow();
      for (CacheNode node : ring.nodes()) {
        node.close();
      }
    }
  }

  @Override
  public String toString() {
    return "ShardedCache" + ring.nodeIds();
  }

  // ---- internals

  private CacheNode nodeFor(byte[] key) {
    Objects.requireNonNull(key, "key");
    checkOpen();
    return ring.nodeFor(key);
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this ShardedCache is closed");
    }
  }

  private static byte[] storageKey(CacheNode node, byte[] key) {
    return StorageKeys.storageKey(node, key);
  }

  private static byte[] frame(CacheNode node, byte[] key, byte[] value) {
    return StorageKeys.frame(node, key, value);
  }

  private static long ttlMillis(Duration ttl) {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative() || ttl.toMillis() < 1 || ttl.compareTo(EntryTimes.MAX_TTL) > 0) {
      throw new IllegalArgumentException("ttl must be from 1 ms to " + EntryTimes.MAX_TTL.toDays()
          + " days, was " + ttl);
    }
    return EntryTimes.checkTtlMillis(ttl.toMillis());
  }

  /** Groups the keys by owning node and runs {@code work} once per node, in parallel. */
  private void perNode(List<byte[]> keys, BiConsumer<CacheNode, List<Integer>> work) {
    checkOpen();
    ConsistentHashRing<CacheNode> snapshot = ring;
    Map<CacheNode, List<Integer>> groups = new IdentityHashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      byte[] key = Objects.requireNonNull(keys.get(i), "keys[" + i + "]");
      groups.computeIfAbsent(snapshot.nodeFor(key), n -> new ArrayList<>()).add(i);
    }
    List<Map.Entry<CacheNode, List<Integer>>> work0 = new ArrayList<>(groups.entrySet());
    if (work0.isEmpty()) {
      return;
    }
    List<Future<?>> others = new ArrayList<>();
    try {
      for (Map.Entry<CacheNode, List<Integer>> group : work0.subList(1, work0.size())) {
        others.add(batches.submit(() -> work.accept(group.getKey(), group.getValue())));
      }
    } catch (RejectedExecutionException e) {
      others.forEach(f -> f.cancel(true));
      throw new IllegalStateException("this ShardedCache was closed during a batch", e);
    }
    RuntimeException failure = null;
    try {
      work.accept(work0.get(0).getKey(), work0.get(0).getValue()); // one batch in this thread
    } catch (RuntimeException e) {
      failure = e;
    }
    for (Future<?> other : others) {
      try {
        other.get();
      } catch (ExecutionException e) {
        RuntimeException cause = e.getCause() instanceof RuntimeException r ? r
            : new RingCacheException("a batch failed", e.getCause());
        if (failure == null) {
          failure = cause;
        } else {
          failure.addSuppressed(cause);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        others.forEach(f -> f.cancel(true));
        throw new NodeUnavailableException("interrupted while waiting for a batch", e);
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * Collects the nodes, placement and replicas of a new {@link ShardedCache}.
   *
   * <p>Not thread-safe.
   */
  public static final class Builder {
    private final List<String> uris = new ArrayList<>();
    private Placement placement = Placement.DEFAULT;
    private int replicas;
    private @Nullable ClassLoader loader;

    private Builder() {}

    /** Adds nodes by URI, e.g. {@code redis://10.0.1.1:6379?weight=2}. */
    public Builder nodes(String... uris) {
      return nodes(Arrays.asList(uris));
    }

    /** Adds nodes by URI. */
    public Builder nodes(Collection<String> uris) {
      for (String uri : Objects.requireNonNull(uris, "uris")) {
        this.uris.add(Objects.requireNonNull(uri, "uri"));
      }
      return this;
    }

    /** The ring placement; {@link Placement#DEFAULT} if not set. */
    public Builder placement(Placement placement) {
      this.placement = Objects.requireNonNull(placement, "placement");
      return this;
    }

    /** Ring points per unit of weight; the placement's default if not set. */
    public Builder replicas(int replicas) {
      if (replicas < 1) {
        throw new IllegalArgumentException("replicas must be at least 1, was " + replicas);
      }
      this.replicas = replicas;
      return this;
    }

    /** Where to look for node providers; the thread's context class loader if not set. */
    public Builder classLoader(ClassLoader loader) {
      this.loader = Objects.requireNonNull(loader, "loader");
      return this;
    }

    /**
     * Opens every node and builds the ring. Fails with a {@link ConfigurationException} for a bad
     * URI, an unknown scheme, a duplicate node or a bad ring; nodes already opened are closed.
     */
    public ShardedCache build() {
      if (uris.isEmpty()) {
        throw new ConfigurationException("a ShardedCache needs at least one node URI");
      }
      List<NodeUri> parsed = new ArrayList<>();
      for (String uri : uris) {
        parsed.add(NodeUri.parse(uri));
      }
      ClassLoader classLoader = loader != null ? loader
          : Objects.requireNonNullElse(Thread.currentThread().getContextClassLoader(),
              ShardedCache.class.getClassLoader());
      NodeProviders providers = NodeProviders.load(classLoader);
      List<CacheNode> opened = new ArrayList<>();
      try {
        ConsistentHashRing.Builder<CacheNode> ringBuilder =
            ConsistentHashRing.<CacheNode>builder().placement(placement);
        if (replicas > 0) {
          ringBuilder.replicas(replicas);
        }
        for (NodeUri uri : parsed) {
          CacheNode node = providers.open(uri);
          opened.add(node);
          try {
            ringBuilder.add(node.id(), node, uri.weight());
          } catch (IllegalArgumentException e) {
            throw new ConfigurationException("node URI '" + uri + "': " + e.getMessage(), e);
          }
        }
        try {
          return new ShardedCache(providers, ringBuilder.build());
        } catch (IllegalArgumentException e) {
          throw new ConfigurationException("the ring of " + parsed + " cannot be built: "
              + e.getMessage(), e);
        }
      } catch (RuntimeException e) {
        opened.forEach(CacheNode::close);
        throw e;
      }
    }
  }
}
