package dev.ringcache.hibernate;

import dev.ringcache.api.CodecException;
import dev.ringcache.api.ValueCodec;
import java.io.Serializable;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hibernate.bytecode.enhance.spi.LazyPropertyInitializer;
import org.hibernate.cache.spi.entry.CollectionCacheEntry;
import org.hibernate.cache.spi.entry.StandardCacheEntryImpl;
import org.hibernate.property.access.internal.PropertyAccessStrategyBackRefImpl;
import org.jspecify.annotations.Nullable;

/**
 * Turns what Hibernate caches into the bytes ringcache stores, and back. Hibernate hands a region
 * its own objects: a {@code StandardCacheEntryImpl} (an entity's disassembled state), a {@code
 * CollectionCacheEntry}, a {@code Map} or {@code List} when structured entries are on, a plain
 * value (a natural id's entity id), or a query's cached item (its timestamp and rows, see {@link
 * QueryCacheInternals}). Each is written as an {@code Object[]} of basic values that
 * {@link ValueCodec} encodes; Java serialization is never used.
 *
 * <p>The stored bytes are the region generation the value was loaded under (8 bytes, big-endian;
 * see {@link RegionGeneration}), then the codec's entry.
 *
 * <p>Hibernate's two entry classes have no public constructor for their cached form, so they are
 * rebuilt through their package-private constructors, found once with a private lookup (this
 * needs Hibernate on the class path, or its package {@code org.hibernate.cache.spi.entry} opened
 * to ringcache).
 *
 * <p>Immutable and thread-safe.
 */
final class CachedValues {
  private static final byte ENTITY = 1;
  private static final byte COLLECTION = 2;
  private static final byte STRUCTURED_ENTITY = 3;
  private static final byte STRUCTURED_COLLECTION = 4;
  private static final byte PLAIN = 5;
  private static final byte QUERY_RESULT = 6;

  private static final byte UNFETCHED = 1;
  private static final byte BACK_REFERENCE = 2;

  private static final @Nullable MethodHandle NEW_ENTITY_ENTRY;
  private static final @Nullable MethodHandle NEW_COLLECTION_ENTRY;
  private static final @Nullable MethodHandle COLLECTION_STATE;
  private static final @Nullable String UNAVAILABLE;

  static {
    MethodHandle entity = null;
    MethodHandle collection = null;
    MethodHandle state = null;
    String problem = null;
    try {
      MethodHandles.Lookup entries =
          MethodHandles.privateLookupIn(StandardCacheEntryImpl.class, MethodHandles.lookup());
      entity = entries.findConstructor(StandardCacheEntryImpl.class,
          MethodType.methodType(void.class, Serializable[].class, String.class, Object.class));
      MethodHandles.Lookup collections =
          MethodHandles.privateLookupIn(CollectionCacheEntry.class, MethodHandles.lookup());
      collection = collections.findConstructor(CollectionCacheEntry.class,
          MethodType.methodType(void.class, Serializable.class));
      state = collections.findGetter(CollectionCacheEntry.class, "state", Object.class);
    } catch (ReflectiveOperationException | RuntimeException e) {
      problem = "ringcache cannot rebuild Hibernate's cache entries (" + e
          + "); open package org.hibernate.cache.spi.entry to ringcache, or put Hibernate on the"
          + " class path";
    }
    NEW_ENTITY_ENTRY = entity;
    NEW_COLLECTION_ENTRY = collection;
    COLLECTION_STATE = state;
    UNAVAILABLE = problem;
  }

  private final ValueCodec codec;

  CachedValues(ValueCodec codec) {
    this.codec = codec;
  }

  /** Why Hibernate's entries cannot be rebuilt here, or null if they can. */
  static @Nullable String unavailable() {
    return UNAVAILABLE;
  }

  /**
   * The bytes of {@code value}, loaded under region generation {@code generation}; a {@link
   * CodecException} if something in it cannot be encoded.
   */
  byte[] encode(long fingerprint, long generation, Object value) {
    byte[] entry = codec.encode(fingerprint, toTree(value));
    return ByteBuffer.allocate(Long.BYTES + entry.length).putLong(generation).put(entry).array();
  }

  /** The generation the stored bytes were loaded under. */
  static long generationOf(byte[] stored) {
    return stored.length < Long.BYTES ? Long.MIN_VALUE : ByteBuffer.wrap(stored).getLong();
  }

  /** The value of the stored bytes, or null if they are not a value of this mapping. */
  @Nullable Object decode(long fingerprint, byte[] stored) {
    if (stored.length < Long.BYTES) {
      return null;
    }
    ValueCodec.Decoded decoded =
        codec.decode(Arrays.copyOfRange(stored, Long.BYTES, stored.length), fingerprint);
    if (!decoded.isHit() || !(decoded.value() instanceof Object[] tree) || tree.length == 0
        || !(tree[0] instanceof Byte kind)) {
      return null;
    }
    try {
      return fromTree(kind, tree);
    } catch (RuntimeException e) {
      return null; // a tree of another shape: not ours to read
    }
  }

  private static Object[] toTree(Object value) {
    if (value instanceof StandardCacheEntryImpl entry && NEW_ENTITY_ENTRY != null) {
      Serializable[] state = entry.getDisassembledState();
      Object[] plain = new Object[state.length];
      int[] placeholderAt = new int[state.length];
      byte[] placeholderKind = new byte[state.length];
      int placeholders = 0;
      for (int i = 0; i < state.length; i++) {
        Object v = state[i];
        if (v == LazyPropertyInitializer.UNFETCHED_PROPERTY) {
          placeholderAt[placeholders] = i;
          placeholderKind[placeholders++] = UNFETCHED;
        } else if (v == PropertyAccessStrategyBackRefImpl.UNKNOWN) {
          placeholderAt[placeholders] = i;
          placeholderKind[placeholders++] = BACK_REFERENCE;
        } else {
          plain[i] = v;
        }
      }
      return new Object[] {ENTITY, entry.getSubclass(), entry.getVersion(), plain,
          Arrays.copyOf(placeholderAt, placeholders), Arrays.copyOf(placeholderKind, placeholders)};
    }
    if (value instanceof CollectionCacheEntry entry && COLLECTION_STATE != null) {
      return new Object[] {COLLECTION, collectionState(entry)};
    }
    if (QueryCacheInternals.isItem(value)) {
      return new Object[] {QUERY_RESULT, QueryCacheInternals.timestampOf(value),
          QueryCacheInternals.resultsOf(value).toArray()};
    }
    if (value instanceof Map<?, ?> map) {
      Object[] keys = new Object[map.size()];
      Object[] values = new Object[map.size()];
      int i = 0;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        keys[i] = e.getKey();
        values[i++] = e.getValue();
      }
      return new Object[] {STRUCTURED_ENTITY, keys, values};
    }
    if (value instanceof List<?> list) {
      return new Object[] {STRUCTURED_COLLECTION, list.toArray()};
    }
    if (value instanceof StandardCacheEntryImpl || value instanceof CollectionCacheEntry) {
      throw new CodecException(String.valueOf(UNAVAILABLE));
    }
    return new Object[] {PLAIN, value};
  }

  private static Object fromTree(byte kind, Object[] tree) throws RuntimeException {
    switch (kind) {
      case ENTITY: {
        Object[] plain = (Object[]) tree[3];
        int[] placeholderAt = (int[]) tree[4];
        byte[] placeholderKind = (byte[]) tree[5];
        Serializable[] state = new Serializable[plain.length];
        for (int i = 0; i < plain.length; i++) {
          state[i] = (Serializable) plain[i];
        }
        for (int i = 0; i < placeholderAt.length; i++) {
          state[placeholderAt[i]] = placeholderKind[i] == UNFETCHED
              ? LazyPropertyInitializer.UNFETCHED_PROPERTY
              : PropertyAccessStrategyBackRefImpl.UNKNOWN;
        }
        return invoke(NEW_ENTITY_ENTRY, state, (String) tree[1], tree[2]);
      }
      case COLLECTION:
        return invoke(NEW_COLLECTION_ENTRY, serializable(tree[1]));
      case STRUCTURED_ENTITY: {
        Object[] keys = (Object[]) tree[1];
        Object[] values = (Object[]) tree[2];
        Map<Object, Object> map = new HashMap<>();
        for (int i = 0; i < keys.length; i++) {
          map.put(keys[i], values[i]);
        }
        return map;
      }
      case STRUCTURED_COLLECTION:
        return new ArrayList<>(Arrays.asList((Object[]) tree[1]));
      case PLAIN:
        return tree[1];
      case QUERY_RESULT:
        return QueryCacheInternals.newItem((Long) tree[1],
            new ArrayList<>(Arrays.asList((Object[]) tree[2])));
      default:
        throw new IllegalArgumentException("kind " + kind);
    }
  }

  private static Serializable serializable(Object state) {
    if (state instanceof Object[] array && !(state instanceof Serializable[])) {
      Serializable[] copy = new Serializable[array.length];
      for (int i = 0; i < array.length; i++) {
        copy[i] = (Serializable) array[i];
      }
      return copy;
    }
    return (Serializable) state;
  }

  private static Object collectionState(CollectionCacheEntry entry) {
    try {
      return (Object) COLLECTION_STATE.invoke(entry);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  private static Object invoke(@Nullable MethodHandle constructor, Object... args) {
    if (constructor == null) {
      throw new IllegalStateException(UNAVAILABLE);
    }
    try {
      return constructor.invokeWithArguments(args);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }
}
