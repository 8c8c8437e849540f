package dev.ringcache.memcached;

import dev.ringcache.api.CacheOperation;
import dev.ringcache.api.spi.NodeEvents;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Counts what a node reports, per kind and operation, e.g. {@code "tooLarge:put"}. */
final class CountingEvents implements NodeEvents {
  private final Map<String, Integer> counts = new ConcurrentHashMap<>();

  @Override
  public void casRetried(CacheOperation operation, int retries) {
    counts.merge("retried:" + operation.tagValue(), retries, Integer::sum);
  }

  @Override
  public void itemTooLarge(CacheOperation operation) {
    counts.merge("tooLarge:" + operation.tagValue(), 1, Integer::sum);
  }

  @Override
  public void recordUnreadable(CacheOperation operation) {
    counts.merge("unreadable:" + operation.tagValue(), 1, Integer::sum);
  }

  int count(String what) {
    return counts.getOrDefault(what, 0);
  }

  Map<String, Integer> all() {
    return Map.copyOf(counts);
  }
}
