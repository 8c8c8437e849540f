package dev.ringcache.api.internal;

import dev.ringcache.api.ConfigurationException;
import dev.ringcache.api.NodeUri;
import dev.ringcache.api.spi.CacheNode;
import dev.ringcache.api.spi.CacheNodeProvider;
import dev.ringcache.api.spi.NodeEvents;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Opens in-process nodes: {@code local://name[?maxEntries=N]}, the embedded default. Every node of
 * one name in this JVM shares one store, created by the first and released when the last closes.
 * Registered for ServiceLoader.
 *
 * <p>Thread-safe.
 */
public final class LocalNodeProvider implements CacheNodeProvider {
  /** The option that bounds a store's record count. */
  public static final String MAX_ENTRIES = "maxEntries";
  /** Records a store holds at most when {@value #MAX_ENTRIES} is not given. */
  public static final int DEFAULT_MAX_ENTRIES = 1_000_000;

  // A monotonic clock in milliseconds: records must not expire when the wall clock jumps.
  private static final LongSupplier CLOCK = () -> System.nanoTime() / 1_000_000;
  private static final Map<String, Shared> STORES = new HashMap<>();

  /** A store and the number of open nodes using it. */
  private static final class Shared {
    final LocalStore store;
    int users;

    Shared(LocalStore store) {
      this.store = store;
    }
  }

  public LocalNodeProvider() {
    // for ServiceLoader
  }

  @Override
  public Set<String> schemes() {
    return Set.of("local");
  }

  @Override
  public CacheNode open(NodeUri uri, NodeEvents events) {
    uri.requireKnownOptions(Set.of(MAX_ENTRIES));
    if (uri.port(-1) >= 0 || uri.user() != null || uri.path().length() > 1) {
      throw new ConfigurationException("node URI '" + uri + "': a local node is named by one word,"
          + " e.g. local://cache, without port, user or path");
    }
    String name = uri.host();
    int maxEntries = uri.intOption(MAX_ENTRIES, DEFAULT_MAX_ENTRIES, 1, Integer.MAX_VALUE);
    synchronized (STORES) {
      Shared shared = STORES.get(name);
      if (shared == null) {
        shared = new Shared(new LocalStore(maxEntries, CLOCK));
        STORES.put(name, shared);
      } else if (uri.options().containsKey(MAX_ENTRIES) && shared.store.maxEntries() != maxEntries) {
        throw new ConfigurationException("node URI '" + uri + "': local://" + name
            + " is already open in this JVM with " + MAX_ENTRIES + "=" + shared.store.maxEntries());
      }
      shared.users++;
      Shared opened = shared;
      return new LocalNode(name, shared.store, () -> release(name, opened));
    }
  }

  private static void release(String name, Shared shared) {
    synchronized (STORES) {
      if (--shared.users == 0 && STORES.get(name) == shared) {
        STORES.remove(name);
      }
    }
  }
}
