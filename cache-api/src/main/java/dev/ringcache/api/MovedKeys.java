package dev.ringcache.api;

import dev.ringcache.ring.ConsistentHashRing;
import java.util.ArrayList;
import java.util.List;

/**
 * The rings a cache had before its recent membership changes, each until the end of its quarantine
 * period. A key whose owner differs from its owner in one of them has moved recently: its new node
 * may lack the locks and tombstones its old node held, so it takes no puts for that key until the
 * period ends (DESIGN.md §5).
 *
 * <p>Immutable and thread-safe.
 */
final class MovedKeys {
  static final MovedKeys NONE = new MovedKeys(List.of(), List.of());

  private final List<ConsistentHashRing<NodeGuard>> rings;
  private final List<Long> untilNanos;

  private MovedKeys(List<ConsistentHashRing<NodeGuard>> rings, List<Long> untilNanos) {
    this.rings = rings;
    this.untilNanos = untilNanos;
  }

  /** These moves, and one more from {@code before}, until {@code until} (nanoTime); expired dropped. */
  MovedKeys with(ConsistentHashRing<NodeGuard> before, long until) {
    long now = System.nanoTime();
    List<ConsistentHashRing<NodeGuard>> r = new ArrayList<>();
    List<Long> u = new ArrayList<>();
    for (int i = 0; i < rings.size(); i++) {
      if (untilNanos.get(i) - now > 0) {
        r.add(rings.get(i));
        u.add(untilNanos.get(i));
      }
    }
    r.add(before);
    u.add(until);
    return new MovedKeys(List.copyOf(r), List.copyOf(u));
  }

  /** Whether {@code key}, now owned by {@code owner}, had another owner in a ring still quarantined. */
  boolean moved(byte[] key, NodeGuard owner) {
    if (rings.isEmpty()) {
      return false;
    }
    long now = System.nanoTime();
    for (int i = 0; i < rings.size(); i++) {
      if (untilNanos.get(i) - now > 0 && rings.get(i).nodeFor(key) != owner) {
        return true;
      }
    }
    return false;
  }
}
