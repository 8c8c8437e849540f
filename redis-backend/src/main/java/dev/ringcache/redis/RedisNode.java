package dev.ringcache.redis;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import dev.ringcache.api.CacheTimeoutException;
import dev.ringcache.api.ConfigurationException;
import dev.ringcache.api.EntryTimes;
import dev.ringcache.api.EvictOutcome;
import dev.ringcache.api.InsertOutcome;
import dev.ringcache.api.Lookup;
import dev.ringcache.api.NodeUnavailableException;
import dev.ringcache.api.NodeUsage;
import dev.ringcache.api.PutOutcome;
import dev.ringcache.api.RingCacheException;
import dev.ringcache.api.Unlock;
import dev.ringcache.api.UnlockOutcome;
import dev.ringcache.api.spi.CacheNode;
import dev.ringcache.api.spi.EntryProtocol;
import dev.ringcache.api.spi.EntryRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import javax.net.ssl.SSLParameters;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * One Redis server, through a Jedis connection pool of its own. Every protocol step, and every
 * counter step, is one EVALSHA of {@code entry-protocol.lua}; a plain read is one HMGET; a counter
 * is a plain Redis string, a record a hash. Batches are pipelined, one round trip
 * per batch (plus one SCRIPT LOAD after the server lost its scripts). Jedis exceptions never leave
 * this class: a connection problem becomes a {@link NodeUnavailableException} (a read timeout its
 * subtype {@link CacheTimeoutException}); after {@link #close()} every operation fails with a
 * {@link NodeUnavailableException}.
 *
 * <p>Thread-safe.
 */
final class RedisNode implements CacheNode {
  /** Redis accepts far longer keys; longer ones are digested to keep memory and scripts small. */
  static final int MAX_KEY_LENGTH = 1024;

  private static final String SCRIPT = readScript();
  private static final byte[] SCRIPT_SHA = sha1Hex(SCRIPT).getBytes(US_ASCII);
  private static final byte[] TYPE = bytes("t");
  private static final byte[] VALUE = bytes("v");

  private final String id;
  private final RedisNodeOptions options;
  private final RedisClient client;
  private volatile boolean closed;

  RedisNode(String id, RedisNodeOptions options) {
    this.id = id;
    this.options = options;
    DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
        .socketTimeoutMillis(options.timeoutMillis)
        .connectionTimeoutMillis(options.connectTimeoutMillis)
        .database(options.database)
        .ssl(options.tls)
        .clientName("ringcache");
    if (options.tls) {
      SSLParameters verifyHost = new SSLParameters();
      verifyHost.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host
      config.sslParameters(verifyHost);
      if (options.tlsSocketFactory != null) {
        config.sslSocketFactory(options.tlsSocketFactory);
      }
    }
    if (options.user != null) {
      config.user(options.user);
    }
    if (options.password != null) {
      config.password(options.password);
    }
    GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
    pool.setMaxTotal(options.poolSize);
    pool.setMaxIdle(options.poolSize);
    pool.setMinIdle(0);
    pool.setMaxWait(Duration.ofMillis(options.connectTimeoutMillis + options.timeoutMillis));
    pool.setJmxEnabled(false);
    this.client = RedisClient.builder()
        .hostAndPort(options.host, options.port)
        .clientConfig(config.build())
        .poolConfig(pool)
        .build();
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public int maxKeyLength() {
    return MAX_KEY_LENGTH;
  }

  @Override
  public byte @Nullable [] get(byte[] key) {
    Objects.requireNonNull(key, "key");
    return run(() -> {
      try {
        return valueOf(client.hmget(key, TYPE, VALUE));
      } catch (JedisDataException e) {
        if (isWrongType(e)) {
          return null; // not one of our records (another type under this key): a miss
        }
        throw e;
      }
    });
  }

  @Override
  public List<byte @Nullable []> getAll(List<byte[]> keys) {
    if (keys.isEmpty()) {
      return List.of();
    }
    return run(() -> {
      List<Response<List<byte[]>>> responses = new ArrayList<>(keys.size());
      try (Pipeline pipeline = client.pipelined()) {
        for (byte[] key : keys) {
          responses.add(pipeline.hmget(Objects.requireNonNull(key, "key"), TYPE, VALUE));
        }
        pipeline.sync();
      }
      List<byte @Nullable []> values = new ArrayList<>(keys.size());
      for (Response<List<byte[]>> response : responses) {
        byte[] value;
        try {
          value = valueOf(response.get());
        } catch (JedisDataException e) {
          if (!isWrongType(e)) {
            throw e;
          }
          value = null;
        }
        values.add(value);
      }
      return values;
    });
  }

  @Override
  public void put(byte[] key, byte[] value, long ttlMillis) {
    Objects.requireNonNull(value, "value");
    script(key, bytes("put"), value, number(EntryTimes.checkTtlMillis(ttlMillis)));
  }

  @Override
  public void putAll(List<byte[]> keys, List<byte[]> values, long ttlMillis) {
    if (keys.isEmpty()) {
      return;
    }
    EntryTimes.checkTtlMillis(ttlMillis);
    run(() -> {
      for (int attempt = 0; ; attempt++) {
        List<Response<Object>> responses = new ArrayList<>(keys.size());
        try (Pipeline pipeline = client.pipelined()) {
          for (int i = 0; i < keys.size(); i++) {
            responses.add(pipeline.evalsha(SCRIPT_SHA, List.of(keys.get(i)),
                List.of(bytes("put"), Objects.requireNonNull(values.get(i), "value"),
                    number(ttlMillis))));
          }
          pipeline.sync();
        }
        try {
          for (Response<Object> response : responses) {
            response.get();
          }
          return null;
        } catch (JedisNoScriptException e) {
          if (attempt > 0) {
            throw e;
          }
          client.scriptLoad(SCRIPT); // the server lost its scripts (restart): load and redo
        }
      }
    });
  }

  @Override
  public boolean delete(byte[] key) {
    Objects.requireNonNull(key, "key");
    return run(() -> client.del(key) > 0);
  }

  @Override
  public Lookup getOrLease(byte[] key, boolean wantLease, String nonce, EntryTimes times) {
    EntryProtocol.checkId("nonce", nonce);
    List<?> reply = (List<?>) script(key, bytes("lease"), flag(wantLease), bytes(nonce),
        number(times.leaseTtlMillis()));
    switch (text(reply.get(0))) {
      case "HIT":
        return Lookup.hit((byte[]) reply.get(1), version(reply.get(2)));
      case "LOCKED":
        return Lookup.locked();
      case "LEASED":
        return Lookup.leased(text(reply.get(1)));
      default:
        return Lookup.miss();
    }
  }

  @Override
  public PutOutcome putFromLoad(byte[] key, byte[] value, long version,
      @Nullable String leaseToken, boolean minimal, EntryTimes times) {
    Objects.requireNonNull(value, "value");
    if (leaseToken != null) {
      EntryProtocol.checkId("leaseToken", leaseToken);
    }
    return PutOutcome.valueOf(text(script(key, bytes("load"), value, version(version),
        bytes(leaseToken == null ? "" : leaseToken), flag(minimal),
        number(times.valueTtlMillis()))));
  }

  @Override
  public boolean lock(byte[] key, String lockId, EntryTimes times) {
    EntryProtocol.checkId("lockId", lockId);
    return ((Long) script(key, lockArgs(lockId, times))) == 1L;
  }

  @Override
  public UnlockOutcome unlock(byte[] key, Unlock unlock, EntryTimes times) {
    Objects.requireNonNull(unlock, "unlock");
    return UnlockOutcome.valueOf(text(script(key, unlockArgs(unlock, times))));
  }

  /** One pipeline of the same EVALSHA each {@link #lock} sends. */
  @Override
  public List<Boolean> lockAll(List<byte[]> keys, String lockId, EntryTimes times) {
    CacheNode.checkKeys(keys);
    EntryProtocol.checkId("lockId", lockId);
    Objects.requireNonNull(times, "times");
    byte[][] args = lockArgs(lockId, times);
    List<byte[][]> each = new ArrayList<>(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      each.add(args);
    }
    List<Boolean> locked = new ArrayList<>(keys.size());
    for (Object reply : scripts(keys, each)) {
      locked.add((Long) reply == 1L);
    }
    return locked;
  }

  /** One pipeline of the same EVALSHA each {@link #unlock} sends. */
  @Override
  public List<UnlockOutcome> unlockAll(List<byte[]> keys, List<Unlock> unlocks,
      List<EntryTimes> times) {
    CacheNode.checkUnlocks(keys, unlocks, times);
    List<byte[][]> each = new ArrayList<>(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      each.add(unlockArgs(unlocks.get(i), times.get(i)));
    }
    List<UnlockOutcome> outcomes = new ArrayList<>(keys.size());
    for (Object reply : scripts(keys, each)) {
      outcomes.add(UnlockOutcome.valueOf(text(reply)));
    }
    return outcomes;
  }

  private static byte[][] lockArgs(String lockId, EntryTimes times) {
    return new byte[][] {bytes("lock"), bytes(lockId), number(times.lockTtlMillis())};
  }

  private static byte[][] unlockArgs(Unlock unlock, EntryTimes times) {
    byte[] value = unlock.value();
    return new byte[][] {bytes("unlock"), bytes(unlock.lockId()), flag(unlock.committed()),
        flag(unlock.delete()), flag(value != null), value == null ? new byte[0] : value,
        version(unlock.version()), number(times.valueTtlMillis()),
        number(times.tombstoneTtlMillis())};
  }

  @Override
  public InsertOutcome afterInsert(byte[] key, byte[] value, long version, EntryTimes times) {
    Objects.requireNonNull(value, "value");
    return InsertOutcome.valueOf(text(script(key, bytes("insert"), value, version(version),
        number(times.valueTtlMillis()))));
  }

  @Override
  public EvictOutcome evict(byte[] key, EntryTimes times) {
    return EvictOutcome.valueOf(text(script(key, bytes("evict"),
        number(times.tombstoneTtlMillis()))));
  }

  @Override
  public boolean dropValue(byte[] key, byte[] expectedValue) {
    Objects.requireNonNull(expectedValue, "expectedValue");
    return ((Long) script(key, bytes("drop"), expectedValue)) == 1L;
  }

  @Override
  public long increment(byte[] key, long seed, long ttlMillis) {
    CacheNode.checkSeed(seed);
    EntryTimes.checkTtlMillis(ttlMillis);
    return Long.parseLong(text(script(key, bytes("incr"), number(seed), number(ttlMillis))));
  }

  /** SCAN in steps of this many keys, each step's MEMORY USAGE pipelined. */
  private static final int SCAN_STEP = 1000;

  @Override
  public NodeUsage usage(byte[] keyPrefix) {
    ScanParams match = new ScanParams().match(globPrefix(keyPrefix)).count(SCAN_STEP);
    return run(() -> {
      long entries = 0;
      long bytes = 0;
      byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
      do {
        ScanResult<byte[]> step = client.scan(cursor, match);
        List<Response<Long>> sizes = new ArrayList<>(step.getResult().size());
        try (Pipeline pipeline = client.pipelined()) {
          for (byte[] key : step.getResult()) {
            sizes.add(pipeline.memoryUsage(key));
          }
          pipeline.sync();
        }
        for (Response<Long> size : sizes) {
          Long b = size.get();
          if (b != null) { // null: the key expired since the scan found it
            entries++;
            bytes += b;
          }
        }
        cursor = step.getCursorAsBytes();
      } while (!Arrays.equals(cursor, ScanParams.SCAN_POINTER_START_BINARY));
      return new NodeUsage(id, entries, bytes);
    });
  }

  /** A SCAN MATCH pattern for the keys that start with {@code prefix}: its bytes, escaped, then *. */
  static byte[] globPrefix(byte[] prefix) {
    ByteArrayOutputStream glob = new ByteArrayOutputStream(prefix.length + 8);
    for (byte b : prefix) {
      if (b == '*' || b == '?' || b == '[' || b == ']' || b == '\\') {
        glob.write('\\');
      }
      glob.write(b);
    }
    glob.write('*');
    return glob.toByteArray();
  }

  @Override
  public void ping() {
    run(client::ping);
  }

  @Override
  public void clear() {
    run(client::flushDB); // the node's own database only
  }

  @Override
  public @Nullable EntryRecord inspect(byte[] key) {
    List<?> reply = (List<?>) script(key, bytes("inspect"));
    long ttl = (Long) reply.get(0);
    List<?> flat = (List<?>) reply.get(1);
    if (flat.isEmpty()) {
      return null;
    }
    Map<String, byte[]> fields = new HashMap<>();
    List<String> locks = new ArrayList<>();
    for (int i = 0; i < flat.size(); i += 2) {
      String field = text(flat.get(i));
      if (field.startsWith("lk:")) {
        locks.add(field.substring(3));
      } else {
        fields.put(field, (byte[]) flat.get(i + 1));
      }
    }
    EntryRecord.State state;
    switch (text(fields.get("t"))) {
      case "V":
        state = EntryRecord.State.VALUE;
        break;
      case "L":
        state = EntryRecord.State.LOCKED;
        break;
      case "T":
        state = EntryRecord.State.TOMBSTONE;
        break;
      default:
        state = EntryRecord.State.LEASE;
        break;
    }
    byte[] token = fields.get("ls");
    return EntryRecord.restore(state, fields.get("v"), version(fields.get("ver")), locks,
        fields.containsKey("c"), version(fields.get("b")), version(fields.get("cv")),
        fields.containsKey("d"), Long.parseLong(text(fields.getOrDefault("g", bytes("0")))),
        token == null ? null : text(token),
        ttl < 0 ? Long.MAX_VALUE : System.currentTimeMillis() + ttl);
  }

  @Override
  public long clockMillis() {
    return System.currentTimeMillis();
  }

  @Override
  public void close() {
    closed = true;
    try {
      client.close();
    } catch (RuntimeException e) {
      // closing a pool whose server is gone: nothing left to release
    }
  }

  @Override
  public String toString() {
    return "RedisNode[" + options + "]";
  }

  /** One step of the protocol script: EVALSHA, loading the script when the server lacks it. */
  private Object script(byte[] key, byte[]... args) {
    Objects.requireNonNull(key, "key");
    List<byte[]> keys = List.of(key);
    List<byte[]> argv = Arrays.asList(args);
    return run(() -> {
      try {
        return client.evalsha(SCRIPT_SHA, keys, argv);
      } catch (JedisNoScriptException e) {
        client.scriptLoad(SCRIPT);
        return client.evalsha(SCRIPT_SHA, keys, argv);
      }
    });
  }

  /**
   * Steps of the protocol script on several keys, {@code args.get(i)} for {@code keys.get(i)}, in
   * one pipeline: one round trip. A server that lost its scripts refuses (NOSCRIPT) each step it
   * has not run; after a SCRIPT LOAD those steps, and only those, are sent again in their order,
   * because a step the server ran must never run twice (an unlock run twice finds its lock gone).
   */
  private List<Object> scripts(List<byte[]> keys, List<byte[][]> args) {
    if (keys.isEmpty()) {
      return List.of();
    }
    return run(() -> {
      Object[] replies = new Object[keys.size()];
      boolean[] refused = new boolean[keys.size()];
      List<Integer> pending = new ArrayList<>(keys.size());
      for (int i = 0; i < keys.size(); i++) {
        pending.add(i);
      }
      for (int attempt = 0; ; attempt++) {
        List<Response<Object>> responses = new ArrayList<>(pending.size());
        try (Pipeline pipeline = client.pipelined()) {
          for (int i : pending) {
            responses.add(pipeline.evalsha(SCRIPT_SHA, List.of(keys.get(i)),
                Arrays.asList(args.get(i))));
          }
          pipeline.sync();
        }
        List<Integer> again = new ArrayList<>();
        JedisNoScriptException noScript = null;
        for (int j = 0; j < pending.size(); j++) {
          try {
            replies[pending.get(j)] = responses.get(j).get();
          } catch (JedisNoScriptException e) {
            again.add(pending.get(j));
            refused[pending.get(j)] = true;
            noScript = e;
          }
        }
        if (noScript == null) {
          return Arrays.asList(replies);
        }
        if (attempt > 0) {
          throw noScript;
        }
        checkStillInOrder(keys, refused);
        client.scriptLoad(SCRIPT); // the server lost its scripts (restart): load and redo
        pending = again;
      }
    });
  }

  /**
   * Fails unless the steps to send again can still run in the order of the keys: not so if the
   * server ran a later step of the same key (another client loaded the scripts midway).
   */
  private void checkStillInOrder(List<byte[]> keys, boolean[] refused) {
    for (int i = 0; i < keys.size(); i++) {
      for (int j = i + 1; refused[i] && j < keys.size(); j++) {
        if (!refused[j] && Arrays.equals(keys.get(i), keys.get(j))) {
          throw new RingCacheException("redis node " + id + " lost its scripts during a batch "
              + "and ran a later step of a key before an earlier one");
        }
      }
    }
  }

  /** Runs a Jedis call, translating its exceptions at this edge. */
  private <T> T run(Supplier<T> call) {
    if (closed) {
      throw new NodeUnavailableException("redis node " + id + " is closed");
    }
    try {
      return call.get();
    } catch (JedisConnectionException e) {
      if (hasCause(e, SocketTimeoutException.class)) {
        throw new CacheTimeoutException("redis node " + id + " did not answer within "
            + options.timeoutMillis + " ms", e);
      }
      throw new NodeUnavailableException("redis node " + id + " is unavailable: "
          + e.getMessage() + reason(e), e);
    } catch (JedisAccessControlException e) {
      // Not an outage: the URI is wrong, and waiting will not help.
      throw new ConfigurationException("redis node " + id + " refused the credentials in its "
          + "URI (user and password): " + e.getMessage(), e);
    } catch (JedisException e) {
      if (closed) {
        throw new NodeUnavailableException("redis node " + id + " was closed during the call", e);
      }
      throw new RingCacheException("redis node " + id + " refused a command: " + e.getMessage(), e);
    } catch (NumberFormatException e) {
      throw new RingCacheException("redis node " + id + " holds a record ringcache did not write"
          + " under one of its keys", e);
    }
  }

  private static boolean isWrongType(JedisDataException e) {
    return e.getMessage() != null && e.getMessage().startsWith("WRONGTYPE");
  }

  /**
   * What Jedis's own message ("Failed to create socket.") leaves out: the cause underneath, such
   * as an unknown host, a misspelt name in the URI that no retry will mend.
   */
  private static String reason(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root == e) {
      return "";
    }
    if (root instanceof UnknownHostException) {
      return " (unknown host: " + root.getMessage() + ")";
    }
    return " (" + root + ")";
  }

  private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  private static byte @Nullable [] valueOf(List<byte[]> typeAndValue) {
    byte[] type = typeAndValue.get(0);
    return type != null && type.length == 1 && type[0] == 'V' ? typeAndValue.get(1) : null;
  }

  private static byte[] version(long version) {
    return version == Lookup.NO_VERSION ? new byte[0] : bytes(Long.toString(version));
  }

  private static long version(@Nullable Object text) {
    if (text == null) {
      return Lookup.NO_VERSION;
    }
    String s = text((byte[]) text);
    return s.isEmpty() ? Lookup.NO_VERSION : Long.parseLong(s);
  }

  private static byte[] flag(boolean b) {
    return b ? bytes("1") : bytes("0");
  }

  private static byte[] number(long n) {
    return bytes(Long.toString(n));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  private static String text(@Nullable Object bytes) {
    return bytes == null ? "" : new String((byte[]) bytes, UTF_8);
  }

  private static String readScript() {
    try (InputStream in = RedisNode.class.getResourceAsStream("entry-protocol.lua")) {
      if (in == null) {
        throw new IllegalStateException("entry-protocol.lua is missing from the redis-backend jar");
      }
      return new String(in.readAllBytes(), UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read entry-protocol.lua", e);
    }
  }

  private static String sha1Hex(String script) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-1").digest(script.getBytes(UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is not available on this JVM", e);
    }
  }
}
