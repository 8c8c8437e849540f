package dev.ringcache.api.spi;

import dev.ringcache.api.NodeUri;
import java.util.Set;

/**
 * Opens cache nodes of some URI schemes. Found with {@link java.util.ServiceLoader}: a backend
 * lists its implementation in {@code META-INF/services/dev.ringcache.api.spi.CacheNodeProvider}.
 *
 * <p>Implementations must have a public no-argument constructor and be thread-safe.
 */
public interface CacheNodeProvider {
  /** The URI schemes this provider opens, in lower case, e.g. {@code redis} and {@code rediss}. */
  Set<String> schemes();

  /**
   * Opens a node. Fails with a {@link dev.ringcache.api.ConfigurationException} for a URI it
   * cannot accept (bad port, unknown or malformed option), naming the URI without its password. A
   * server that is down is not a reason to fail: the node reports it on use. The node reports
   * what it meets to {@code events}.
   */
  CacheNode open(NodeUri uri, NodeEvents events);

  /** Opens a node that reports no {@link NodeEvents}. */
  default CacheNode open(NodeUri uri) {
    return open(uri, NodeEvents.NONE);
  }
}
