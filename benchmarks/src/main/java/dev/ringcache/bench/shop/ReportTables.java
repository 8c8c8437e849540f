package dev.ringcache.bench.shop;

import static dev.ringcache.bench.shop.Format.NONE;
import static dev.ringcache.bench.shop.Format.count;
import static dev.ringcache.bench.shop.Format.decimal;
import static dev.ringcache.bench.shop.Format.millis;
import static dev.ringcache.bench.shop.Format.percent;
import static dev.ringcache.bench.shop.Format.times;

import dev.ringcache.api.CacheMetrics;
import dev.ringcache.bench.shop.PhaseResult.NodeResult;
import dev.ringcache.bench.shop.PhaseResult.OperationSummary;
import dev.ringcache.bench.shop.PhaseResult.RegionResult;
import dev.ringcache.bench.shop.PhaseResult.RequestKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * The tables of the report, made once from a {@link ShopResult} and rendered by both the {@link
 * TextSummary} and the {@link HtmlReport}.
 *
 * <p>Immutable and thread-safe (static functions).
 */
final class ReportTables {
  private ReportTables() {}

  static List<Table> of(ShopResult r) {
    return List.of(setup(r), overview(r), operations(r), regions(r.with()), nodes(r.with()),
        requestKinds(r.with()), consistency(r));
  }

  /** The one-line verdict of the consistency check. */
  static String verdict(ShopResult r) {
    long stale = r.without().consistency().stale() + r.with().consistency().stale();
    long dirty = r.without().consistency().dirty() + r.with().consistency().dirty();
    long impossible = r.without().consistency().impossible()
        + r.with().consistency().impossible();
    return "Consistency check: " + count(r.readsChecked()) + " reads checked, " + count(stale)
        + " stale, " + count(dirty) + " dirty, " + count(impossible) + " impossible: "
        + (r.violations() == 0 ? "PASSED" : "FAILED");
  }

  static Table setup(ShopResult r) {
    ShopOptions o = r.options();
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("database", r.database()));
    rows.add(List.of("cache", r.cache()));
    rows.add(List.of("application servers", ShopSetup.SERVERS + " SessionFactories in this JVM, "
        + "sharing the database and the cache; " + o.threads() + " worker threads in all"));
    rows.add(List.of("phases", "the same workload without a second-level cache, then with "
        + "ringcache; each measured for " + Format.seconds(o.duration().toNanos()) + " after a "
        + "warm-up (checked, not measured) of " + Format.seconds(r.without().warmUp().toNanos())
        + " (it also warms the JVM) and " + Format.seconds(r.with().warmUp().toNanos())));
    rows.add(List.of("data", ShopData.CATEGORIES + " categories, " + count(ShopData.PRODUCTS)
        + " products with their stock, " + count(ShopData.CUSTOMERS) + " customers, "
        + count(ShopData.INITIAL_ORDERS) + " orders; created afresh for each phase"));
    StringBuilder mix = new StringBuilder();
    for (Operation op : Operation.values()) {
      mix.append(mix.length() == 0 ? "" : ", ").append(op.label).append(' ').append(op.percent)
          .append('%');
    }
    rows.add(List.of("mix", mix + "; " + Operation.ROLLBACK_PERCENT + "% of write transactions "
        + "rolled back on purpose; products Zipf-skewed (s=1)"));
    rows.add(List.of("seed", Long.toString(o.seed())));
    rows.add(List.of("started", r.startedAt().toString()));
    rows.add(List.of("environment", r.environment()));
    return new Table("setup", "Setup", List.of("", ""), rows);
  }

  static Table overview(ShopResult r) {
    PhaseResult a = r.without();
    PhaseResult b = r.with();
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("operations measured", count(a.operationCount()),
        count(b.operationCount()), NONE));
    rows.add(List.of("operations/s", Format.rate(a.throughput()), Format.rate(b.throughput()),
        times(b.throughput() / a.throughput())));
    latencyRow(rows, "latency p50 (ms)", a.latency().p50(), b.latency().p50());
    latencyRow(rows, "latency p90 (ms)", a.latency().p90(), b.latency().p90());
    latencyRow(rows, "latency p99 (ms)", a.latency().p99(), b.latency().p99());
    latencyRow(rows, "latency p99.9 (ms)", a.latency().p999(), b.latency().p999());
    latencyRow(rows, "latency max (ms)", a.latency().max(), b.latency().max());
    rows.add(List.of("SQL statements", count(a.sqlStatements()), count(b.sqlStatements()),
        NONE));
    rows.add(List.of("SQL statements per operation", decimal(a.sqlPerOperation()),
        decimal(b.sqlPerOperation()), times(b.sqlPerOperation() / a.sqlPerOperation())));
    rows.add(List.of("SQL statements avoided", NONE, count(r.sqlAvoided()),
        percent(r.sqlAvoidedShare())));
    rows.add(List.of("second-level cache hit ratio", NONE, percent(b.hitRatio()), NONE));
    rows.add(List.of("cache requests per operation", NONE,
        decimal(b.cacheRequestsPerOperation()), NONE));
    rows.add(List.of("rolled back on purpose", count(a.rolledBack()), count(b.rolledBack()),
        NONE));
    rows.add(List.of("optimistic-lock conflicts", count(a.conflicts()), count(b.conflicts()),
        NONE));
    rows.add(List.of("errors", count(a.errorCount()), count(b.errorCount()), NONE));
    return new Table("overview", "Throughput and latency (measured window: "
        + Format.seconds(b.measured().toNanos()) + " per phase)",
        List.of("", "without cache", "with cache", "with / without"), rows);
  }

  private static void latencyRow(List<List<String>> rows, String name, long without,
      long with) {
    rows.add(List.of(name, millis(without), millis(with), times((double) with / without)));
  }

  static Table operations(ShopResult r) {
    List<List<String>> rows = new ArrayList<>();
    for (Operation op : Operation.values()) {
      OperationSummary a = r.without().operations().get(op);
      OperationSummary b = r.with().operations().get(op);
      rows.add(List.of(op.label, op.percent + "%", count(a.count()), millis(a.latency().p50()),
          millis(a.latency().p99()), count(b.count()), millis(b.latency().p50()),
          millis(b.latency().p99())));
    }
    return new Table("operations", "Latency by operation (ms)", List.of("operation", "mix",
        "ops without", "p50 without", "p99 without", "ops with", "p50 with", "p99 with"), rows);
  }

  static Table regions(PhaseResult with) {
    List<List<String>> rows = new ArrayList<>();
    for (RegionResult region : with.regions()) {
      if (region.hibernates()) {
        rows.add(List.of(region.name(), count(region.hits()), count(region.misses()),
            count(region.puts()), percent(region.hitRatio()), count(region.requests()),
            count(region.keys())));
      } else {
        rows.add(List.of(regionLabel(region.name()), NONE, NONE, NONE, NONE,
            count(region.requests()), count(region.keys())));
      }
    }
    rows.add(List.of("all", count(with.hits()), count(with.misses()),
        count(sum(with.regions(), RegionResult::puts)), percent(with.hitRatio()),
        count(sum(with.regions(), RegionResult::requests)), NONE));
    return new Table("regions",
        "Second-level cache by region (with cache; keys: records at the end)",
        List.of("region", "hits", "misses", "puts", "hit ratio", "cache requests", "keys"), rows);
  }

  private static String regionLabel(String name) {
    return switch (name) {
      case CacheMetrics.SEVERAL_REGIONS -> "batches over several regions";
      case CacheMetrics.NO_REGION -> "other keys";
      default -> name + " (ringcache)";
    };
  }

  private static long sum(List<RegionResult> regions, ToLongFunction<RegionResult> field) {
    return regions.stream().mapToLong(field).filter(n -> n > 0).sum();
  }

  static Table nodes(PhaseResult with) {
    List<List<String>> rows = new ArrayList<>();
    long all = with.cacheRequests();
    for (NodeResult node : with.nodes()) {
      rows.add(List.of(node.id(), count(node.requests()),
          percent(all == 0 ? 0 : (double) node.requests() / all), count(node.failures()),
          count(node.notSent()), node.requests() == 0 ? NONE
              : Format.micros(node.totalNanos() / node.requests()),
          count(node.keys()), count(node.bytes())));
    }
    return new Table("nodes", "Cache nodes (with cache; keys and bytes: records under the "
        + "namespace at the end, with any an earlier run left)",
        List.of("node", "requests", "share", "failed", "not sent", "mean latency (us)", "keys",
            "bytes"), rows);
  }

  static Table requestKinds(PhaseResult with) {
    List<List<String>> rows = new ArrayList<>();
    long operations = with.operationCount();
    for (RequestKind kind : with.requestKinds()) {
      rows.add(List.of(kind.name(), count(kind.count()),
          decimal(operations == 0 ? 0 : (double) kind.count() / operations),
          Format.micros(kind.totalNanos() / kind.count())));
    }
    rows.add(List.of("all", count(with.cacheRequests()), decimal(with
        .cacheRequestsPerOperation()), with.cacheRequests() == 0 ? NONE : Format.micros(
            with.nodes().stream().mapToLong(NodeResult::totalNanos).sum()
                / with.cacheRequests())));
    return new Table("requests", "Cache requests by kind (with cache; a batch to one node is one)",
        List.of("request", "count", "per operation", "mean latency (us)"), rows);
  }

  static Table consistency(ShopResult r) {
    ConsistencyCheck.Counts a = r.without().consistency();
    ConsistencyCheck.Counts b = r.with().consistency();
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("reads checked", count(a.readsChecked()), count(b.readsChecked())));
    rows.add(List.of("stale reads", count(a.stale()), count(b.stale())));
    rows.add(List.of("dirty reads", count(a.dirty()), count(b.dirty())));
    rows.add(List.of("impossible reads", count(a.impossible()), count(b.impossible())));
    rows.add(List.of("writes committed", count(a.writesCommitted()), count(b.writesCommitted())));
    rows.add(List.of("writes rolled back", count(a.writesRolledBack()),
        count(b.writesRolledBack())));
    rows.add(List.of("writes failed", count(a.writesFailed()), count(b.writesFailed())));
    rows.add(List.of("writes indeterminate", count(a.writesIndeterminate()),
        count(b.writesIndeterminate())));
    return new Table("consistency", "Consistency check (every read of each whole phase)",
        List.of("", "without cache", "with cache"), rows);
  }

  static String title(ShopResult r) {
    return String.format(Locale.ROOT, "ringcache shop demo: %s with ringcache, %s without "
        + "(%s)", Format.rate(r.with().throughput()) + " ops/s",
        Format.rate(r.without().throughput()) + " ops/s",
        times(r.with().throughput() / r.without().throughput()));
  }
}
