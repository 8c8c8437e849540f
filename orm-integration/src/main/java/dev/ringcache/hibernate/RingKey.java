package dev.ringcache.hibernate;

import dev.ringcache.api.CacheKey;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.type.BasicType;
import org.hibernate.type.Type;
import org.jspecify.annotations.Nullable;

/**
 * The key object ringcache hands to Hibernate for one entity, collection or natural id: the id as
 * Hibernate knows it, and the bytes of its {@link CacheKey} (namespace, region, tenant, type, and
 * the id in its disassembled form), computed once. An id of a type {@link CacheKey} cannot encode
 * gives a key without bytes: nothing is ever cached under it, in any JVM.
 *
 * <p>Equal when the bytes are equal (or, without bytes, when type, tenant and id are equal).
 *
 * <p>Immutable and thread-safe (the id is not copied and must not be changed).
 */
final class RingKey implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Object id;
  private final String type;
  private final @Nullable String tenant;
  private final byte @Nullable [] bytes;
  private final int hash;

  private RingKey(Object id, String type, @Nullable String tenant, byte @Nullable [] bytes) {
    this.id = id;
    this.type = type;
    this.tenant = tenant;
    this.bytes = bytes;
    this.hash = bytes != null ? Arrays.hashCode(bytes) : Objects.hash(type, tenant, id);
  }

  /**
   * The key of {@code id}, whose canonical form is {@code disassembledId} (Hibernate's
   * disassembled id: a basic value, or an {@code Object[]} for a composite).
   */
  static RingKey of(String namespace, String region, @Nullable String tenant, String type,
      Object id, Object disassembledId) {
    byte[] bytes;
    try {
      bytes = CacheKey.of(namespace, region, tenant, type, disassembledId).bytes();
    } catch (IllegalArgumentException e) {
      bytes = null;
    }
    return new RingKey(id, type, tenant, bytes);
  }

  /**
   * The key of an entity or collection id of Hibernate type {@code keyType}: the id coerced to
   * the type's Java type, in the disassembled form Hibernate caches it under (as Hibernate's own
   * key factory does).
   */
  static RingKey forId(String namespace, String region, @Nullable String tenant, String type,
      Type keyType, Object id, SessionFactoryImplementor factory) {
    Object coerced = keyType instanceof BasicType<?> basic
        ? basic.getJavaTypeDescriptor().coerce(id) : id;
    return of(namespace, region, tenant, type, coerced, keyType.disassemble(coerced, factory));
  }

  /** The id as Hibernate gave it (for an entity or a collection) or the natural-id values. */
  Object id() {
    return id;
  }

  /** The bytes to store under, or null when this id cannot be cached. */
  byte @Nullable [] bytes() {
    return bytes;
  }

  @Override
  public boolean equals(@Nullable Object other) {
    if (!(other instanceof RingKey that) || hash != that.hash) {
      return false;
    }
    if (bytes != null || that.bytes != null) {
      return Arrays.equals(bytes, that.bytes);
    }
    return type.equals(that.type) && Objects.equals(tenant, that.tenant)
        && Objects.deepEquals(id, that.id);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return bytes != null ? new String(bytes, java.nio.charset.StandardCharsets.US_ASCII)
        : type + "#" + id + " (not cacheable)";
  }
}
