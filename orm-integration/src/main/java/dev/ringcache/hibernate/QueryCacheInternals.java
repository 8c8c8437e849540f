package dev.ringcache.hibernate;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Arrays;
import java.util.List;
import org.hibernate.cache.internal.QueryResultsCacheImpl;
import org.hibernate.cache.spi.QueryKey;
import org.jspecify.annotations.Nullable;

/**
 * What ringcache reads of Hibernate's query cache classes, which have no public accessors for it:
 * the parts of a {@link QueryKey}, and the cached item ({@code QueryResultsCacheImpl.CacheItem}:
 * the session timestamp and the rows). Reached through private lookups, once.
 *
 * <p>Immutable and thread-safe.
 */
final class QueryCacheInternals {
  private static final @Nullable MethodHandle SQL;
  private static final @Nullable MethodHandle BINDINGS;
  private static final @Nullable MethodHandle FIRST_ROW;
  private static final @Nullable MethodHandle MAX_ROWS;
  private static final @Nullable MethodHandle FILTERS;
  private static final @Nullable Class<?> BINDINGS_CLASS;
  private static final @Nullable MethodHandle BOUND_VALUES;
  private static final @Nullable Class<?> ITEM_CLASS;
  private static final @Nullable MethodHandle NEW_ITEM;
  private static final @Nullable MethodHandle ITEM_TIMESTAMP;
  private static final @Nullable MethodHandle ITEM_RESULTS;
  private static final @Nullable String UNAVAILABLE;

  static {
    MethodHandle sql = null;
    MethodHandle bindings = null;
    MethodHandle firstRow = null;
    MethodHandle maxRows = null;
    MethodHandle filters = null;
    Class<?> bindingsClass = null;
    MethodHandle boundValues = null;
    Class<?> itemClass = null;
    MethodHandle newItem = null;
    MethodHandle timestamp = null;
    MethodHandle results = null;
    String problem = null;
    try {
      MethodHandles.Lookup keys = MethodHandles.privateLookupIn(QueryKey.class,
          MethodHandles.lookup());
      sql = keys.findGetter(QueryKey.class, "sqlQueryString", String.class);
      bindings = keys.findGetter(QueryKey.class, "parameterBindingsMemento",
          QueryKey.ParameterBindingsMemento.class);
      firstRow = keys.findGetter(QueryKey.class, "firstRow", Integer.class);
      maxRows = keys.findGetter(QueryKey.class, "maxRows", Integer.class);
      filters = keys.findGetter(QueryKey.class, "enabledFilterNames", String[].class);
      bindingsClass = Class.forName(
          "org.hibernate.query.internal.QueryParameterBindingsImpl$ParameterBindingsMementoImpl");
      boundValues = MethodHandles.privateLookupIn(bindingsClass, MethodHandles.lookup())
          .findGetter(bindingsClass, "values", Object[].class);
      itemClass = MethodHandles.privateLookupIn(QueryResultsCacheImpl.class,
          MethodHandles.lookup()).findClass(QueryResultsCacheImpl.class.getName() + "$CacheItem");
      MethodHandles.Lookup items = MethodHandles.privateLookupIn(itemClass, MethodHandles.lookup());
      newItem = items.findConstructor(itemClass,
          MethodType.methodType(void.class, long.class, List.class));
      timestamp = items.findVirtual(itemClass, "timestamp", MethodType.methodType(long.class));
      results = items.findVirtual(itemClass, "results", MethodType.methodType(List.class));
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      problem = "ringcache cannot read Hibernate's query cache keys and items (" + e
          + "); open packages org.hibernate.cache.spi, org.hibernate.cache.internal and "
          + "org.hibernate.query.internal to ringcache, or put Hibernate on the class path";
    }
    SQL = sql;
    BINDINGS = bindings;
    FIRST_ROW = firstRow;
    MAX_ROWS = maxRows;
    FILTERS = filters;
    BINDINGS_CLASS = bindingsClass;
    BOUND_VALUES = boundValues;
    ITEM_CLASS = itemClass;
    NEW_ITEM = newItem;
    ITEM_TIMESTAMP = timestamp;
    ITEM_RESULTS = results;
    UNAVAILABLE = problem;
  }

  private QueryCacheInternals() {}

  /** Why the query cache cannot be used with this Hibernate, or null if it can. */
  static @Nullable String unavailable() {
    return UNAVAILABLE;
  }

  /**
   * What identifies a query's results: the SQL, the bound values, the row limits and the enabled
   * filters (sorted), as a tree of plain values; null when the key has parts ringcache cannot read
   * (a procedure call's bindings).
   */
  static Object @Nullable [] keyTree(QueryKey key) {
    Object bindings = invoke(BINDINGS, key);
    if (bindings == null || bindings.getClass() != BINDINGS_CLASS) {
      return null;
    }
    String[] filters = ((String[]) invoke(FILTERS, key)).clone();
    Arrays.sort(filters);
    return new Object[] {invoke(SQL, key), invoke(BOUND_VALUES, bindings), invoke(FIRST_ROW, key),
        invoke(MAX_ROWS, key), filters};
  }

  /** Whether {@code value} is Hibernate's cached query item. */
  static boolean isItem(Object value) {
    return value.getClass() == ITEM_CLASS;
  }

  static long timestampOf(Object item) {
    return (long) invoke(ITEM_TIMESTAMP, item);
  }

  static List<?> resultsOf(Object item) {
    return (List<?>) invoke(ITEM_RESULTS, item);
  }

  static Object newItem(long timestamp, List<?> results) {
    return invoke(NEW_ITEM, timestamp, results);
  }

  private static Object invoke(@Nullable MethodHandle handle, Object... args) {
    if (handle == null) {
      throw new IllegalStateException(UNAVAILABLE);
    }
    try {
      return handle.invokeWithArguments(args);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }
}
