package dev.ringcache.api;

import dev.ringcache.api.internal.LocalNodeProvider;
import dev.ringcache.api.spi.CacheNode;
import dev.ringcache.api.spi.CacheNodeProvider;
import dev.ringcache.api.spi.NodeEvents;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test nodes {@code counting://name}: in-process nodes that count how often each node method is
 * called, so tests can check how the router talks to its nodes. Registered for ServiceLoader in the
 * test resources only.
 *
 * <p>Thread-safe.
 */
public final class CountingNodeProvider implements CacheNodeProvider {
  private static final Map<String, Map<String, AtomicInteger>> CALLS = new ConcurrentHashMap<>();

  /** How often {@code method} was called on the node {@code name} since {@link #reset}. */
  static int calls(String name, String method) {
    AtomicInteger count = CALLS.getOrDefault(name, Map.of()).get(method);
    return count == null ? 0 : count.get();
  }

  static void reset() {
    CALLS.clear();
  }

  @Override
  public Set<String> schemes() {
    return Set.of("counting");
  }

  @Override
  public CacheNode open(NodeUri uri, NodeEvents events) {
    CacheNode local = new LocalNodeProvider().open(NodeUri.parse("local://" + uri.host()));
    String name = uri.host();
    return (CacheNode) Proxy.newProxyInstance(CacheNode.class.getClassLoader(),
        new Class<?>[] {CacheNode.class}, (proxy, method, args) -> {
          CALLS.computeIfAbsent(name, n -> new ConcurrentHashMap<>())
              .computeIfAbsent(method.getName(), m -> new AtomicInteger()).incrementAndGet();
          try {
            return method.invoke(local, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }
}
