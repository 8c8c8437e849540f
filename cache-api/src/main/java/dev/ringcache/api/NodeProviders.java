package dev.ringcache.api;

import dev.ringcache.api.spi.CacheNode;
import dev.ringcache.api.spi.CacheNodeProvider;
import dev.ringcache.api.spi.NodeEvents;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The node providers on the class path, by scheme, found once with ServiceLoader.
 *
 * <p>Immutable and thread-safe.
 */
final class NodeProviders {
  private final Map<String, CacheNodeProvider> byScheme;

  private NodeProviders(Map<String, CacheNodeProvider> byScheme) {
    this.byScheme = byScheme;
  }

  static NodeProviders load(ClassLoader loader) {
    Map<String, CacheNodeProvider> byScheme = new TreeMap<>();
    for (CacheNodeProvider provider : ServiceLoader.load(CacheNodeProvider.class, loader)) {
      for (String scheme : provider.schemes()) {
        CacheNodeProvider previous = byScheme.putIfAbsent(scheme, provider);
        if (previous != null && previous.getClass() != provider.getClass()) {
          throw new ConfigurationException("two node providers claim the scheme '" + scheme
              + "': " + previous.getClass().getName() + " and " + provider.getClass().getName());
        }
      }
    }
    return new NodeProviders(Map.copyOf(byScheme));
  }

  CacheNode open(NodeUri uri, NodeEvents events) {
    CacheNodeProvider provider = byScheme.get(uri.scheme());
    if (provider == null) {
      throw new ConfigurationException("node URI '" + uri + "': no provider for the scheme '"
          + uri.scheme() + "'; known: " + byScheme.keySet()
          + " (add ringcache's redis-backend or memcached-backend to the class path)");
    }
    return provider.open(uri, events);
  }
}
