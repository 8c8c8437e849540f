package dev.ringcache.memcached;

import static java.nio.charset.StandardCharsets.US_ASCII;

import dev.ringcache.api.CacheOperation;
import dev.ringcache.api.CacheTimeoutException;
import dev.ringcache.api.ConfigurationException;
import dev.ringcache.api.EntryTimes;
import dev.ringcache.api.EvictOutcome;
import dev.ringcache.api.InsertOutcome;
import dev.ringcache.api.Lookup;
import dev.ringcache.api.NodeUnavailableException;
import dev.ringcache.api.NodeUsage;
import dev.ringcache.api.PutOutcome;
import dev.ringcache.api.RecordLostException;
import dev.ringcache.api.RingCacheException;
import dev.ringcache.api.Unlock;
import dev.ringcache.api.UnlockOutcome;
import dev.ringcache.api.spi.CacheNode;
import dev.ringcache.api.spi.EntryProtocol;
import dev.ringcache.api.spi.EntryProtocol.Step;
import dev.ringcache.api.spi.EntryRecord;
import dev.ringcache.api.spi.NodeEvents;
import dev.ringcache.memcached.internal.SpymemcachedLogger;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import net.spy.memcached.CASResponse;
import net.spy.memcached.CASValue;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.ConnectionObserver;
import net.spy.memcached.FailureMode;
import net.spy.memcached.auth.AuthDescriptor;
import net.spy.memcached.auth.PlainCallbackHandler;
import net.spy.memcached.internal.OperationFuture;
import net.spy.memcached.ops.OperationException;
import net.spy.memcached.ops.OperationStatus;
import net.spy.memcached.ops.StatusCode;
import net.spy.memcached.protocol.binary.BinaryOperationFactory;
import org.jspecify.annotations.Nullable;

/**
 * One memcached server, through a spymemcached client of its own (binary protocol, one daemon IO
 * thread, requests cancelled at once while the connection is down). Each key holds one item: a
 * whole {@link EntryRecord} in {@link RecordFormat}, written by {@link ItemTranscoder}; or, for a
 * counter ({@link #increment}), memcached's own decimal counter.
 *
 * <p>Every protocol operation is a compare-and-set step: {@code gets}, the reference machine
 * ({@link EntryProtocol}) on what it read, and — only if the record changed — an {@code add}
 * (nothing was there) or a {@code cas} (something was, even an expired record or an item of
 * someone else's), read again when another client wrote in between. So a step costs one request
 * when nothing changes and two when it does, without contention. This JVM's threads take turns on
 * a key (a striped lock) rather than race each other: retries are for races with other JVMs. A
 * batch of locks or unlocks ({@link #lockAll}, {@link #unlockAll}) sends the requests of all its
 * keys together: two round trips of latency for the batch, when none of its keys loses a race.
 *
 * <p>Expiry times are in the node's clock, the server's as {@link ServerClock} bounds it: a record
 * expires by the lower bound and new expiry times count from the upper one; memcached's own
 * expiration ({@link ItemExpiry}) only reclaims items after their records expired. A record larger
 * than {@code maxItemSize} is not sent: puts are skipped (a plain put removes what the key held),
 * an unlock that would write it leaves a tombstone instead, and {@link NodeEvents#itemTooLarge}
 * counts each. A {@code cas} the server refuses (too large after all, out of memory) makes it drop
 * the item under the key, whoever wrote it: that is a {@link RecordLostException}.
 *
 * <p>Each operation has one deadline for all it waits for — connection, authentication, clock,
 * requests, retries, this JVM's other steps on the key ({@link #BUDGET_TIMEOUTS} times the
 * timeout; {@link #INVALIDATION_BUDGET_TIMEOUTS} for an invalidation, since giving up on one
 * quarantines the node), and no request waits more than the timeout. An invalidation (lock,
 * unlock, evict, delete) is not ended by an interrupt of its caller, which would quarantine the
 * node: it waits on, and the interrupt flag is set again when it returns; any other operation
 * ends with a {@link NodeUnavailableException} and the flag set.
 *
 * <p>spymemcached's exceptions never leave this class: no answer in time is a {@link
 * CacheTimeoutException}, a connection that is down or lost a {@link NodeUnavailableException},
 * credentials the server refuses a {@link ConfigurationException} — from then on for every use,
 * and the client is shut down, ending spymemcached's endless re-authentication ({@link
 * SaslWatch}).
 *
 * <p>Created by {@link MemcachedNodeProvider}; owned and closed by whoever opened it. The client
 * is made at first use, not at opening. Thread-safe.
 */
final class MemcachedNode implements CacheNode {
  static final int MAX_KEY_LENGTH = 250;
  /** Compare-and-set attempts of one step before it gives up on a contended key. */
  static final int MAX_ATTEMPTS = 16;
  /** Locks that keep this JVM's steps on one key from racing each other (keys share them). */
  static final int STRIPE_BITS = 8;
  static final int STRIPES = 1 << STRIPE_BITS;
  /**
   * What memcached 1.6 counts against its item size limit beside key and value: a 48-byte item
   * header, 8 bytes of CAS, 4 of client flags, the key's terminator and the value's CRLF.
   */
  static final int ITEM_OVERHEAD = 64;
  /** The longest wait between reconnect attempts, in seconds (spymemcached's default is 30). */
  static final int MAX_RECONNECT_DELAY_SECONDS = 2;
  /** How many timeouts an operation may take in all, waits and retries included. */
  static final int BUDGET_TIMEOUTS = 2;
  /** How many timeouts an invalidation may take in all: failing it quarantines the node. */
  static final int INVALIDATION_BUDGET_TIMEOUTS = 4;

  private static final System.Logger LOG = System.getLogger(MemcachedNode.class.getName());
  private static final long CONNECT_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  static {
    SpymemcachedLogger.installUnlessConfigured(); // before spymemcached logs anything
  }

  /** Where the node stands, for its log: one line per change. */
  private enum Health {
    NEW,
    UP,
    DOWN,
    REFUSED
  }

  /** One step of the reference machine on the record a {@code gets} found. */
  @FunctionalInterface
  private interface Transition<R> {
    Step<R> apply(@Nullable EntryRecord current, long now);
  }

  /** How a write ended. */
  private enum Written {
    STORED,
    /** Another client wrote first (add: something is there; cas: it changed). */
    LOST_RACE,
    /** The item the cas was to replace is gone: it expired, was deleted, or the node flushed. */
    VANISHED,
    /** Larger than the node's item size limit (not sent), or an add the server found so. */
    TOO_LARGE
  }

  private final String id;
  private final MemcachedNodeOptions options;
  private final NodeEvents events;
  private final ServerClock clock = ServerClock.system();
  /** Held while the clock is measured, so that threads measure it one at a time. */
  private final ReentrantLock clockSync = new ReentrantLock();
  private final AtomicReference<Health> health = new AtomicReference<>(Health.NEW);
  private final Object lifecycle = new Object();
  private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];
  private volatile @Nullable SpyClient client; // made at first use, under lifecycle
  private volatile @Nullable SaslWatch sasl;
  private volatile boolean closed;
  private volatile boolean connectedOnce;

  MemcachedNode(String id, MemcachedNodeOptions options, NodeEvents events) {
    this.id = id;
    this.options = options;
    this.events = events;
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new ReentrantLock();
    }
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public int maxKeyLength() {
    return MAX_KEY_LENGTH;
  }

  /** 1 to 250 bytes of printable ASCII: what memcached takes as a key in both protocols. */
  @Override
  public boolean acceptsKey(byte[] key) {
    if (key.length == 0 || key.length > MAX_KEY_LENGTH) {
      return false;
    }
    for (byte b : key) {
      if (b < 0x21 || b > 0x7E) {
        return false;
      }
    }
    return true;
  }

  // ---- plain operations

  @Override
  public byte @Nullable [] get(byte[] key) {
    String k = keyText(key);
    Call call = new Call(CacheOperation.GET);
    SpyClient c = ready(call);
    byte[] item = await(send(call, () -> c.asyncGet(k, ItemTranscoder.INSTANCE)), call);
    return item == null ? null : valueOf(item, CacheOperation.GET);
  }

  @Override
  public List<byte @Nullable []> getAll(List<byte[]> keys) {
    Objects.requireNonNull(keys, "keys");
    if (keys.isEmpty()) {
      return List.of();
    }
    List<String> texts = new ArrayList<>(keys.size());
    for (byte[] key : keys) {
      texts.add(keyText(key));
    }
    Call call = new Call(CacheOperation.GET_ALL);
    SpyClient c = ready(call);
    Map<String, byte[]> found =
        await(send(call, () -> c.asyncGetBulk(texts, ItemTranscoder.INSTANCE)), call);
    List<byte @Nullable []> values = new ArrayList<>(keys.size());
    for (String k : texts) {
      byte[] item = found.get(k);
      values.add(item == null ? null : valueOf(item, CacheOperation.GET_ALL));
    }
    return values;
  }

  @Override
  public void put(byte[] key, byte[] value, long ttlMillis) {
    Objects.requireNonNull(value, "value");
    EntryTimes.checkTtlMillis(ttlMillis);
    String k = keyText(key);
    Call call = new Call(CacheOperation.PUT);
    SpyClient c = ready(call);
    finishPlainWrite(plainWrite(c, k, value, ttlMillis, call), call);
  }

  @Override
  public void putAll(List<byte[]> keys, List<byte[]> values, long ttlMillis) {
    Objects.requireNonNull(keys, "keys");
    Objects.requireNonNull(values, "values");
    if (keys.size() != values.size()) {
      throw new IllegalArgumentException(
          keys.size() + " keys but " + values.size() + " values; they must pair up");
    }
    EntryTimes.checkTtlMillis(ttlMillis);
    if (keys.isEmpty()) {
      return;
    }
    List<String> texts = new ArrayList<>(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      texts.add(keyText(keys.get(i)));
      Objects.requireNonNull(values.get(i), "values[" + i + "]");
    }
    Call call = new Call(CacheOperation.PUT_ALL);
    SpyClient c = ready(call);
    // Pipelined: every write is on its way before the first answer is awaited.
    List<OperationFuture<Boolean>> writes = new ArrayList<>(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      writes.add(plainWrite(c, texts.get(i), values.get(i), ttlMillis, call));
    }
    for (OperationFuture<Boolean> write : writes) {
      finishPlainWrite(write, call);
    }
  }

  @Override
  public boolean delete(byte[] key) {
    String k = keyText(key);
    Call call = new Call(CacheOperation.DELETE);
    try {
      SpyClient c = ready(call);
      OperationFuture<Boolean> deleted = send(call, () -> c.delete(k));
      await(deleted, call);
      OperationStatus status = deleted.getStatus();
      if (status.isSuccess()) {
        return true;
      }
      if (status.getStatusCode() == StatusCode.ERR_NOT_FOUND) {
        return false;
      }
      throw refusedCommand(CacheOperation.DELETE, status);
    } finally {
      call.end();
    }
  }

  // ---- the entry protocol

  @Override
  public Lookup getOrLease(byte[] key, boolean wantLease, String nonce, EntryTimes times) {
    EntryProtocol.checkId("nonce", nonce);
    Objects.requireNonNull(times, "times");
    // Waiting too long behind this JVM's other steps on the key: a miss without a lease.
    return step(CacheOperation.GET_OR_LEASE, key,
        (r, now) -> EntryProtocol.getOrLease(r, wantLease, nonce, times, now), Lookup.miss(),
        null);
  }

  @Override
  public PutOutcome putFromLoad(byte[] key, byte[] value, long version,
      @Nullable String leaseToken, boolean minimal, EntryTimes times) {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(times, "times");
    if (leaseToken != null) {
      EntryProtocol.checkId("leaseToken", leaseToken);
    }
    // Too large, or this JVM's other steps on the key too slow: not stored, and the lease (if
    // any) stays for a later put.
    return step(CacheOperation.PUT_FROM_LOAD, key, (r, now) -> EntryProtocol.putFromLoad(r,
        value, version, leaseToken, minimal, times, now), PutOutcome.SKIPPED, null);
  }

  @Override
  public boolean lock(byte[] key, String lockId, EntryTimes times) {
    EntryProtocol.checkId("lockId", lockId);
    Objects.requireNonNull(times, "times");
    return step(CacheOperation.LOCK, key,
        (r, now) -> EntryProtocol.lock(r, lockId, times, now), null, null);
  }

  @Override
  public UnlockOutcome unlock(byte[] key, Unlock unlock, EntryTimes times) {
    Objects.requireNonNull(unlock, "unlock");
    Objects.requireNonNull(times, "times");
    return step(CacheOperation.UNLOCK, key,
        (r, now) -> EntryProtocol.unlock(r, unlock, times, now), null,
        invalidateOnly(unlock, times));
  }

  /**
   * The steps of {@link #lock} on every key at once ({@link #steps}): two round trips of latency
   * for the batch, more only for keys that lose a race.
   */
  @Override
  public List<Boolean> lockAll(List<byte[]> keys, String lockId, EntryTimes times) {
    CacheNode.checkKeys(keys);
    EntryProtocol.checkId("lockId", lockId);
    Objects.requireNonNull(times, "times");
    Transition<Boolean> lock = (r, now) -> EntryProtocol.lock(r, lockId, times, now);
    return steps(CacheOperation.LOCK_ALL, keys, i -> lock, i -> null);
  }

  /** The steps of {@link #unlock} on every key at once, as {@link #lockAll}. */
  @Override
  public List<UnlockOutcome> unlockAll(List<byte[]> keys, List<Unlock> unlocks,
      List<EntryTimes> times) {
    CacheNode.checkUnlocks(keys, unlocks, times);
    return steps(CacheOperation.UNLOCK_ALL, keys,
        i -> (r, now) -> EntryProtocol.unlock(r, unlocks.get(i), times.get(i), now),
        i -> invalidateOnly(unlocks.get(i), times.get(i)));
  }

  /**
   * What an unlock does instead when its record would be too large: a value too large to store
   * must not leave the lock or the old value, so the unlock then only invalidates, which leaves a
   * tombstone where the value would have gone. Null for an unlock without a value.
   */
  private static @Nullable Transition<UnlockOutcome> invalidateOnly(Unlock unlock,
      EntryTimes times) {
    return unlock.value() == null ? null : (r, now) -> EntryProtocol.unlock(r,
        Unlock.committedInvalidate(unlock.lockId(), unlock.version()), times, now);
  }

  @Override
  public InsertOutcome afterInsert(byte[] key, byte[] value, long version, EntryTimes times) {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(times, "times");
    return step(CacheOperation.AFTER_INSERT, key,
        (r, now) -> EntryProtocol.afterInsert(r, value, version, times, now),
        InsertOutcome.SKIPPED, null);
  }

  @Override
  public EvictOutcome evict(byte[] key, EntryTimes times) {
    Objects.requireNonNull(times, "times");
    return step(CacheOperation.EVICT, key,
        (r, now) -> EntryProtocol.evict(r, times, now), null, null);
  }

  /**
   * The reference machine's {@link EntryProtocol#dropValue} as a step: it deletes the item with
   * the CAS it read, so that a change since the read (another client's lock, say) wins and the
   * step reads again, as a lost race does. Not an invalidation: this JVM's steps before it on the
   * key taking too long is a {@code false} (nothing dropped), like a refused put.
   */
  @Override
  public boolean dropValue(byte[] key, byte[] expectedValue) {
    Objects.requireNonNull(expectedValue, "expectedValue");
    return step(CacheOperation.DROP_VALUE, key,
        (r, now) -> EntryProtocol.dropValue(r, expectedValue, now), false, null);
  }

  // ---- counters

  /**
   * One binary {@code increment} with an initial value: memcached creates the counter at {@code
   * seed} if the key holds no item, else adds one, in one request. The item is memcached's own
   * counter (a decimal, not a record of ours), and memcached's expiration is its only lifetime:
   * set at creation, counted in whole seconds ({@link ItemExpiry}: it lives up to two seconds
   * longer than asked, never shorter; over 30 days as an absolute time in the server's clock).
   */
  @Override
  public long increment(byte[] key, long seed, long ttlMillis) {
    CacheNode.checkSeed(seed);
    EntryTimes.checkTtlMillis(ttlMillis);
    String k = keyText(key);
    Call call = new Call(CacheOperation.INCREMENT);
    SpyClient c = ready(call); // measures the server's clock if due: absolute exptimes need it
    long now = clock.upper();
    int exptime = ItemExpiry.exptime(now + ttlMillis, now);
    OperationFuture<Long> counted = send(call, () -> c.asyncIncr(k, 1L, seed, exptime));
    Long value = await(counted, call);
    OperationStatus status = counted.getStatus();
    if (!status.isSuccess()) {
      throw refusedCommand(CacheOperation.INCREMENT, status); // e.g. the item is not a number
    }
    return value;
  }

  // ---- administration

  /** One {@code stats} request: it proves the server answers, and measures its clock. */
  @Override
  public void ping() {
    Call call = new Call(CacheOperation.PING);
    SpyClient c = ready(call, false);
    syncClock(c, true, call);
    markUp();
  }

  /**
   * Counts with {@code lru_crawler metadump all} ({@link KeyDump}); unknown for a node that
   * requires SASL, since such a server takes no text commands.
   */
  @Override
  public NodeUsage usage(byte[] keyPrefix) {
    ready(new Call(CacheOperation.PING), false); // fails as other calls do once the node is closed
    if (options.authenticates()) {
      return NodeUsage.unknown(id);
    }
    return new KeyDump(id, options.host, options.port, Math.max(options.timeoutMillis, 1000),
        Math.max(options.timeoutMillis * 10, 5000)).usage(keyPrefix);
  }

  @Override
  public void clear() {
    Call call = new Call(CacheOperation.CLEAR);
    SpyClient c = ready(call);
    requireConnected(c); // a flush is not cancelled while the connection is down: it waits
    Boolean flushed = await(send(call, c::flush), call);
    if (!Boolean.TRUE.equals(flushed)) {
      throw new NodeUnavailableException("memcached node " + id + " did not flush its items");
    }
  }

  @Override
  public @Nullable EntryRecord inspect(byte[] key) {
    String k = keyText(key);
    Call call = new Call(CacheOperation.GET);
    SpyClient c = ready(call);
    byte[] item = await(send(call, () -> c.asyncGet(k, ItemTranscoder.INSTANCE)), call);
    EntryRecord record = item == null ? null : RecordFormat.decode(item);
    return record == null || record.expiresAtMillis() <= clock.lower() ? null : record;
  }

  /** The upper bound of the server's time: what expiry times written now count from. */
  @Override
  public long clockMillis() {
    return clock.upper();
  }

  @Override
  public void close() {
    SpyClient c;
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      c = client;
      client = null;
    }
    if (c != null) {
      shutDown(c);
    }
  }

  /** The options it was opened with, for tests. */
  MemcachedNodeOptions options() {
    return options;
  }

  @Override
  public String toString() {
    return "MemcachedNode[" + options + "]";
  }

  // ---- the compare-and-set step

  /**
   * Runs {@code transition} as one atomic step on {@code key}: reads the item, computes, and
   * writes only if the record changed, with add or cas (or, if the record goes, a delete with the
   * CAS read); reads again after a lost race (to another JVM, or to this one's reads), at most
   * {@link #MAX_ATTEMPTS} times, within the operation's deadline. {@code skipped}, if given, is
   * the answer when the step gives up without a failure of the node: the record is too large (and
   * there is no {@code instead} to go on with), this JVM's steps before it on the key took too
   * long, or — for a put — the item it was to replace vanished.
   */
  private <R> R step(CacheOperation op, byte[] key, Transition<R> transition,
      @Nullable R skipped, @Nullable Transition<R> instead) {
    String k = keyText(key);
    Call call = new Call(op);
    try {
      SpyClient c = ready(call);
      return step(c, k, call, transition, skipped, instead, 0);
    } finally {
      call.end();
    }
  }

  /**
   * The step of {@link #step(CacheOperation, byte[], Transition, Object, Transition)} through a
   * ready client, within {@code call}'s deadline. {@code lostBefore} counts races the step already
   * lost (in a batch, see {@link #steps}): it goes on as it would after losing that many itself,
   * its key's stripe taken and a back-off waited before it reads again.
   */
  private <R> R step(SpyClient c, String k, Call call, Transition<R> transition,
      @Nullable R skipped, @Nullable Transition<R> instead, int lostBefore) {
    CacheOperation op = call.op;
    ReentrantLock stripe = stripeFor(k);
    boolean serialized = false;
    Transition<R> current = transition;
    @Nullable Transition<R> fallback = instead;
    int retries = lostBefore;
    try {
      // Steps that write take their key's stripe, so that this JVM's threads do not race each
      // other for the same key; a read (getOrLease, mostly a hit) takes it only once it lost a
      // race. Waiting long for it is contention here, not a failure of the node.
      if (op != CacheOperation.GET_OR_LEASE || retries > 0) {
        serialized = lock(stripe, call);
        if (!serialized) {
          return contended(call, skipped);
        }
      }
      if (retries > 0) {
        backOff(retries, call);
      }
      while (true) {
        CASValue<byte[]> item = gets(c, k, call);
        EntryRecord read = item == null ? null : decode(item.getValue(), op);
        boolean lost = false;
        while (!lost) {
          long now = clock.upper();
          EntryRecord seen = judged(read, clock.lower(), now);
          Step<R> step = current.apply(seen, now);
          EntryRecord next = step.record();
          if (next == seen) {
            return step.result(); // nothing to write: a hit, a refusal, or still absent
          }
          // A record that goes (seen, so an item was read) is deleted with the item's CAS.
          byte[] bytes = encodedChange(step, seen, op);
          Written written = bytes == null ? write(c, k, item, null, 0, call)
              : fits(k, bytes)
                  ? write(c, k, item, bytes, ItemExpiry.exptime(next.expiresAtMillis(), now), call)
                  : Written.TOO_LARGE;
          if (written == Written.STORED) {
            return step.result();
          }
          if (written == Written.VANISHED && skipped != null && op.stores()) {
            // Gone since the read: maybe a flush of the node after an invalidation it missed.
            // What this put carries may have been read before that invalidation.
            return skipped;
          }
          if (written == Written.LOST_RACE || written == Written.VANISHED) {
            lost = true;
            continue;
          }
          events.itemTooLarge(op); // not sent, or an add the server refused: nothing changed
          if (fallback != null) {
            current = fallback; // the same record read: compute again, without another gets
            fallback = null;
            continue;
          }
          if (skipped != null) {
            return skipped;
          }
          throw tooLarge(op, bytes);
        }
        if (retries + 1 >= MAX_ATTEMPTS) {
          throw new NodeUnavailableException("memcached node " + id + ": key contention, "
              + op.tagValue() + " lost the compare-and-set race " + MAX_ATTEMPTS
              + " times in a row");
        }
        retries++;
        if (!serialized) {
          serialized = lock(stripe, call);
          if (!serialized) {
            return contended(call, skipped);
          }
        }
        backOff(retries, call);
      }
    } finally {
      if (serialized) {
        stripe.unlock();
      }
      if (retries > 0) {
        events.casRetried(op, retries);
      }
    }
  }

  /**
   * Runs a step on each key ({@code transitions.apply(i)} on key {@code i}, with {@code
   * insteads.apply(i)} for a record too large), with the results of {@link #step} on the keys one
   * after another in their order, but with the requests of all keys on their way together: a
   * {@code gets} for each key, then an {@code add} or {@code cas} for each whose record changed.
   * So the batch costs two round trips of latency, however many keys it has. A key that lost its
   * race, or that the server found too large, goes on alone as its own step would have (its own
   * back-off, reading again); a key that comes again in the batch waits for its earlier step,
   * so the batch runs in rounds of distinct keys. Only for invalidations (nothing is skipped):
   * one deadline for the whole batch, within which a round takes its keys' stripes in their
   * order (batches on other threads cannot deadlock with it).
   */
  private <R> List<R> steps(CacheOperation op, List<byte[]> keys,
      IntFunction<Transition<R>> transitions, IntFunction<@Nullable Transition<R>> insteads) {
    List<String> texts = new ArrayList<>(keys.size());
    for (byte[] key : keys) {
      texts.add(keyText(key)); // every key checked before anything is sent
    }
    if (keys.isEmpty()) {
      return List.of();
    }
    Object[] results = new Object[keys.size()];
    Call call = new Call(op);
    try {
      SpyClient c = ready(call);
      List<Integer> pending = new ArrayList<>(keys.size());
      for (int i = 0; i < keys.size(); i++) {
        pending.add(i);
      }
      while (!pending.isEmpty()) {
        Set<String> inRound = new HashSet<>();
        List<Integer> round = new ArrayList<>();
        List<Integer> later = new ArrayList<>();
        for (int i : pending) {
          (inRound.add(texts.get(i)) ? round : later).add(i);
        }
        // Keys that did not finish in the round, with the races each lost there.
        SortedMap<Integer, Integer> unfinished = stepRound(c, texts, round, transitions,
            insteads, results, call);
        for (Map.Entry<Integer, Integer> key : unfinished.entrySet()) {
          int i = key.getKey();
          results[i] = step(c, texts.get(i), call, transitions.apply(i), null, insteads.apply(i),
              key.getValue());
        }
        pending = later;
      }
    } finally {
      call.end();
    }
    @SuppressWarnings("unchecked")
    List<R> all = (List<R>) Arrays.asList(results);
    return all;
  }

  /**
   * One round of {@link #steps} on distinct keys, their stripes held throughout: the result of
   * each key that finished goes into {@code results}; the others are returned, with the races
   * each lost (0 for a record the server found too large: its step tries again, and falls back).
   */
  private <R> SortedMap<Integer, Integer> stepRound(SpyClient c, List<String> texts,
      List<Integer> round, IntFunction<Transition<R>> transitions,
      IntFunction<@Nullable Transition<R>> insteads, Object[] results, Call call) {
    CacheOperation op = call.op;
    SortedSet<Integer> stripeIndexes = new TreeSet<>();
    for (int i : round) {
      stripeIndexes.add(stripeIndex(texts.get(i)));
    }
    List<ReentrantLock> held = new ArrayList<>(stripeIndexes.size());
    SortedMap<Integer, Integer> unfinished = new TreeMap<>();
    try {
      for (int index : stripeIndexes) {
        if (!lock(stripes[index], call)) {
          return contended(call, null); // throws: an invalidation that waited all its time
        }
        held.add(stripes[index]);
      }
      List<OperationFuture<CASValue<byte[]>>> reads = new ArrayList<>(round.size());
      for (int i : round) {
        reads.add(sendGets(c, texts.get(i), call));
      }
      List<PendingWrite<R>> writes = new ArrayList<>(round.size());
      for (int j = 0; j < round.size(); j++) {
        int i = round.get(j);
        String k = texts.get(i);
        CASValue<byte[]> item = received(reads.get(j), call);
        EntryRecord read = item == null ? null : decode(item.getValue(), op);
        long now = clock.upper();
        EntryRecord seen = judged(read, clock.lower(), now);
        Step<R> step = transitions.apply(i).apply(seen, now);
        byte[] bytes = encodedChange(step, seen, op);
        if (bytes != null && !fits(k, bytes)) {
          // As step() does: not sent; the fallback on the same record read, or a failure.
          events.itemTooLarge(op);
          Transition<R> instead = insteads.apply(i);
          if (instead == null) {
            throw tooLarge(op, bytes);
          }
          step = instead.apply(seen, now);
          bytes = encodedChange(step, seen, op);
          if (bytes != null && !fits(k, bytes)) {
            events.itemTooLarge(op);
            throw tooLarge(op, bytes);
          }
        }
        EntryRecord next = step.record();
        if (next == seen) {
          results[i] = step.result(); // nothing to write: a refusal, or still absent
          continue;
        }
        // bytes null: the record goes, a delete with the CAS read (as in step())
        int exptime = next == null ? 0 : ItemExpiry.exptime(next.expiresAtMillis(), now);
        writes.add(new PendingWrite<>(i, item == null,
            sendWrite(c, k, item, bytes, exptime, call), step.result()));
      }
      for (PendingWrite<R> write : writes) {
        Written written = written(write.sent(), write.added(), call);
        if (written == Written.STORED) {
          results[write.index()] = write.result();
        } else {
          // The step on this key alone reports a server that finds the record too large.
          unfinished.put(write.index(), written == Written.TOO_LARGE ? 0 : 1);
        }
      }
      return unfinished;
    } finally {
      for (ReentrantLock stripe : held) {
        stripe.unlock();
      }
    }
  }

  /** A write of {@link #stepRound} on its way: to key {@code index}, answering {@code result}. */
  private record PendingWrite<R>(int index, boolean added, OperationFuture<?> sent, R result) {}

  private NodeUnavailableException tooLarge(CacheOperation op, byte[] bytes) {
    return new NodeUnavailableException("memcached node " + id + ": the record of "
        + op.tagValue() + " (" + bytes.length + " bytes) is larger than the server takes");
  }

  /** The stripe lock of a key (keys share them); tests hold one to stand for a slow step. */
  ReentrantLock stripeFor(String key) {
    return stripes[stripeIndex(key)];
  }

  private static int stripeIndex(String key) {
    return (key.hashCode() * 0x9E3779B9) >>> (32 - STRIPE_BITS);
  }

  /**
   * The record as the step shows it to the protocol, whose {@code now} is the upper bound of the
   * server's time: a record still live by the lower bound expires, for the protocol, just after
   * that {@code now}. So a record never looks expired before its time; that it may live a little
   * longer is safe.
   */
  private static @Nullable EntryRecord judged(@Nullable EntryRecord read, long lower,
      long upper) {
    if (read == null || read.expiresAtMillis() <= lower || read.expiresAtMillis() > upper) {
      return read;
    }
    return EntryRecord.restore(read.state(), read.value(), read.version(), read.lockIds(),
        read.concurrent(), read.baseVersion(), read.committedVersion(), read.deleted(),
        read.generation(), read.leaseToken(), upper + 1);
  }

  /**
   * Takes a stripe, waiting at most until the operation's deadline: false if it did not get it.
   */
  private boolean lock(ReentrantLock stripe, Call call) {
    while (true) {
      try {
        return stripe.tryLock(Math.max(0, call.remainingNanos()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        call.interrupted(e);
      }
    }
  }

  /** What a step answers when this JVM's steps before it on the key took all its time. */
  private <R> R contended(Call call, @Nullable R skipped) {
    if (skipped != null) {
      return skipped;
    }
    // An invalidation that waited all its time was not delivered: that must quarantine the node.
    throw new CacheTimeoutException("memcached node " + id + " did not serve "
        + call.op.tagValue() + " within " + call.budgetMillis() + " ms: the steps before it on "
        + "the same key in this JVM were slower");
  }

  private @Nullable CASValue<byte[]> gets(SpyClient c, String key, Call call) {
    return received(sendGets(c, key, call), call);
  }

  private OperationFuture<CASValue<byte[]>> sendGets(SpyClient c, String key, Call call) {
    return send(call, () -> c.asyncGets(key, ItemTranscoder.INSTANCE));
  }

  /** The item a {@code gets} sent by {@link #sendGets} found, or null if none. */
  private @Nullable CASValue<byte[]> received(OperationFuture<CASValue<byte[]>> read,
      Call call) {
    CASValue<byte[]> item = await(read, call);
    if (item == null) {
      OperationStatus status = read.getStatus();
      if (!status.isSuccess() && status.getStatusCode() != StatusCode.ERR_NOT_FOUND) {
        throw refusedCommand(call.op, status);
      }
    }
    return item;
  }

  /** The bytes of the record {@code step} leaves, or null if it leaves none or {@code seen}. */
  private byte @Nullable [] encodedChange(Step<?> step, @Nullable EntryRecord seen,
      CacheOperation op) {
    EntryRecord next = step.record();
    return next == null || next == seen ? null : encode(next, op);
  }

  /**
   * Add where nothing was; cas over what was there (an expired or foreign item included); with
   * {@code bytes} null, a delete of the item read, with its CAS.
   */
  private Written write(SpyClient c, String key, @Nullable CASValue<byte[]> item,
      byte @Nullable [] bytes, int exptime, Call call) {
    return written(sendWrite(c, key, item, bytes, exptime, call), item == null, call);
  }

  /** Sends the write of {@link #write}; {@link #written} waits for it. */
  private OperationFuture<?> sendWrite(SpyClient c, String key, @Nullable CASValue<byte[]> item,
      byte @Nullable [] bytes, int exptime, Call call) {
    if (bytes == null) {
      long cas = Objects.requireNonNull(item, "a delete needs the item it read").getCas();
      return send(call, () -> c.delete(key, cas));
    }
    if (item == null) {
      return send(call, () -> c.add(key, exptime, bytes, ItemTranscoder.INSTANCE));
    }
    long cas = item.getCas();
    return send(call, () -> c.cas(key, cas, exptime, bytes));
  }

  /** How a write sent by {@link #sendWrite} ended: an add if {@code added}, else cas or delete. */
  private Written written(OperationFuture<?> sent, boolean added, Call call) {
    CacheOperation op = call.op;
    Object answer = await(sent, call);
    OperationStatus status = sent.getStatus();
    if (added) {
      if (status.isSuccess()) {
        return Written.STORED;
      }
      switch (status.getStatusCode()) {
        case ERR_EXISTS:
        case ERR_NOT_STORED:
          return Written.LOST_RACE;
        case ERR_2BIG:
          return Written.TOO_LARGE; // an add that fails changes nothing
        default:
          throw refusedCommand(op, status); // out of memory, say: nothing was there to lose
      }
    }
    if (answer == CASResponse.OK || Boolean.TRUE.equals(answer)) { // a cas, or a delete
      return Written.STORED;
    }
    if (status.getStatusCode() == StatusCode.ERR_NOT_FOUND) {
      return Written.VANISHED;
    }
    if (answer == CASResponse.EXISTS || status.getStatusCode() == StatusCode.ERR_EXISTS
        || status.getStatusCode() == StatusCode.ERR_NOT_STORED) {
      return Written.LOST_RACE;
    }
    if (answer instanceof Boolean) {
      throw refusedCommand(op, status); // a delete the server refused: nothing changed
    }
    // A binary set that memcached cannot store (too large, out of memory) unlinks the item under
    // the key, whatever its CAS: maybe another JVM's newer lock or tombstone. Putting back what
    // we read could be older than what was lost, so the node must be quarantined and cleared.
    if (status.getStatusCode() == StatusCode.ERR_2BIG) {
      events.itemTooLarge(op);
    }
    throw new RecordLostException("memcached node " + id + " refused the cas of "
        + op.tagValue() + " (" + status.getStatusCode() + " " + status.getMessage()
        + ") and dropped the item it held under the key: a lock, tombstone or lease may be lost");
  }

  /**
   * Waits a random time before reading again: up to 200 µs after the first lost race, twice as
   * long after each further one, at most 25.6 ms; so racers spread out instead of colliding
   * again. A step's fifteen waits come to at most about a quarter of a second. Never past the
   * deadline.
   */
  private static void backOff(int retries, Call call) {
    long maxNanos = TimeUnit.MICROSECONDS.toNanos(200) << Math.min(retries - 1, 7);
    call.pause(Math.min(ThreadLocalRandom.current().nextLong(0, maxNanos),
        Math.max(0, call.remainingNanos())));
  }

  // ---- plain writes

  /** Sends a plain write: a set, or a delete where the record would be too large. */
  private OperationFuture<Boolean> plainWrite(SpyClient c, String key, byte[] value, long ttlMillis,
      Call call) {
    long now = clock.upper();
    EntryRecord record = Objects.requireNonNull(
        EntryProtocol.put(null, value, ttlMillis, now).record());
    byte[] bytes = encode(record, call.op);
    if (!fits(key, bytes)) {
      // As memcached does with a set it cannot store: drop the old value rather than keep it.
      events.itemTooLarge(call.op);
      return send(call, () -> c.delete(key));
    }
    int exptime = ItemExpiry.exptime(record.expiresAtMillis(), now);
    return send(call, () -> c.set(key, exptime, bytes, ItemTranscoder.INSTANCE));
  }

  private void finishPlainWrite(OperationFuture<Boolean> write, Call call) {
    await(write, call);
    OperationStatus status = write.getStatus();
    if (status.isSuccess() || status.getStatusCode() == StatusCode.ERR_NOT_FOUND) {
      return; // stored, or (for a value too large) deleted or nothing to delete
    }
    if (status.getStatusCode() == StatusCode.ERR_2BIG) {
      // The server's limit is lower than maxItemSize; it dropped the key, as a plain put may.
      events.itemTooLarge(call.op);
      return;
    }
    throw refusedCommand(call.op, status);
  }

  // ---- records

  private boolean fits(String key, byte[] item) {
    return (long) item.length + key.length() + ITEM_OVERHEAD <= options.maxItemSize;
  }

  /** The record of an item, or null (and reported) if the item is not one of ours. */
  private @Nullable EntryRecord decode(byte[] item, CacheOperation op) {
    EntryRecord record = RecordFormat.decode(item);
    if (record == null) {
      events.recordUnreadable(op);
    }
    return record;
  }

  /**
   * The item of a record. A record this node cannot write (a lock of more ids than the format
   * holds) is a failure of the node, not of the caller's arguments.
   */
  private byte[] encode(EntryRecord record, CacheOperation op) {
    try {
      return RecordFormat.encode(record);
    } catch (IllegalArgumentException e) {
      throw new NodeUnavailableException("memcached node " + id + " cannot store the record of "
          + op.tagValue() + ": " + e.getMessage(), e);
    }
  }

  /** The value of a plain read; a record expires by the lower bound of the server's time. */
  private byte @Nullable [] valueOf(byte[] item, CacheOperation op) {
    return EntryProtocol.get(decode(item, op), clock.lower()).result();
  }

  private String keyText(byte[] key) {
    Objects.requireNonNull(key, "key");
    if (!acceptsKey(key)) {
      throw new IllegalArgumentException("memcached keys are 1 to " + MAX_KEY_LENGTH
          + " bytes of printable ASCII; this one has " + key.length
          + " bytes (the ShardedCache stores such keys under a digest form)");
    }
    return new String(key, US_ASCII);
  }

  // ---- the client, its connection and its clock

  private SpyClient ready(Call call) {
    return ready(call, true);
  }

  /**
   * The client, once its server can take operations: fails at once if the node is closed or its
   * credentials were refused; waits (at most the timeout, and not past the call's deadline) only
   * for a first connection and for authentication. With {@code measureClock}, the clock is
   * measured if due. A connection that is down fails here only where something would wait for
   * it (authentication, the clock); other requests spymemcached cancels at once ({@link
   * FailureMode#Cancel}).
   */
  private SpyClient ready(Call call, boolean measureClock) {
    call.checkInterrupt(); // an interrupted thread would close the channel a first use opens
    SpyClient c = client();
    awaitFirstConnection(c, call);
    SaslWatch watch = sasl;
    // Until a connection has authenticated, spymemcached holds the caller of each request for
    // as long as its auth wait: waiting here instead keeps that wait within the deadline.
    if (watch != null && (watch.outcome() != SaslWatch.Outcome.ACCEPTED
        || !c.server().isAuthenticated())) {
      requireConnected(c);
      awaitAuthentication(c, watch, call);
    }
    if (measureClock && clock.needsSync()) {
      syncClock(c, !clock.isSynced(), call);
    }
    return c;
  }

  private SpyClient client() {
    checkUsable();
    SpyClient c = client;
    if (c != null) {
      return c;
    }
    synchronized (lifecycle) {
      checkUsable();
      if (client == null) {
        SpyClient made = connect();
        client = made;
        SaslWatch watch = sasl;
        if (watch != null && watch.outcome() == SaslWatch.Outcome.REFUSED) {
          shutDown(made); // refused before it was published here, so refused() could not stop it
          throw credentialsRefused(watch);
        }
      }
      return Objects.requireNonNull(client);
    }
  }

  private void checkUsable() {
    if (closed) {
      throw new NodeUnavailableException("memcached node " + id + " is closed");
    }
    SaslWatch watch = sasl;
    if (watch != null && watch.outcome() == SaslWatch.Outcome.REFUSED) {
      throw credentialsRefused(watch);
    }
  }

  private SpyClient connect() {
    InetSocketAddress address = new InetSocketAddress(options.host, options.port);
    if (address.isUnresolved()) {
      throw new NodeUnavailableException("memcached node " + id + ": cannot resolve the host '"
          + options.host + "'");
    }
    ConnectionFactoryBuilder factory = new ConnectionFactoryBuilder()
        .setProtocol(ConnectionFactoryBuilder.Protocol.BINARY)
        .setFailureMode(FailureMode.Cancel)
        .setOpTimeout(options.timeoutMillis)
        .setAuthWaitTime(options.timeoutMillis)
        .setOpQueueMaxBlockTime(options.timeoutMillis) // a full queue (hung server) fails fast
        .setMaxReconnectDelay(MAX_RECONNECT_DELAY_SECONDS)
        .setShouldOptimize(false)
        .setUseNagleAlgorithm(false)
        .setDaemon(true)
        .setInitialObservers(List.of(new HealthObserver()));
    SaslWatch watch = null;
    if (options.authenticates()) {
      watch = new SaslWatch(this::refused);
      factory.setOpFact(watch).setAuthDescriptor(new AuthDescriptor(new String[] {"PLAIN"},
          new PlainCallbackHandler(options.user, options.password)));
    } else {
      factory.setOpFact(new BinaryOperationFactory());
    }
    sasl = watch;
    try {
      return new SpyClient(factory.build(), address);
    } catch (IOException | RuntimeException e) {
      throw new NodeUnavailableException("memcached node " + id + ": cannot open a connection: "
          + e.getMessage(), e);
    }
  }

  /**
   * Waits for the client's first connection while it is on its way, as long as it neither fails
   * nor times out. (spymemcached counts a node's connection attempts from 1 until it is
   * connected, back to 0 while it is, and up from 1 again after a loss.)
   */
  private void awaitFirstConnection(SpyClient c, Call call) {
    net.spy.memcached.MemcachedNode server = c.server();
    if (server.isActive() || !firstAttempt(server)) {
      return;
    }
    long deadline = call.requestDeadline();
    while (!server.isActive() && firstAttempt(server) && System.nanoTime() - deadline < 0) {
      call.pause(CONNECT_POLL_NANOS); // a condition polled with a deadline
    }
    if (!server.isActive() && firstAttempt(server)) {
      String reason = "no connection within " + options.timeoutMillis + " ms";
      markDown(reason);
      throw new CacheTimeoutException("memcached node " + id + " is unavailable: " + reason);
    }
  }

  /** Fails at once unless the client is connected: for what would otherwise wait for it. */
  private void requireConnected(SpyClient c) {
    if (!c.server().isActive()) {
      markDown("no connection; reconnecting");
      throw new NodeUnavailableException("memcached node " + id + " is unavailable: no "
          + "connection; reconnecting");
    }
  }

  /** Waits until the connection has authenticated; a condition polled with a deadline. */
  private void awaitAuthentication(SpyClient c, SaslWatch watch, Call call) {
    long deadline = call.requestDeadline();
    while (true) {
      SaslWatch.Outcome outcome = watch.outcome();
      if (outcome == SaslWatch.Outcome.REFUSED) {
        throw credentialsRefused(watch);
      }
      if (outcome == SaslWatch.Outcome.FAILED) {
        throw new NodeUnavailableException("memcached node " + id + " could not authenticate: "
            + watch.failure() + "; it tries again");
      }
      if (outcome == SaslWatch.Outcome.ACCEPTED && c.server().isAuthenticated()) {
        return;
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new CacheTimeoutException("memcached node " + id + " did not finish SASL "
            + "authentication within " + options.timeoutMillis + " ms");
      }
      call.pause(CONNECT_POLL_NANOS);
    }
  }

  private boolean firstAttempt(net.spy.memcached.MemcachedNode server) {
    return !connectedOnce && server.getReconnectCount() <= 1;
  }

  /**
   * Measures the server's clock; a failure fails the caller only if {@code required}. One thread
   * measures at a time; one that need not measure does not wait for another that does.
   */
  private void syncClock(SpyClient c, boolean required, Call call) {
    if (required ? !lock(clockSync, call) : !clockSync.tryLock()) {
      if (required) {
        throw new CacheTimeoutException("memcached node " + id + " did not serve "
            + call.op.tagValue() + " within " + call.budgetMillis() + " ms: its clock was "
            + "being measured");
      }
      return;
    }
    try {
      if (!required && !clock.needsSync()) {
        return; // another thread just did it
      }
      RuntimeException failure;
      try {
        requireConnected(c); // stats are not cancelled while the connection is down: they wait
        SpyClient.StatsReply reply = send(call, c::stats);
        if (!call.awaitLatch(reply.done)) {
          reply.cancel();
          failure = timeout(call, CacheOperation.PING, null);
        } else if (reply.serverSeconds == null) {
          OperationStatus status = reply.status;
          // spymemcached gives no status at all for error codes it does not know, such as the
          // "Auth failure" of a server that requires SASL.
          failure = closed ? new NodeUnavailableException("memcached node " + id + " is closed")
              : status == null && sasl == null ? saslRequired()
              : status != null && !status.isSuccess() ? refusedCommand(CacheOperation.PING, status)
              : new NodeUnavailableException("memcached node " + id + " gave no time in stats");
        } else {
          clock.synced(Long.parseLong(reply.serverSeconds), reply.sentNanos,
              reply.receivedNanos);
          return;
        }
      } catch (RuntimeException e) {
        failure = translate(e, CacheOperation.PING);
      }
      clock.syncFailed();
      if (required) {
        throw failure;
      }
    } finally {
      clockSync.unlock();
    }
  }

  private void shutDown(SpyClient c) {
    try {
      c.shutdown(0, TimeUnit.MILLISECONDS); // pending operations are cancelled, not awaited
    } catch (RuntimeException e) {
      // a client whose connection is gone: nothing left to release
    }
  }

  // ---- state and its log

  /** Called by spymemcached's IO thread when the server refused the credentials. */
  private void refused(String reason) {
    if (health.getAndSet(Health.REFUSED) != Health.REFUSED) {
      LOG.log(System.Logger.Level.WARNING, "memcached node " + id + " refused the SASL "
          + "credentials of its URI (user ***): " + reason + "; it stays unusable until it is "
          + "opened again with other credentials");
    }
    SpyClient c = client;
    if (c != null) {
      // Not on the IO thread, whose callback this is: the shutdown closes its selector under it.
      Thread stopper = new Thread(() -> shutDown(c), "ringcache-memcached-stop-" + id);
      stopper.setDaemon(true);
      stopper.start();
    }
  }

  private void markDown(String reason) {
    Health was = health.get();
    if ((was == Health.NEW || was == Health.UP) && health.compareAndSet(was, Health.DOWN)) {
      LOG.log(System.Logger.Level.WARNING, "memcached node " + id + " is unavailable (" + reason
          + "); its operations fail until it answers again");
    }
  }

  private void markUp() {
    Health was = health.get();
    if ((was == Health.NEW || was == Health.DOWN) && health.compareAndSet(was, Health.UP)
        && was == Health.DOWN) {
      LOG.log(System.Logger.Level.INFO, "memcached node " + id + " answers again");
    }
  }

  /** Follows spymemcached's connection, for the log. */
  private final class HealthObserver implements ConnectionObserver {
    @Override
    public void connectionEstablished(SocketAddress address, int reconnectCount) {
      connectedOnce = true;
      markUp();
    }

    @Override
    public void connectionLost(SocketAddress address) {
      if (!closed) {
        markDown("connection lost; reconnecting");
      }
    }
  }

  // ---- waiting and translating

  /**
   * One operation's deadline, and how it waits. An invalidation (lock, unlock, evict, delete)
   * waits through interrupts: ended by one, it would be undelivered and quarantine the node for
   * nothing; it sets the interrupt flag again when it ends. Any other operation ends at an
   * interrupt with a {@link NodeUnavailableException}, the flag set. Not thread-safe: one
   * caller's.
   */
  private final class Call {
    final CacheOperation op;
    /** In {@link System#nanoTime()}. */
    final long deadline;
    private final boolean uninterruptible;
    private boolean interrupted;

    Call(CacheOperation op) {
      this.op = op;
      this.uninterruptible = op.invalidates();
      this.deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(budgetMillis());
    }

    long budgetMillis() {
      return (long) options.timeoutMillis
          * (uninterruptible ? INVALIDATION_BUDGET_TIMEOUTS : BUDGET_TIMEOUTS);
    }

    long remainingNanos() {
      return deadline - System.nanoTime();
    }

    /** Until when one request (or connection, authentication) may be waited for from now. */
    long requestDeadline() {
      long now = System.nanoTime();
      long timeout = TimeUnit.MILLISECONDS.toNanos(options.timeoutMillis);
      return deadline - now < timeout ? deadline : now + timeout;
    }

    /**
     * Before something that fails for an interrupted thread (spymemcached's sending, a wait):
     * an invalidation clears the flag and remembers it; another operation ends.
     */
    void checkInterrupt() {
      if (uninterruptible) {
        interrupted |= Thread.interrupted();
      } else if (Thread.currentThread().isInterrupted()) {
        throw new NodeUnavailableException("interrupted before memcached node " + id
            + " served " + op.tagValue());
      }
    }

    /** A wait was interrupted: an invalidation remembers it and waits on; another ends. */
    void interrupted(InterruptedException e) {
      if (uninterruptible) {
        interrupted = true;
        return;
      }
      Thread.currentThread().interrupt();
      throw new NodeUnavailableException("interrupted while waiting for memcached node " + id,
          e);
    }

    /** Waits {@code nanos} or less (a poll, a back-off). */
    void pause(long nanos) {
      checkInterrupt();
      LockSupport.parkNanos(nanos);
    }

    /** Waits for {@code latch} until {@link #requestDeadline()}: false if it did not open. */
    boolean awaitLatch(CountDownLatch latch) {
      long until = requestDeadline();
      while (true) {
        try {
          return latch.await(until - System.nanoTime(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          interrupted(e);
        }
      }
    }

    /** Ends the operation: an interrupt it waited through is the caller's again. */
    void end() {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Hands a request to spymemcached, which may refuse it at once (shut down, queue full), or fail
   * it for an interrupted caller: then an invalidation, which waits through interrupts, tries
   * again.
   */
  private <F> F send(Call call, Supplier<F> request) {
    while (true) {
      call.checkInterrupt();
      try {
        return request.get();
      } catch (RuntimeException e) {
        // spymemcached sets the flag again when it gave up on its wait because of it
        if (call.uninterruptible && Thread.currentThread().isInterrupted()
            && call.remainingNanos() > 0) {
          continue;
        }
        throw translate(e, call.op);
      }
    }
  }

  /** The answer to a request, waited for at most the timeout and not past the deadline. */
  private <T> T await(Future<T> future, Call call) {
    long until = call.requestDeadline();
    while (true) {
      try {
        return future.get(until - System.nanoTime(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        if (!call.uninterruptible) {
          future.cancel(false);
        }
        call.interrupted(e);
      } catch (TimeoutException e) {
        throw timeout(call, call.op, e);
      } catch (ExecutionException e) {
        throw translate(e.getCause() == null ? e : e.getCause(), call.op);
      } catch (RuntimeException e) {
        throw translate(e, call.op);
      }
    }
  }

  /** spymemcached's exception (or a cause it reported) as one of ours. */
  private RingCacheException translate(Throwable e, CacheOperation op) {
    if (e instanceof RingCacheException r) {
      return r;
    }
    if (closed) {
      return new NodeUnavailableException("memcached node " + id + " is closed", e);
    }
    SaslWatch watch = sasl;
    if (watch != null && watch.outcome() == SaslWatch.Outcome.REFUSED) {
      return credentialsRefused(watch);
    }
    if (e instanceof TimeoutException) {
      return new CacheTimeoutException("memcached node " + id + " did not answer "
          + op.tagValue() + " within " + options.timeoutMillis + " ms", e);
    }
    if (e instanceof OperationException && watch == null
        && mentionsAuthentication(e.getMessage())) {
      return saslRequired();
    }
    if (e instanceof CancellationException) {
      markDown("connection down");
      return new NodeUnavailableException("memcached node " + id + " is unavailable: its "
          + "connection is down (" + op.tagValue() + " cancelled)", e);
    }
    return new NodeUnavailableException("memcached node " + id + " failed at "
        + op.tagValue() + ": " + e, e);
  }

  /** No answer in time: within the timeout, or within what was left of the deadline. */
  private CacheTimeoutException timeout(Call call, CacheOperation op, @Nullable Throwable cause) {
    String message = call.remainingNanos() > 0
        ? "memcached node " + id + " did not answer " + op.tagValue() + " within "
            + options.timeoutMillis + " ms"
        : "memcached node " + id + " did not serve " + call.op.tagValue() + " within "
            + call.budgetMillis() + " ms";
    return cause == null ? new CacheTimeoutException(message)
        : new CacheTimeoutException(message, cause);
  }

  private RingCacheException refusedCommand(CacheOperation op, OperationStatus status) {
    if (sasl == null && mentionsAuthentication(status.getMessage())) {
      return saslRequired();
    }
    return new NodeUnavailableException("memcached node " + id + " refused "
        + op.tagValue() + ": " + status.getStatusCode() + " " + status.getMessage());
  }

  private static boolean mentionsAuthentication(@Nullable String message) {
    return message != null && message.toLowerCase(Locale.ROOT).contains("auth");
  }

  private ConfigurationException saslRequired() {
    return new ConfigurationException("memcached node " + id + " requires SASL authentication: "
        + "give the user and password in its URI (memcached://user:password@" + id + ")");
  }

  private ConfigurationException credentialsRefused(SaslWatch watch) {
    return new ConfigurationException("memcached node " + id + " refused the SASL credentials "
        + "of its URI (user and password): " + watch.refusal());
  }
}
