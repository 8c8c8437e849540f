package dev.ringcache.bench.shop;

import dev.ringcache.api.CacheKey;
import dev.ringcache.api.CacheMetrics;
import dev.ringcache.api.CacheOperation;
import dev.ringcache.api.CacheStatistics;
import dev.ringcache.api.CacheStatistics.OperationSnapshot;
import dev.ringcache.api.NodeUsage;
import dev.ringcache.api.ShardedCache;
import dev.ringcache.bench.shop.PhaseResult.NodeResult;
import dev.ringcache.bench.shop.PhaseResult.OperationSummary;
import dev.ringcache.bench.shop.PhaseResult.RegionResult;
import dev.ringcache.bench.shop.PhaseResult.RequestKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.hibernate.stat.CacheRegionStatistics;
import org.hibernate.stat.Statistics;
import org.jspecify.annotations.Nullable;

/**
 * One phase of the run, with the cache or without it: starts the two application servers over
 * freshly created tables and data, runs the workers for the phase's duration, and measures what
 * they did after the warm-up.
 *
 * <p>Not thread-safe: {@link #run} once, from one thread; the workers and the progress line read
 * the fields meant for them.
 */
final class PhaseRun {
  /** The cache regions of the shop, in the order the report lists them. */
  static final List<String> REGIONS = List.of("shop.product", "shop.stock", "shop.category",
      "shop.customer", "shop.customer.email", "shop.order", "shop.order.lines", "shop.order-line",
      AppServer.CATALOG_REGION);

  private final ShopSetup setup;
  final boolean cached;
  final ConsistencyCheck check = new ConsistencyCheck();
  final RecentOrders recentOrders = new RecentOrders(2_000);
  /** Operations completed so far, warm-up included: for the progress line. */
  final LongAdder completed = new LongAdder();
  /** Set before the workers start. */
  long startNanos;
  long warmEndNanos;
  long endNanos;
  private volatile List<AppServer> servers = List.of();

  PhaseRun(ShopSetup setup, boolean cached) {
    this.setup = setup;
    this.cached = cached;
  }

  String name() {
    return cached ? "with cache" : "without cache";
  }

  /** The phase's warm-up, then its measured window. */
  Duration duration() {
    return warmUp().plus(setup.options().duration());
  }

  /** The first phase, without the cache, also warms the JVM. */
  Duration warmUp() {
    return setup.options().warmUp(!cached);
  }

  int timelineSeconds() {
    return (int) Math.max(1, duration().toSeconds()); // a last, partial second would show a dip
  }

  PhaseResult run(Progress progress) throws InterruptedException {
    CacheStatistics metrics = cached ? new CacheStatistics() : null;
    List<AppServer> started = new ArrayList<>();
    try {
      progress.message(name() + ": creating the tables and the data");
      // Through a server without the cache, so that the phase with it starts cold.
      try (AppServer seeder = AppServer.start(0, setup, false, true, null)) {
        ShopData.create(seeder.factory, setup.options().seed(), check, recentOrders);
      }
      started.add(AppServer.start(0, setup, cached, false, metrics));
      if (cached) {
        // The other server, started after this one, reads the new generations at its start.
        started.get(0).forgetEarlierRuns();
      }
      for (int i = 1; i < ShopSetup.SERVERS; i++) {
        started.add(AppServer.start(i, setup, cached, false, metrics));
      }
      servers = List.copyOf(started);
      started.forEach(s -> s.factory.getStatistics().clear());

      List<ShopWorker> workers = new ArrayList<>();
      for (int t = 0; t < setup.options().threads(); t++) {
        workers.add(new ShopWorker(t, started.get(t % ShopSetup.SERVERS), this,
            setup.options().seed()));
      }
      List<Thread> threads = new ArrayList<>();
      startNanos = System.nanoTime();
      warmEndNanos = startNanos + warmUp().toNanos();
      endNanos = startNanos + duration().toNanos();
      for (int t = 0; t < workers.size(); t++) {
        Thread thread = new Thread(workers.get(t), "shop-" + (cached ? "cached" : "uncached")
            + "-t" + t);
        thread.setDaemon(true);
        threads.add(thread);
      }
      threads.forEach(Thread::start);
      progress.watch(this);
      try {
        sleepUntil(warmEndNanos);
        Counters atWarmEnd = counters(metrics);
        for (Thread thread : threads) {
          thread.join();
        }
        Counters atEnd = counters(metrics);
        return result(workers, atEnd.minus(atWarmEnd), metrics);
      } finally {
        progress.unwatch();
      }
    } finally {
      servers = List.of();
      for (int i = started.size() - 1; i >= 0; i--) {
        started.get(i).close();
      }
    }
  }

  private static void sleepUntil(long deadline) throws InterruptedException {
    for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
      Thread.sleep(Math.max(1, left / 1_000_000));
    }
  }

  private PhaseResult result(List<ShopWorker> workers, Counters counted,
      @Nullable CacheStatistics metrics) {
    Map<Operation, OperationSummary> operations = new EnumMap<>(Operation.class);
    LatencyHistogram all = new LatencyHistogram();
    long[] timeline = new long[timelineSeconds()];
    List<String> errors = new ArrayList<>();
    for (Operation op : Operation.values()) {
      OperationStats merged = new OperationStats();
      workers.forEach(w -> merged.add(w.stats().get(op)));
      all.add(merged.latency);
      operations.put(op, new OperationSummary(merged.count(), Latency.of(merged.latency),
          merged.rolledBack, merged.conflicts, merged.errors));
    }
    for (ShopWorker w : workers) {
      long[] own = w.timeline();
      for (int i = 0; i < timeline.length; i++) {
        timeline[i] += own[i];
      }
      errors.addAll(w.errors());
    }
    List<RegionResult> regions = new ArrayList<>();
    List<NodeResult> nodes = new ArrayList<>();
    List<RequestKind> kinds = new ArrayList<>();
    counted.kinds.forEach((kind, c) -> {
      if (c[0] > 0) {
        kinds.add(new RequestKind(kind, c[0], c[1]));
      }
    });
    if (cached) {
      ShardedCache cache = servers.get(0).regionFactory().cache();
      String namespace = servers.get(0).regionFactory().namespace();
      for (String region : REGIONS) {
        long[] c = counted.lookups.getOrDefault(region, new long[3]);
        regions.add(new RegionResult(region, c[0], c[1], c[2],
            counted.requests.getOrDefault(region, new long[1])[0],
            keys(cache.usage(CacheKey.prefix(namespace, region)))));
      }
      // ringcache's own records: the query cache's table stamps, its clock, region generations.
      counted.requests.forEach((region, c) -> {
        if (!REGIONS.contains(region)) {
          regions.add(new RegionResult(region, -1, -1, -1, c[0], region.equals(
              CacheMetrics.SEVERAL_REGIONS) || region.equals(CacheMetrics.NO_REGION) ? -1
              : keys(cache.usage(CacheKey.prefix(namespace, region)))));
        }
      });
      Map<String, NodeUsage> usage = new LinkedHashMap<>();
      cache.usage(CacheKey.prefix(namespace)).forEach(u -> usage.put(u.nodeId(), u));
      for (String id : cache.nodeIds()) {
        long[] c = counted.nodes.getOrDefault(id, new long[4]);
        NodeUsage u = usage.getOrDefault(id, NodeUsage.unknown(id));
        nodes.add(new NodeResult(id, c[0], c[1], c[2], c[3], u.entries(), u.bytes()));
      }
    }
    Duration measured = Duration.ofNanos(endNanos - warmEndNanos);
    return new PhaseResult(cached, Duration.ofNanos(warmEndNanos - startNanos), measured,
        operations, Latency.of(all), timeline, counted.sql, regions, nodes, kinds, check.counts(),
        errors);
  }

  /** The records of a region over all nodes; -1 if a node could not tell. */
  private static long keys(List<NodeUsage> usage) {
    long keys = 0;
    for (NodeUsage u : usage) {
      if (!u.known()) {
        return NodeUsage.UNKNOWN;
      }
      keys += u.entries();
    }
    return keys;
  }

  /** The hit ratio of every region so far, over both servers: for the progress line. */
  double liveHitRatio() {
    long hits = 0;
    long lookups = 0;
    for (AppServer server : servers) {
      Statistics stats = server.factory.getStatistics();
      for (String region : REGIONS) {
        CacheRegionStatistics r = regionStatistics(stats, region);
        if (r != null) {
          hits += r.getHitCount();
          lookups += r.getHitCount() + r.getMissCount();
        }
      }
    }
    return lookups == 0 ? 0 : (double) hits / lookups;
  }

  private static @Nullable CacheRegionStatistics regionStatistics(Statistics stats,
      String region) {
    return region.equals(AppServer.CATALOG_REGION) ? stats.getQueryRegionStatistics(region)
        : stats.getDomainDataRegionStatistics(region);
  }

  /**
   * Counters that only grow, read at the end of the warm-up and at the end: Hibernate's SQL
   * statements and, per region, its hits, misses and puts; ringcache's requests per region; per
   * node its requests, failures, requests not sent and their latency; and per kind of request
   * (operation) their count and latency.
   */
  private record Counters(long sql, Map<String, long[]> lookups, Map<String, long[]> requests,
      Map<String, long[]> nodes, Map<String, long[]> kinds) {
    Counters minus(Counters earlier) {
      return new Counters(sql - earlier.sql, minus(lookups, earlier.lookups),
          minus(requests, earlier.requests), minus(nodes, earlier.nodes),
          minus(kinds, earlier.kinds));
    }

    private static Map<String, long[]> minus(Map<String, long[]> now,
        Map<String, long[]> earlier) {
      Map<String, long[]> difference = new LinkedHashMap<>();
      now.forEach((name, values) -> {
        long[] before = earlier.get(name);
        long[] d = values.clone();
        for (int i = 0; before != null && i < d.length; i++) {
          d[i] -= before[i];
        }
        difference.put(name, d);
      });
      return difference;
    }
  }

  private Counters counters(@Nullable CacheStatistics metrics) {
    long sql = 0;
    Map<String, long[]> lookups = new LinkedHashMap<>();
    for (AppServer server : servers) {
      Statistics stats = server.factory.getStatistics();
      sql += stats.getPrepareStatementCount();
      if (!cached) {
        continue;
      }
      for (String region : REGIONS) {
        long[] c = lookups.computeIfAbsent(region, r -> new long[3]);
        CacheRegionStatistics r = regionStatistics(stats, region);
        if (r != null) {
          c[0] += r.getHitCount();
          c[1] += r.getMissCount();
          c[2] += r.getPutCount();
        }
      }
    }
    Map<String, long[]> requests = new LinkedHashMap<>();
    Map<String, long[]> nodes = new LinkedHashMap<>();
    Map<String, long[]> kinds = new LinkedHashMap<>();
    if (metrics != null) {
      for (String region : metrics.regionNames()) {
        requests.put(region, new long[] {requests(metrics.region(region).values())});
      }
      for (String id : metrics.nodeIds()) {
        long[] c = new long[4];
        for (CacheOperation op : CacheOperation.values()) {
          if (op == CacheOperation.PING || op == CacheOperation.CLEAR) {
            continue; // the node layer's own upkeep, not the workload's
          }
          OperationSnapshot s = metrics.node(id).operation(op);
          c[0] += s.count();
          c[1] += s.failures();
          c[2] += s.notAttempted();
          c[3] += s.totalNanos();
          long[] kind = kinds.computeIfAbsent(op.tagValue(), k -> new long[2]);
          kind[0] += s.count();
          kind[1] += s.totalNanos();
        }
        nodes.put(id, c);
      }
    }
    return new Counters(sql, lookups, requests, nodes, kinds);
  }

  private static long requests(Iterable<OperationSnapshot> operations) {
    long requests = 0;
    for (OperationSnapshot s : operations) {
      requests += s.count();
    }
    return requests;
  }
}
