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
import dev.ringcache.api.PutOutcome;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
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
 * whole {@link EntryRecord} in {@link RecordFormat}, written by {@link ItemTranscoder}.
 *
 * <p>Every protocol operation is a compare-and-set step: {@code gets}, the reference machine
 * ({@link EntryProtocol}) on what it read, and — only if the record changed — an {@code add}
 * (nothing was there) or a {@code cas} (something was, even an expired record or an item of
 * someone else's), read again when another client wrote in between. So a step costs one request
 * when nothing changes and two when it does, without contention. This JVM's threads take turns on
 * a key (a striped lock) rather than race each other: retries are for races with other JVMs.
 *
 * <p>Expiry times are in the node's clock, the server's as {@link ServerClock} estimates it;
 * memcached's own expiration ({@link ItemExpiry}) only reclaims items after their records
 * expired. A record larger than the server accepts is not written: puts are skipped (a plain put
 * removes what the key held), an unlock that would write it leaves a tombstone instead, and
 * {@link NodeEvents#itemTooLarge} counts each.
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
    /** Another client wrote first (add: something is there; cas: it changed or is gone). */
    LOST_RACE,
    /** Larger than the node's item size limit: not sent. */
    TOO_LARGE,
    /**
     * The server refused the size of a cas: memcached then drops the item it would have
     * replaced (as with any binary set it cannot store), so nothing is under the key now.
     */
    DROPPED
  }

  private final String id;
  private final MemcachedNodeOptions options;
  private final NodeEvents events;
  private final ServerClock clock = ServerClock.system();
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
    SpyClient c = ready();
    byte[] item = await(send(CacheOperation.GET, () -> c.asyncGet(k, ItemTranscoder.INSTANCE)),
        CacheOperation.GET);
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
    SpyClient c = ready();
    Map<String, byte[]> found =
        await(send(CacheOperation.GET_ALL,
            () -> c.asyncGetBulk(texts, ItemTranscoder.INSTANCE)), CacheOperation.GET_ALL);
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
    SpyClient c = ready();
    OperationFuture<Boolean> write = plainWrite(c, k, value, ttlMillis, CacheOperation.PUT);
    finishPlainWrite(write, CacheOperation.PUT, deadline());
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
    SpyClient c = ready();
    // Pipelined: every write is on its way before the first answer is awaited.
    List<OperationFuture<Boolean>> writes = new ArrayList<>(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      writes.add(plainWrite(c, texts.get(i), values.get(i), ttlMillis, CacheOperation.PUT_ALL));
    }
    long deadline = deadline();
    for (OperationFuture<Boolean> write : writes) {
      finishPlainWrite(write, CacheOperation.PUT_ALL, deadline);
    }
  }

  @Override
  public boolean delete(byte[] key) {
    String k = keyText(key);
    SpyClient c = ready();
    OperationFuture<Boolean> deleted = send(CacheOperation.DELETE, () -> c.delete(k));
    await(deleted, CacheOperation.DELETE);
    OperationStatus status = deleted.getStatus();
    if (status.isSuccess()) {
      return true;
    }
    if (status.getStatusCode() == StatusCode.ERR_NOT_FOUND) {
      return false;
    }
    throw refusedCommand(CacheOperation.DELETE, status);
  }

  // ---- the entry protocol

  @Override
  public Lookup getOrLease(byte[] key, boolean wantLease, String nonce, EntryTimes times) {
    EntryProtocol.checkId("nonce", nonce);
    Objects.requireNonNull(times, "times");
    return step(CacheOperation.GET_OR_LEASE, key,
        (r, now) -> EntryProtocol.getOrLease(r, wantLease, nonce, times, now), null, null);
  }

  @Override
  public PutOutcome putFromLoad(byte[] key, byte[] value, long version,
      @Nullable String leaseToken, boolean minimal, EntryTimes times) {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(times, "times");
    if (leaseToken != null) {
      EntryProtocol.checkId("leaseToken", leaseToken);
    }
    // Too large: not stored, and the lease (if any) stays for a later, smaller put.
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
    // A value too large to store must not leave the lock or the old value: the unlock then only
    // invalidates, which leaves a tombstone where the value would have gone.
    Transition<UnlockOutcome> invalidateOnly = unlock.value() == null ? null
        : (r, now) -> EntryProtocol.unlock(r,
            Unlock.committedInvalidate(unlock.lockId(), unlock.version()), times, now);
    return step(CacheOperation.UNLOCK, key,
        (r, now) -> EntryProtocol.unlock(r, unlock, times, now), null, invalidateOnly);
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

  // ---- administration

  /** One {@code stats} request: it proves the server answers, and measures its clock. */
  @Override
  public void ping() {
    SpyClient c = ready(false);
    syncClock(c, true);
    markUp();
  }

  @Override
  public void clear() {
    SpyClient c = ready();
    requireConnected(c); // a flush is not cancelled while the connection is down: it waits
    Boolean flushed = await(send(CacheOperation.CLEAR, c::flush), CacheOperation.CLEAR);
    if (!Boolean.TRUE.equals(flushed)) {
      throw new NodeUnavailableException("memcached node " + id + " did not flush its items");
    }
  }

  @Override
  public @Nullable EntryRecord inspect(byte[] key) {
    String k = keyText(key);
    SpyClient c = ready();
    byte[] item = await(send(CacheOperation.GET, () -> c.asyncGet(k, ItemTranscoder.INSTANCE)),
        CacheOperation.GET);
    EntryRecord record = item == null ? null : RecordFormat.decode(item);
    return record == null || record.expiresAtMillis() <= clock.now() ? null : record;
  }

  @Override
  public long clockMillis() {
    return clock.now();
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
   * writes only if the record changed, with add or cas; reads again after a lost race (to another
   * JVM, or to this one's reads), at most {@link #MAX_ATTEMPTS} times. When the record would be too large: goes on with {@code
   * instead} if given, else returns {@code ifTooLarge} if given, else fails; a record the server
   * dropped on refusing the size is put back first.
   */
  private <R> R step(CacheOperation op, byte[] key, Transition<R> transition,
      @Nullable R ifTooLarge, @Nullable Transition<R> instead) {
    String k = keyText(key);
    long deadline = deadline();
    SpyClient c = ready();
    // Steps that write take their key's stripe, so that this JVM's threads do not race each other
    // for the same key; a read (getOrLease, mostly a hit) takes it only once it lost a race.
    ReentrantLock stripe = stripes[(k.hashCode() * 0x9E3779B9) >>> (32 - STRIPE_BITS)];
    boolean serialized = op != CacheOperation.GET_OR_LEASE && lock(stripe, deadline, op);
    Transition<R> current = transition;
    @Nullable Transition<R> fallback = instead;
    int retries = 0;
    try {
      while (true) {
        CASValue<byte[]> item = gets(c, k, op);
        EntryRecord read = item == null ? null : decode(item.getValue(), op);
        boolean lost = false;
        while (!lost) {
          long now = clock.now();
          Step<R> step = current.apply(read, now);
          EntryRecord next = step.record();
          if (next == null || next == read) {
            return step.result(); // nothing to write: a hit, a refusal, or still absent
          }
          byte[] bytes = RecordFormat.encode(next);
          int exptime = ItemExpiry.exptime(next.expiresAtMillis(), now);
          Written written = fits(k, bytes) ? write(c, k, item, bytes, exptime, op)
              : Written.TOO_LARGE;
          if (written == Written.STORED) {
            return step.result();
          }
          if (written == Written.LOST_RACE) {
            lost = true;
            continue;
          }
          events.itemTooLarge(op);
          if (written == Written.DROPPED) {
            item = null; // what the key held is gone: the next write adds
          }
          if (fallback != null) {
            current = fallback; // the same record read: compute again, without another gets
            fallback = null;
            continue;
          }
          if (written == Written.DROPPED && read != null && read.expiresAtMillis() > now) {
            restore(c, k, read, now, op); // the lease or tombstone must not vanish by our write
          }
          if (ifTooLarge != null) {
            return ifTooLarge;
          }
          throw new NodeUnavailableException("memcached node " + id + ": the record of "
              + op.tagValue() + " (" + bytes.length + " bytes) is larger than the server takes");
        }
        if (retries + 1 >= MAX_ATTEMPTS) {
          throw new NodeUnavailableException("memcached node " + id + ": key contention, "
              + op.tagValue() + " lost the compare-and-set race " + MAX_ATTEMPTS
              + " times in a row");
        }
        retries++;
        if (!serialized) {
          serialized = lock(stripe, deadline, op);
        }
        backOff(retries);
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

  /** Takes a stripe, waiting at most until the step's deadline; always true. */
  private boolean lock(ReentrantLock stripe, long deadline, CacheOperation op) {
    try {
      if (stripe.tryLock(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
        return true;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NodeUnavailableException("interrupted while waiting for memcached node " + id,
          e);
    }
    throw new CacheTimeoutException("memcached node " + id + " did not serve " + op.tagValue()
        + " within " + options.timeoutMillis + " ms: the steps before it on the same key were "
        + "slower");
  }

  private @Nullable CASValue<byte[]> gets(SpyClient c, String key, CacheOperation op) {
    OperationFuture<CASValue<byte[]>> read =
        send(op, () -> c.asyncGets(key, ItemTranscoder.INSTANCE));
    CASValue<byte[]> item = await(read, op);
    if (item == null) {
      OperationStatus status = read.getStatus();
      if (!status.isSuccess() && status.getStatusCode() != StatusCode.ERR_NOT_FOUND) {
        throw refusedCommand(op, status);
      }
    }
    return item;
  }

  /** Add where nothing was; cas over what was there (an expired or foreign item included). */
  private Written write(SpyClient c, String key, @Nullable CASValue<byte[]> item, byte[] bytes,
      int exptime, CacheOperation op) {
    if (item == null) {
      OperationFuture<Boolean> added =
          send(op, () -> c.add(key, exptime, bytes, ItemTranscoder.INSTANCE));
      await(added, op);
      OperationStatus status = added.getStatus();
      if (status.isSuccess()) {
        return Written.STORED;
      }
      switch (status.getStatusCode()) {
        case ERR_EXISTS:
        case ERR_NOT_STORED:
          return Written.LOST_RACE;
        case ERR_2BIG:
          return Written.TOO_LARGE;
        default:
          throw refusedCommand(op, status);
      }
    }
    long cas = item.getCas();
    OperationFuture<@Nullable CASResponse> swapped =
        send(op, () -> c.cas(key, cas, exptime, bytes));
    CASResponse response = await(swapped, op);
    if (response == CASResponse.OK) {
      return Written.STORED;
    }
    if (response == CASResponse.EXISTS || response == CASResponse.NOT_FOUND) {
      return Written.LOST_RACE;
    }
    OperationStatus status = swapped.getStatus();
    if (status.getStatusCode() == StatusCode.ERR_2BIG) {
      return Written.DROPPED;
    }
    throw refusedCommand(op, status);
  }

  /** Puts back a record the server dropped at a cas it found too large; someone else's wins. */
  private void restore(SpyClient c, String key, EntryRecord record, long now, CacheOperation op) {
    int exptime = ItemExpiry.exptime(record.expiresAtMillis(), now);
    byte[] bytes = RecordFormat.encode(record);
    OperationFuture<Boolean> added =
        send(op, () -> c.add(key, exptime, bytes, ItemTranscoder.INSTANCE));
    await(added, op);
    OperationStatus status = added.getStatus();
    StatusCode code = status.getStatusCode();
    if (!status.isSuccess() && code != StatusCode.ERR_EXISTS && code != StatusCode.ERR_NOT_STORED) {
      throw refusedCommand(op, status);
    }
  }

  /**
   * Waits a random time before reading again: up to 200 µs after the first lost race, twice as
   * long after each further one, at most 25.6 ms; so racers spread out instead of colliding
   * again. A step's fifteen waits come to at most about a quarter of a second.
   */
  private static void backOff(int retries) {
    long maxNanos = TimeUnit.MICROSECONDS.toNanos(200) << Math.min(retries - 1, 7);
    LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(0, maxNanos));
  }

  // ---- plain writes

  /** Sends a plain write: a set, or a delete where the record would be too large. */
  private OperationFuture<Boolean> plainWrite(SpyClient c, String key, byte[] value, long ttlMillis,
      CacheOperation op) {
    long now = clock.now();
    EntryRecord record = Objects.requireNonNull(
        EntryProtocol.put(null, value, ttlMillis, now).record());
    byte[] bytes = RecordFormat.encode(record);
    if (!fits(key, bytes)) {
      // As memcached does with a set it cannot store: drop the old value rather than keep it.
      events.itemTooLarge(op);
      return send(op, () -> c.delete(key));
    }
    int exptime = ItemExpiry.exptime(record.expiresAtMillis(), now);
    return send(op, () -> c.set(key, exptime, bytes, ItemTranscoder.INSTANCE));
  }

  private void finishPlainWrite(OperationFuture<Boolean> write, CacheOperation op,
      long deadline) {
    await(write, op, Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
    OperationStatus status = write.getStatus();
    if (status.isSuccess() || status.getStatusCode() == StatusCode.ERR_NOT_FOUND) {
      return; // stored, or (for a value too large) deleted or nothing to delete
    }
    if (status.getStatusCode() == StatusCode.ERR_2BIG) {
      events.itemTooLarge(op); // the server's limit is lower than maxItemSize; it dropped the key
      return;
    }
    throw refusedCommand(op, status);
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

  private byte @Nullable [] valueOf(byte[] item, CacheOperation op) {
    return EntryProtocol.get(decode(item, op), clock.now()).result();
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

  private SpyClient ready() {
    return ready(true);
  }

  /**
   * The client, once its server can take operations: fails at once if the node is closed or its
   * credentials were refused; waits (at most the timeout) only for a first connection and its
   * authentication. With {@code measureClock}, the clock is measured if due. A connection that
   * is down fails here only where something would wait for it (authentication, the clock); other
   * requests spymemcached cancels at once ({@link FailureMode#Cancel}).
   */
  private SpyClient ready(boolean measureClock) {
    SpyClient c = client();
    awaitFirstConnection(c);
    SaslWatch watch = sasl;
    if (watch != null && watch.outcome() != SaslWatch.Outcome.ACCEPTED) {
      requireConnected(c);
      awaitAuthentication(watch);
    }
    if (measureClock && clock.needsSync()) {
      syncClock(c, !clock.isSynced());
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
  private void awaitFirstConnection(SpyClient c) {
    net.spy.memcached.MemcachedNode server = c.server();
    if (server.isActive() || !firstAttempt(server)) {
      return;
    }
    long deadline = deadline();
    while (!server.isActive() && firstAttempt(server) && System.nanoTime() - deadline < 0) {
      LockSupport.parkNanos(CONNECT_POLL_NANOS); // a condition polled with a deadline
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

  private void awaitAuthentication(SaslWatch watch) {
    SaslWatch.Outcome outcome;
    try {
      outcome = watch.await(options.timeoutMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NodeUnavailableException("interrupted while memcached node " + id
          + " authenticated", e);
    }
    if (outcome == SaslWatch.Outcome.REFUSED) {
      throw credentialsRefused(watch);
    }
    if (outcome == SaslWatch.Outcome.PENDING) {
      throw new CacheTimeoutException("memcached node " + id + " did not finish SASL "
          + "authentication within " + options.timeoutMillis + " ms");
    }
  }

  private boolean firstAttempt(net.spy.memcached.MemcachedNode server) {
    return !connectedOnce && server.getReconnectCount() <= 1;
  }

  /** Measures the server's clock; a failure fails the caller only if {@code required}. */
  private void syncClock(SpyClient c, boolean required) {
    synchronized (clock) {
      if (!required && !clock.needsSync()) {
        return; // another thread just did it
      }
      RuntimeException failure;
      try {
        requireConnected(c); // stats are not cancelled while the connection is down: they wait
        SpyClient.StatsReply reply = c.stats();
        if (reply == null) {
          failure = new CacheTimeoutException("memcached node " + id + " did not answer stats "
              + "within " + options.timeoutMillis + " ms");
        } else if (reply.serverSeconds == null) {
          OperationStatus status = reply.status;
          // spymemcached gives no status at all for error codes it does not know, such as the
          // "Auth failure" of a server that requires SASL.
          failure = closed ? new NodeUnavailableException("memcached node " + id + " is closed")
              : status == null && sasl == null ? saslRequired()
              : status != null && !status.isSuccess() ? refusedCommand(CacheOperation.PING, status)
              : new NodeUnavailableException("memcached node " + id + " gave no time in stats");
        } else {
          clock.synced(Long.parseLong(reply.serverSeconds), reply.sentMillis,
              reply.receivedMillis);
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure = new NodeUnavailableException("interrupted while waiting for memcached node "
            + id, e);
      } catch (RuntimeException e) {
        failure = translate(e, CacheOperation.PING);
      }
      clock.syncFailed();
      if (required) {
        throw failure;
      }
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

  private long deadline() {
    return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(options.timeoutMillis);
  }

  /** Hands a request to spymemcached, which may refuse it at once (shut down, queue full). */
  private <F> F send(CacheOperation op, Supplier<F> request) {
    try {
      return request.get();
    } catch (RuntimeException e) {
      throw translate(e, op);
    }
  }

  private <T> T await(Future<T> future, CacheOperation op) {
    return await(future, op, options.timeoutMillis);
  }

  private <T> T await(Future<T> future, CacheOperation op, long millis) {
    try {
      return future.get(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      future.cancel(false);
      throw new NodeUnavailableException("interrupted while waiting for memcached node " + id,
          e);
    } catch (TimeoutException e) {
      throw timeout(op, e);
    } catch (ExecutionException e) {
      throw translate(e.getCause() == null ? e : e.getCause(), op);
    } catch (RuntimeException e) {
      throw translate(e, op);
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
      return timeout(op, e);
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

  private CacheTimeoutException timeout(CacheOperation op, Throwable cause) {
    return new CacheTimeoutException("memcached node " + id + " did not answer "
        + op.tagValue() + " within " + options.timeoutMillis + " ms", cause);
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
