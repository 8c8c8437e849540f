package dev.ringcache.api.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.ringcache.api.spi.EntryProtocol;
import dev.ringcache.api.spi.EntryRecord;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The records of one in-process node, in a Caffeine cache, each record expiring at its own time.
 * Every change runs inside Caffeine's per-key compute, so each protocol step is atomic for its key.
 *
 * <p>Only values count toward the size bound: locks, tombstones and leases weigh nothing, so size
 * eviction never drops one before its time (which would let a stale value in). They live at most
 * 2Θ, so their number is bounded by the rate of writes and misses.
 *
 * <p>Counters ({@link dev.ringcache.api.spi.CacheNode#increment}) live in a map of their own, as
 * plain numbers, each expiring at its own time. They weigh nothing either: a counter evicted for
 * room would start again at its seed.
 *
 * <p>Thread-safe.
 */
final class LocalStore {
  private final Cache<ByteKey, EntryRecord> records;
  private final Cache<ByteKey, Counter> counters;
  private final LongSupplier clockMillis;
  private final long maxEntries;

  LocalStore(long maxEntries, LongSupplier clockMillis) {
    this.maxEntries = maxEntries;
    this.clockMillis = clockMillis;
    this.records = Caffeine.newBuilder()
        .maximumWeight(maxEntries)
        .weigher((ByteKey key, EntryRecord record) -> record.state() == EntryRecord.State.VALUE ? 1 : 0)
        .expireAfter(new Expiry<ByteKey, EntryRecord>() {
          @Override
          public long expireAfterCreate(ByteKey key, EntryRecord record, long currentTime) {
            return remainingNanos(record);
          }

          @Override
          public long expireAfterUpdate(ByteKey key, EntryRecord record, long currentTime,
              long currentDuration) {
            return remainingNanos(record);
          }

          @Override
          public long expireAfterRead(ByteKey key, EntryRecord record, long currentTime,
              long currentDuration) {
            return currentDuration;
          }
        })
        .build();
    this.counters = Caffeine.newBuilder()
        .expireAfter(new Expiry<ByteKey, Counter>() {
          @Override
          public long expireAfterCreate(ByteKey key, Counter counter, long currentTime) {
            return remainingNanos(counter.expiresAtMillis());
          }

          @Override
          public long expireAfterUpdate(ByteKey key, Counter counter, long currentTime,
              long currentDuration) {
            return remainingNanos(counter.expiresAtMillis());
          }

          @Override
          public long expireAfterRead(ByteKey key, Counter counter, long currentTime,
              long currentDuration) {
            return currentDuration;
          }
        })
        .build();
  }

  long maxEntries() {
    return maxEntries;
  }

  long now() {
    return clockMillis.getAsLong();
  }

  @Nullable EntryRecord read(byte[] key) {
    return records.getIfPresent(new ByteKey(key));
  }

  /** Applies one protocol step atomically to the key's record and returns its result. */
  <R> R apply(byte[] key, Function<@Nullable EntryRecord, EntryProtocol.Step<R>> step) {
    Object[] result = new Object[1];
    records.asMap().compute(new ByteKey(key), (k, current) -> {
      EntryProtocol.Step<R> s = step.apply(current);
      result[0] = s.result();
      return s.record();
    });
    @SuppressWarnings("unchecked")
    R r = (R) result[0];
    return r;
  }

  /**
   * The counter step of {@link dev.ringcache.api.spi.CacheNode#increment}, atomic in the key's
   * compute: {@code seed} for a key without a live counter, else the counter plus one.
   */
  long increment(byte[] key, long seed, long ttlMillis) {
    long now = now();
    // Caffeine may not have dropped a counter past its time yet: it starts again all the same.
    Counter counter = counters.asMap().compute(new ByteKey(key), (k, current) ->
        current == null || current.expiresAtMillis() <= now ? new Counter(seed, now + ttlMillis)
            : new Counter(Math.addExact(current.value(), 1), current.expiresAtMillis()));
    return counter.value();
  }

  /**
   * The live records and counters whose key starts with {@code prefix}: their number, and the
   * bytes of their keys and values.
   */
  long[] usage(byte[] prefix) {
    long now = now();
    long entries = 0;
    long bytes = 0;
    for (var e : records.asMap().entrySet()) {
      if (e.getKey().startsWith(prefix) && e.getValue().expiresAtMillis() > now) {
        byte[] value = e.getValue().value();
        entries++;
        bytes += e.getKey().length() + (value == null ? 0 : value.length);
      }
    }
    for (var e : counters.asMap().entrySet()) {
      if (e.getKey().startsWith(prefix) && e.getValue().expiresAtMillis() > now) {
        entries++;
        bytes += e.getKey().length() + Long.BYTES;
      }
    }
    return new long[] {entries, bytes};
  }

  /** Removes every record and counter. */
  void clear() {
    records.invalidateAll();
    counters.invalidateAll();
  }

  long size() {
    records.cleanUp();
    return records.estimatedSize();
  }

  private long remainingNanos(EntryRecord record) {
    return remainingNanos(record.expiresAtMillis());
  }

  private long remainingNanos(long expiresAtMillis) {
    long remaining = expiresAtMillis - now();
    return remaining <= 0 ? 0 : TimeUnit.MILLISECONDS.toNanos(remaining);
  }

  /** A counter's value, and when it expires in {@link #now()}'s clock. */
  private record Counter(long value, long expiresAtMillis) {}
}
