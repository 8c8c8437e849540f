package dev.ringcache.api;

import dev.ringcache.api.spi.CacheNode;
import dev.ringcache.api.spi.EntryProtocol;
import dev.ringcache.api.spi.NodeEvents;
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
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A cache spread over nodes by a consistent-hash ring: each key goes to the node that owns it, and
 * work on several keys is grouped by node and sent as one batch per node, the batches in parallel.
 * It offers plain operations ({@link #get}, {@link #put}, {@link #delete}, {@link #getAll},
 * {@link #putAll}), shared counters ({@link #increment}), and the entry protocol of DESIGN.md §4
 * ({@link #getOrLease} … {@link #evict}, with a flush's locks and unlocks batched per node by
 * {@link #lockAll} and {@link #unlockAll}, and {@link #dropValue} for a value its reader cannot
 * use).
 *
 * <p>Keys are any bytes — normally a {@link CacheKey}'s — and are placed by all of their bytes. A
 * key its node does not accept as it is (too long, or bytes it cannot store in a key) is stored
 * under a digest and its value is framed with the whole key, checked on every read.
 *
 * <p>Failures never reach the caller (DESIGN.md §5): a read from a node that cannot be reached is
 * a miss, a put is skipped, and an invalidation (lock, unlock, evict, delete) that cannot be
 * delivered quarantines the node until it has been cleared. Each node has a circuit breaker: while
 * it is open, operations on the node make no network attempt, and a background probe waits for
 * the node to answer. See {@link NodeState}. The cache starts even when every node is down.
 * Programming errors — null or malformed arguments — are thrown as usual.
 *
 * <p>Built from node URIs ({@link NodeUri}); the nodes are opened by the providers found with
 * ServiceLoader. Membership can change while the cache is in use ({@link #addNode}, {@link
 * #removeNode}): each change publishes a new ring in one step. The cache owns its nodes and its
 * threads (batches, probe): {@link #close()} releases them.
 *
 * <p>Thread-safe.
 */
public final class ShardedCache implements AutoCloseable {
  /** Batches that run on threads of their own at once; more run in their callers' threads. */
  static final int MAX_BATCH_THREADS = 64;
  /** Failed reads or puts in a row that open a node's breaker (a timeout opens it at once). */
  public static final int DEFAULT_FAILURE_THRESHOLD = 3;
  /** How often a node whose breaker is open is probed. */
  public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofSeconds(1);
  /**
   * How long a node takes no puts after it was cleared or joined: 2Θ for the default Θ of 60 s, so
   * no put of data read before the clearing can land (PROTOCOL-NOTES §6.3).
   */
  public static final Duration DEFAULT_QUARANTINE = Duration.ofMinutes(2);

  private final NodeProviders providers;
  private final CacheMetrics metrics;
  private final RegionNames regionNames = new RegionNames();
  private final NodeGuard.GuardSettings settings;
  private final ExecutorService batches;
  private final ScheduledExecutorService prober;
  private final Object membership = new Object();
  private volatile ConsistentHashRing<NodeGuard> ring;
  private volatile boolean closed;

  private ShardedCache(Builder builder, NodeProviders providers, List<NodeUri> uris) {
    this.providers = providers;
    this.metrics = builder.metrics;
    this.settings = new NodeGuard.GuardSettings(builder.failureThreshold,
        builder.probeInterval.toNanos(), builder.quarantine.toNanos());
    AtomicInteger threads = new AtomicInteger();
    // At most MAX_BATCH_THREADS batches run on threads of their own; beyond that a batch runs in
    // the caller's thread, so a slow node cannot pile up threads without bound.
    this.batches = new ThreadPoolExecutor(0, MAX_BATCH_THREADS, 60, TimeUnit.SECONDS,
        new SynchronousQueue<>(), task -> daemon(task, "ringcache-batch-"
            + threads.incrementAndGet()), (task, executor) -> {
          if (executor.isShutdown()) {
            throw new RejectedExecutionException("closed");
          }
          task.run();
        });
    this.prober = Executors.newSingleThreadScheduledExecutor(
        task -> daemon(task, "ringcache-probe"));
    List<NodeGuard> opened = new ArrayList<>();
    try {
      ConsistentHashRing.Builder<NodeGuard> ringBuilder =
          ConsistentHashRing.<NodeGuard>builder().placement(builder.placement);
      if (builder.replicas > 0) {
        ringBuilder.replicas(builder.replicas);
      }
      for (NodeUri uri : uris) {
        NodeGuard guard = open(uri);
        opened.add(guard);
        try {
          ringBuilder.add(guard.id(), guard, uri.weight());
        } catch (IllegalArgumentException e) {
          throw new ConfigurationException("node URI '" + uri + "': " + e.getMessage(), e);
        }
      }
      try {
        this.ring = ringBuilder.build();
      } catch (IllegalArgumentException e) {
        throw new ConfigurationException("the ring of " + uris + " cannot be built: "
            + e.getMessage(), e);
      }
      pingAtStart(opened);
    } catch (RuntimeException e) {
      opened.forEach(NodeGuard::close);
      batches.shutdownNow();
      prober.shutdownNow();
      throw e;
    }
  }

  /** Starts a cache; at least one node URI must be given. */
  public static Builder builder() {
    return new Builder();
  }

  private NodeGuard open(NodeUri uri) {
    ForwardedEvents events = new ForwardedEvents(metrics);
    CacheNode node = providers.open(uri, events);
    events.nodeId = node.id();
    return new NodeGuard(node, metrics, settings, prober);
  }

  /**
   * Pings every node at once: a node that refuses its credentials fails the start; a node that
   * cannot be reached starts down, and the cache starts all the same.
   */
  private void pingAtStart(List<NodeGuard> guards) {
    List<Future<?>> pings = new ArrayList<>();
    for (NodeGuard guard : guards) {
      pings.add(batches.submit(() -> {
        try {
          guard.node().ping();
        } catch (ConfigurationException e) {
          throw e;
        } catch (RuntimeException e) {
          guard.startDown(e);
        }
      }));
    }
    for (Future<?> ping : pings) {
      try {
        ping.get();
      } catch (ExecutionException e) {
        throw e.getCause() instanceof RuntimeException r ? r
            : new RingCacheException("a start-up ping failed", e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RingCacheException("interrupted while starting", e);
      }
    }
  }

  private static Thread daemon(Runnable task, String name) {
    Thread t = new Thread(task, name);
    t.setDaemon(true);
    return t;
  }

  // ---- plain operations

  /** The value stored under {@code key}, or null; null too when its node cannot be reached. */
  public byte @Nullable [] get(byte[] key) {
    NodeGuard guard = guardFor(key);
    String region = regionOf(key);
    if (!guard.admits(CacheOperation.GET, region)) {
      return null;
    }
    byte[] stored = call(guard, CacheOperation.GET, region, () -> guard.node().get(storageKey(guard, key)),
        null);
    return stored == null ? null : unframe(guard, CacheOperation.GET, key, stored);
  }

  /**
   * Stores {@code value} under {@code key} for {@code ttl}, unconditionally; skipped when its
   * node cannot be reached.
   */
  public void put(byte[] key, byte[] value, Duration ttl) {
    Objects.requireNonNull(value, "value");
    long ttlMillis = ttlMillis(ttl);
    NodeGuard guard = guardFor(key);
    String region = regionOf(key);
    if (!guard.admits(CacheOperation.PUT, region)) {
      return;
    }
    call(guard, CacheOperation.PUT, region, () -> {
      guard.node().put(storageKey(guard, key), frame(guard, key, value), ttlMillis);
      return null;
    }, null);
  }

  /**
   * Removes whatever is stored under {@code key}; whether something was. A delete that cannot be
   * delivered quarantines its node (it returns false).
   */
  public boolean delete(byte[] key) {
    NodeGuard guard = guardFor(key);
    String region = regionOf(key);
    if (!guard.admits(CacheOperation.DELETE, region)) {
      return false;
    }
    return call(guard, CacheOperation.DELETE, region, () -> guard.node().delete(storageKey(guard, key)),
        false);
  }

  /**
   * The values of several keys, in their order (null where none, or where the node cannot be
   * reached): one batch per node.
   */
  public List<byte @Nullable []> getAll(List<byte[]> keys) {
    Objects.requireNonNull(keys, "keys");
    byte[][] values = new byte[keys.size()][];
    perNode(keys, false, (guard, indexes) -> {
      String region = regionOf(keys, indexes);
      if (!guard.admits(CacheOperation.GET_ALL, region)) {
        return;
      }
      List<byte[]> storageKeys = new ArrayList<>(indexes.size());
      for (int i : indexes) {
        storageKeys.add(storageKey(guard, keys.get(i)));
      }
      List<byte @Nullable []> found = call(guard, CacheOperation.GET_ALL, region,
          () -> guard.node().getAll(storageKeys), null);
      if (found == null) {
        return;
      }
      for (int j = 0; j < indexes.size(); j++) {
        byte[] stored = found.get(j);
        byte[] key = keys.get(indexes.get(j));
        values[indexes.get(j)] =
            stored == null ? null : unframe(guard, CacheOperation.GET_ALL, key, stored);
      }
    });
    // A copy: after an interrupt, batches still running may write into values.
    return Collections.unmodifiableList(Arrays.asList(values.clone()));
  }

  /** Stores several entries for {@code ttl}: one batch per node; skipped where a node is down. */
  public void putAll(List<byte[]> keys, List<byte[]> values, Duration ttl) {
    Objects.requireNonNull(keys, "keys");
    Objects.requireNonNull(values, "values");
    if (keys.size() != values.size()) {
      throw new IllegalArgumentException(
          keys.size() + " keys but " + values.size() + " values; they must pair up");
    }
    for (int i = 0; i < values.size(); i++) {
      Objects.requireNonNull(values.get(i), "values[" + i + "]");
    }
    long ttlMillis = ttlMillis(ttl);
    perNode(keys, false, (guard, indexes) -> {
      String region = regionOf(keys, indexes);
      if (!guard.admits(CacheOperation.PUT_ALL, region)) {
        return;
      }
      List<byte[]> storageKeys = new ArrayList<>(indexes.size());
      List<byte[]> framed = new ArrayList<>(indexes.size());
      for (int i : indexes) {
        storageKeys.add(storageKey(guard, keys.get(i)));
        framed.add(frame(guard, keys.get(i), values.get(i)));
      }
      call(guard, CacheOperation.PUT_ALL, region, () -> {
        guard.node().putAll(storageKeys, framed, ttlMillis);
        return null;
      }, null);
    });
  }

  /**
   * A shared counter (see {@link CacheNode#increment}): {@code seed} if {@code key} holds no
   * counter (absent, or expired), and it then lives {@code ttl}; otherwise the counter plus one,
   * its lifetime unchanged. Empty when its node cannot be reached, is out, or the step failed: a
   * failure counts against the node's breaker like a read's, and never quarantines it.
   *
   * <p>A counter starts again at {@code seed} when it expired or its node lost it (a node that was
   * cleared, or joined or left the ring, or evicted it): choose seeds that keep values rising, if
   * that matters. A counter key is used only through this method; a long key is stored under its
   * digest form, as any key is, but a counter has no frame to check it against. {@code seed} must
   * be at least 0.
   */
  public OptionalLong increment(byte[] key, long seed, Duration ttl) {
    CacheNode.checkSeed(seed);
    long ttlMillis = ttlMillis(ttl);
    NodeGuard guard = guardFor(key);
    String region = regionOf(key);
    if (!guard.admits(CacheOperation.INCREMENT, region)) {
      return OptionalLong.empty();
    }
    return call(guard, CacheOperation.INCREMENT, region,
        () -> OptionalLong.of(guard.node().increment(storageKey(guard, key), seed, ttlMillis)),
        OptionalLong.empty());
  }

  // ---- the entry protocol (DESIGN.md §4)

  /**
   * A protocol read; with {@code wantLease}, a miss grants this caller a lease to put. A node that
   * cannot be reached gives a miss without a lease: the caller reads the database and puts
   * nothing.
   */
  public Lookup getOrLease(byte[] key, boolean wantLease, EntryTimes times) {
    Objects.requireNonNull(times, "times");
    NodeGuard guard = guardFor(key);
    String region = regionOf(key);
    if (!guard.admits(CacheOperation.GET_OR_LEASE, region)) {
      return Lookup.miss();
    }
    Lookup found = call(guard, CacheOperation.GET_OR_LEASE, region,
        () -> guard.node().getOrLease(storageKey(guard, key), wantLease,
            Long.toHexString(ThreadLocalRandom.current().nextLong()), times),
        Lookup.miss());
    if (!found.isHit()) {
      return found;
    }
    byte[] value = unframe(guard, CacheOperation.GET_OR_LEASE, key, found.value());
    return value == null ? Lookup.miss() : Lookup.hit(value, found.version());
  }

  /**
   * Puts a loaded value, with the lease a miss granted or without one (see DESIGN.md §4); {@link
   * PutOutcome#SKIPPED} when the node cannot take it.
   */
  public PutOutcome putFromLoad(byte[] key, byte[] value, long version,
      @Nullable String leaseToken, boolean minimal, EntryTimes times) {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(times, "times");
    if (leaseToken != null) {
      EntryProtocol.checkId("leaseToken", leaseToken);
    }
    NodeGuard guard = guardFor(key);
    String region = regionOf(key);
    if (!guard.admits(CacheOperation.PUT_FROM_LOAD, region)) {
      return PutOutcome.SKIPPED;
    }
    return call(guard, CacheOperation.PUT_FROM_LOAD, region,
        () -> guard.node().putFromLoad(storageKey(guard, key), frame(guard, key, value), version,
            leaseToken, minimal, times), PutOutcome.SKIPPED);
  }

  /**
   * Locks the key for a writer; whether another writer already held it. A lock that cannot be
   * delivered quarantines its node (and returns false).
   */
  public boolean lock(byte[] key, String lockId, EntryTimes times) {
    EntryProtocol.checkId("lockId", lockId);
    Objects.requireNonNull(times, "times");
    NodeGuard guard = guardFor(key);
    String region = regionOf(key);
    if (!guard.admits(CacheOperation.LOCK, region)) {
      return false;
    }
    return call(guard, CacheOperation.LOCK, region,
        () -> guard.node().lock(storageKey(guard, key), lockId, times), false);
  }

  /**
   * Releases a writer's lock after its transaction completed. An unlock that cannot be delivered
   * quarantines its node: {@link UnlockOutcome#NOT_DELIVERED}.
   */
  public UnlockOutcome unlock(byte[] key, Unlock unlock, EntryTimes times) {
    Objects.requireNonNull(unlock, "unlock");
    Objects.requireNonNull(times, "times");
    NodeGuard guard = guardFor(key);
    String region = regionOf(key);
    if (!guard.admits(CacheOperation.UNLOCK, region)) {
      return UnlockOutcome.NOT_DELIVERED;
    }
    return call(guard, CacheOperation.UNLOCK, region,
        () -> guard.node().unlock(storageKey(guard, key), framed(guard, key, unlock), times),
        UnlockOutcome.NOT_DELIVERED);
  }

  /**
   * Locks several keys for one writer (a flush's locks): the results in the order of the keys,
   * each what {@link #lock} would have returned, the keys locked one after another. The keys are
   * sent as one batch per node, the nodes in parallel, so a flush's locks on one node cost about
   * one round trip of latency. The keys of a node that is out, or whose batch fails, are false,
   * and the node is quarantined, as for an undelivered {@link #lock}. An interrupt of the caller
   * does not end its wait for the batches: it is set again when they are done. No keys, no batch.
   */
  public List<Boolean> lockAll(List<byte[]> keys, String lockId, EntryTimes times) {
    Objects.requireNonNull(keys, "keys");
    EntryProtocol.checkId("lockId", lockId);
    Objects.requireNonNull(times, "times");
    Boolean[] locked = new Boolean[keys.size()];
    Arrays.fill(locked, Boolean.FALSE);
    perNode(keys, true, (guard, indexes) -> {
      String region = regionOf(keys, indexes);
      if (!guard.admits(CacheOperation.LOCK_ALL, region)) {
        return;
      }
      List<byte[]> storageKeys = new ArrayList<>(indexes.size());
      for (int i : indexes) {
        storageKeys.add(storageKey(guard, keys.get(i)));
      }
      List<Boolean> found = call(guard, CacheOperation.LOCK_ALL, region,
          () -> guard.node().lockAll(storageKeys, lockId, times), null);
      if (found == null) {
        return;
      }
      for (int j = 0; j < indexes.size(); j++) {
        locked[indexes.get(j)] = found.get(j);
      }
    });
    return List.of(locked);
  }

  /**
   * Releases a writer's locks on several keys after its transaction completed: {@code
   * unlocks.get(i)} releases {@code keys.get(i)}. The outcomes in the order of the keys, each what
   * {@link #unlock} would have returned; one batch per node, as {@link #lockAll}. The keys of a
   * node that is out, or whose batch fails, are {@link UnlockOutcome#NOT_DELIVERED}, and the node
   * is quarantined.
   */
  public List<UnlockOutcome> unlockAll(List<byte[]> keys, List<Unlock> unlocks,
      EntryTimes times) {
    CacheNode.checkUnlocks(keys, unlocks);
    Objects.requireNonNull(times, "times");
    return unlockAll(keys, unlocks, Collections.nCopies(keys.size(), times));
  }

  /**
   * {@link #unlockAll(List, List, EntryTimes)} with each key's own times, {@code times.get(i)}
   * for {@code keys.get(i)}: a transaction's unlocks over regions of different lifetimes still
   * go out as one batch per node.
   */
  public List<UnlockOutcome> unlockAll(List<byte[]> keys, List<Unlock> unlocks,
      List<EntryTimes> times) {
    CacheNode.checkUnlocks(keys, unlocks, times);
    UnlockOutcome[] outcomes = new UnlockOutcome[keys.size()];
    Arrays.fill(outcomes, UnlockOutcome.NOT_DELIVERED);
    perNode(keys, true, (guard, indexes) -> {
      String region = regionOf(keys, indexes);
      if (!guard.admits(CacheOperation.UNLOCK_ALL, region)) {
        return;
      }
      List<byte[]> storageKeys = new ArrayList<>(indexes.size());
      List<Unlock> framed = new ArrayList<>(indexes.size());
      List<EntryTimes> nodeTimes = new ArrayList<>(indexes.size());
      for (int i : indexes) {
        storageKeys.add(storageKey(guard, keys.get(i)));
        framed.add(framed(guard, keys.get(i), unlocks.get(i)));
        nodeTimes.add(times.get(i));
      }
      List<UnlockOutcome> found = call(guard, CacheOperation.UNLOCK_ALL, region,
          () -> guard.node().unlockAll(storageKeys, framed, nodeTimes), null);
      if (found == null) {
        return;
      }
      for (int j = 0; j < indexes.size(); j++) {
        outcomes[indexes.get(j)] = found.get(j);
      }
    });
    return List.of(outcomes);
  }

  /** Caches a newly inserted entity after its transaction committed; skipped if the node is down. */
  public InsertOutcome afterInsert(byte[] key, byte[] value, long version, EntryTimes times) {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(times, "times");
    NodeGuard guard = guardFor(key);
    String region = regionOf(key);
    if (!guard.admits(CacheOperation.AFTER_INSERT, region)) {
      return InsertOutcome.SKIPPED;
    }
    return call(guard, CacheOperation.AFTER_INSERT, region,
        () -> guard.node().afterInsert(storageKey(guard, key), frame(guard, key, value), version,
            times), InsertOutcome.SKIPPED);
  }

  /**
   * Invalidates the key: it becomes a tombstone, unless a writer holds it. An eviction that cannot
   * be delivered quarantines its node: {@link EvictOutcome#NOT_DELIVERED}.
   */
  public EvictOutcome evict(byte[] key, EntryTimes times) {
    Objects.requireNonNull(times, "times");
    NodeGuard guard = guardFor(key);
    String region = regionOf(key);
    if (!guard.admits(CacheOperation.EVICT, region)) {
      return EvictOutcome.NOT_DELIVERED;
    }
    return call(guard, CacheOperation.EVICT, region,
        () -> guard.node().evict(storageKey(guard, key), times), EvictOutcome.NOT_DELIVERED);
  }

  /**
   * Drops the committed value under {@code key} if it is still exactly {@code value}, as a
   * {@link #getOrLease} hit returned it, leaving the key absent rather than a tombstone ({@link
   * CacheNode#dropValue}): for a value the caller cannot use, so that the next load can cache
   * the current one. Whether it was dropped. Not an invalidation: false when its node is out or
   * fails, and a failure counts against the node's breaker as a read's does, never quarantining
   * it.
   */
  public boolean dropValue(byte[] key, byte[] value) {
    Objects.requireNonNull(value, "value");
    NodeGuard guard = guardFor(key);
    String region = regionOf(key);
    if (!guard.admits(CacheOperation.DROP_VALUE, region)) {
      return false;
    }
    return call(guard, CacheOperation.DROP_VALUE, region,
        () -> guard.node().dropValue(storageKey(guard, key), frame(guard, key, value)), false);
  }

  // ---- membership and state

  /** The ids of the nodes, in ring order of addition. */
  public List<String> nodeIds() {
    return ring.nodeIds();
  }

  /** The id of the node that owns {@code key}. */
  public String nodeIdFor(byte[] key) {
    return guardFor(key).id();
  }

  /** The share of keys each node owns, by node id (see {@link ConsistentHashRing#ownership()}). */
  public Map<String, Double> ownership() {
    return ring.ownership();
  }

  /**
   * What each node holds under {@code keyPrefix}, in the order of {@link #nodeIds()}: e.g. {@code
   * usage(CacheKey.prefix(namespace, region))} for a region. Each node walks all its keys, so this
   * is for statistics and tools, not for a hot path. A node that is down or quarantined, that
   * fails, or that cannot list its keys reports {@link NodeUsage#unknown}; this neither trips nor
   * resets its breaker. Keys longer than a node accepts are stored under a digest form that keeps
   * their first 64 bytes: they are counted if {@code keyPrefix} is no longer than that.
   */
  public List<NodeUsage> usage(byte[] keyPrefix) {
    Objects.requireNonNull(keyPrefix, "keyPrefix");
    checkOpen();
    ConsistentHashRing<NodeGuard> snapshot = ring;
    List<NodeUsage> usage = new ArrayList<>();
    for (String id : snapshot.nodeIds()) {
      NodeGuard guard = snapshot.node(id);
      NodeState state = guard.state();
      if (state == NodeState.DOWN || state == NodeState.QUARANTINED) {
        usage.add(NodeUsage.unknown(id));
        continue;
      }
      try {
        usage.add(guard.node().usage(keyPrefix));
      } catch (RuntimeException e) {
        usage.add(NodeUsage.unknown(id));
      }
    }
    return List.copyOf(usage);
  }

  /** Where the node {@code id} stands: up, down, quarantined, or taking no puts yet. */
  public NodeState nodeState(String id) {
    Objects.requireNonNull(id, "id");
    return ring.node(id).state();
  }

  /**
   * Opens the node named by {@code uri} and adds it to the ring; returns its id. A node that joins
   * starts empty: it is cleared when it first answers, and takes no puts for the quarantine
   * period, so the keys it takes over cannot receive data read before their invalidations went to
   * their previous node (DESIGN.md §5).
   */
  public String addNode(String uri) {
    NodeUri parsed = NodeUri.parse(uri);
    synchronized (membership) {
      checkOpen();
      NodeGuard guard = open(parsed);
      try {
        if (ring.contains(guard.id())) {
          throw new ConfigurationException("node URI '" + parsed + "': the ring already has a node "
              + "with id '" + guard.id() + "'");
        }
        ConsistentHashRing<NodeGuard> bigger = ring.with(guard.id(), guard, parsed.weight());
        guard.clearForMembershipChange();
        ring = bigger;
      } catch (IllegalArgumentException e) {
        guard.close();
        throw new ConfigurationException("node URI '" + parsed + "': " + e.getMessage(), e);
      } catch (RuntimeException e) {
        guard.close();
        throw e;
      }
      return guard.id();
    }
  }

  /**
   * Removes the node {@code id} from the ring, then closes it. Calls still running on it fail
   * (and are handled as failures). Its keys move to the other nodes, which may hold old values
   * for them from an earlier membership, and lack the locks and tombstones the removed node held:
   * so every remaining node is cleared first and takes no puts for the quarantine period (a
   * node that cannot be cleared now is quarantined). A removal costs a cold cache.
   */
  public void removeNode(String id) {
    Objects.requireNonNull(id, "id");
    synchronized (membership) {
      checkOpen();
      NodeGuard guard = ring.node(id);
      ConsistentHashRing<NodeGuard> smaller = ring.without(id);
      for (NodeGuard remaining : smaller.nodes()) {
        remaining.clearForMembershipChange();
      }
      ring = smaller;
      guard.close();
    }
  }

  /** Closes every node and the cache's threads; idempotent. */
  @Override
  public void close() {
    synchronized (membership) {
      if (closed) {
        return;
      }
      closed = true;
      batches.shutdownNow();
      prober.shutdownNow();
      for (NodeGuard guard : ring.nodes()) {
        guard.close();
      }
    }
  }

  @Override
  public String toString() {
    return "ShardedCache" + ring.nodes();
  }

  // ---- internals

  /** The node behind {@code id}, for tests that look at what is stored. */
  CacheNode node(String id) {
    return ring.node(id).node();
  }

  private NodeGuard guardFor(byte[] key) {
    Objects.requireNonNull(key, "key");
    checkOpen();
    return ring.nodeFor(key);
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this ShardedCache is closed");
    }
  }

  /**
   * Runs one operation that {@code guard} has just admitted ({@link NodeGuard#admits}, asked by
   * the caller first, so that a node that is out costs no lambda, key digest or frame), with any
   * failure turned into {@code fallback}: a cache failure never reaches the caller.
   */
  private <R> R call(NodeGuard guard, CacheOperation operation, String region,
      Supplier<R> work, R fallback) {
    long start = System.nanoTime();
    try {
      R result = work.get();
      guard.succeeded(operation, region, System.nanoTime() - start);
      return result;
    } catch (RuntimeException e) {
      guard.failed(operation, region, System.nanoTime() - start, e);
      return fallback;
    }
  }

  /** The region of {@code key} for the metrics; not looked for when nothing records it. */
  private String regionOf(byte[] key) {
    return metrics == CacheMetrics.NONE ? CacheMetrics.NO_REGION : regionNames.of(key);
  }

  private String regionOf(List<byte[]> keys, List<Integer> indexes) {
    return metrics == CacheMetrics.NONE ? CacheMetrics.NO_REGION
        : regionNames.of(keys, indexes);
  }

  private byte @Nullable [] unframe(NodeGuard guard, CacheOperation operation, byte[] key,
      byte[] stored) {
    byte[] value = StorageKeys.unframe(guard.node(), key, stored);
    if (value == null) {
      metrics.codecRejected(guard.id(), operation);
    }
    return value;
  }

  private static byte[] storageKey(NodeGuard guard, byte[] key) {
    return StorageKeys.storageKey(guard.node(), key);
  }

  private static byte[] frame(NodeGuard guard, byte[] key, byte[] value) {
    return StorageKeys.frame(guard.node(), key, value);
  }

  /** The unlock to send: its value, if any, framed with the whole key if the key is digested. */
  private static Unlock framed(NodeGuard guard, byte[] key, Unlock unlock) {
    byte[] value = unlock.value();
    return value == null || !StorageKeys.digested(guard.node(), key) ? unlock
        : Unlock.committedValue(unlock.lockId(), frame(guard, key, value), unlock.version());
  }

  private static long ttlMillis(Duration ttl) {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative() || ttl.toMillis() < 1 || ttl.compareTo(EntryTimes.MAX_TTL) > 0) {
      throw new IllegalArgumentException("ttl must be from 1 ms to " + EntryTimes.MAX_TTL.toDays()
          + " days, was " + ttl);
    }
    return EntryTimes.checkTtlMillis(ttl.toMillis());
  }

  /**
   * Groups the keys by owning node and runs {@code work} once per node, in parallel. An interrupt
   * of the caller ends its wait for the other nodes' batches, unless they carry invalidations:
   * those must not be given up on (one may not have started yet, and would then be neither sent
   * nor counted as undelivered), so the caller waits them out, and its interrupt flag is set
   * again.
   */
  private void perNode(List<byte[]> keys, boolean invalidations,
      BiConsumer<NodeGuard, List<Integer>> work) {
    checkOpen();
    ConsistentHashRing<NodeGuard> snapshot = ring;
    Map<NodeGuard, List<Integer>> groups = new IdentityHashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      byte[] key = Objects.requireNonNull(keys.get(i), "keys[" + i + "]");
      groups.computeIfAbsent(snapshot.nodeFor(key), n -> new ArrayList<>()).add(i);
    }
    List<Map.Entry<NodeGuard, List<Integer>>> work0 = new ArrayList<>(groups.entrySet());
    if (work0.isEmpty()) {
      return;
    }
    List<Future<?>> others = new ArrayList<>();
    try {
      for (Map.Entry<NodeGuard, List<Integer>> group : work0.subList(1, work0.size())) {
        others.add(batches.submit(() -> work.accept(group.getKey(), group.getValue())));
      }
    } catch (RejectedExecutionException e) {
      others.forEach(f -> f.cancel(true));
      throw new IllegalStateException("this ShardedCache was closed during a batch", e);
    }
    work.accept(work0.get(0).getKey(), work0.get(0).getValue()); // one batch in this thread
    boolean interrupted = false;
    try {
      for (Future<?> other : others) {
        while (true) {
          try {
            other.get();
            break;
          } catch (ExecutionException e) {
            // call() turns node failures into fallbacks, so this is a bug in the batch itself
            throw e.getCause() instanceof RuntimeException r ? r
                : new RingCacheException("a batch failed", e.getCause());
          } catch (InterruptedException e) {
            if (invalidations) {
              interrupted = true; // waited out below, the flag set again at the end
              continue;
            }
            Thread.currentThread().interrupt();
            others.forEach(f -> f.cancel(true));
            return; // the caller was interrupted: what the other batches found is not waited for
          }
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Forwards a node's events to the cache's metrics under the node's id. */
  private static final class ForwardedEvents implements NodeEvents {
    private final CacheMetrics metrics;
    volatile String nodeId = "(opening)";

    ForwardedEvents(CacheMetrics metrics) {
      this.metrics = metrics;
    }

    @Override
    public void casRetried(CacheOperation operation, int retries) {
      metrics.casRetried(nodeId, operation, retries);
    }

    @Override
    public void itemTooLarge(CacheOperation operation) {
      metrics.itemTooLarge(nodeId, operation);
    }

    @Override
    public void recordUnreadable(CacheOperation operation) {
      metrics.codecRejected(nodeId, operation);
    }
  }

  /**
   * Collects the nodes, placement, replicas, failure handling and metrics of a new {@link
   * ShardedCache}.
   *
   * <p>Not thread-safe.
   */
  public static final class Builder {
    private final List<String> uris = new ArrayList<>();
    private Placement placement = Placement.DEFAULT;
    private int replicas;
    private @Nullable ClassLoader loader;
    private CacheMetrics metrics = CacheMetrics.NONE;
    private int failureThreshold = DEFAULT_FAILURE_THRESHOLD;
    private Duration probeInterval = DEFAULT_PROBE_INTERVAL;
    private Duration quarantine = DEFAULT_QUARANTINE;

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

    /** Where to report what the cache does; {@link CacheMetrics#NONE} if not set. */
    public Builder metrics(CacheMetrics metrics) {
      this.metrics = Objects.requireNonNull(metrics, "metrics");
      return this;
    }

    /**
     * Failed reads or puts in a row that open a node's breaker; {@value
     * #DEFAULT_FAILURE_THRESHOLD} if not set. A timeout opens it at once.
     */
    public Builder failureThreshold(int failures) {
      if (failures < 1 || failures > 1000) {
        throw new IllegalArgumentException("failureThreshold must be from 1 to 1000, was "
            + failures);
      }
      this.failureThreshold = failures;
      return this;
    }

    /** How often a node whose breaker is open is probed; 1 s if not set. */
    public Builder probeInterval(Duration interval) {
      this.probeInterval = between(interval, "probeInterval", Duration.ofMillis(10),
          Duration.ofMinutes(10));
      return this;
    }

    /**
     * How long a node takes no puts after it was cleared or joined the ring; at least 2Θ (twice
     * the longest transaction) for the guarantee of DESIGN.md §4; 2 min if not set.
     */
    public Builder quarantine(Duration quarantine) {
      this.quarantine = between(quarantine, "quarantine", Duration.ZERO, Duration.ofDays(1));
      return this;
    }

    private static Duration between(Duration d, String name, Duration min, Duration max) {
      Objects.requireNonNull(d, name);
      if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
        throw new IllegalArgumentException(name + " must be from " + DurationFormat.format(min)
            + " to " + DurationFormat.format(max) + ", was " + DurationFormat.format(d));
      }
      return d;
    }

    /**
     * Opens every node, pings them all, and builds the ring. Fails with a {@link
     * ConfigurationException} for a bad URI, an unknown scheme, a duplicate node, a bad ring, or a
     * node that refuses its credentials; nodes already opened are closed. Nodes that cannot be
     * reached do not stop the start: they start down and are probed.
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
      return new ShardedCache(this, NodeProviders.load(classLoader), parsed);
    }
  }
}
