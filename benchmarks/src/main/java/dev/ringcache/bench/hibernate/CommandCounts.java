package dev.ringcache.bench.hibernate;

import dev.ringcache.api.testing.RoundTripProxy;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.hibernate.stat.Statistics;
import org.jspecify.annotations.Nullable;

/**
 * What each operation costs in commands, counted call by call (the same calls the benchmark times,
 * on the same rows, after the same check that they hit or miss as named): JDBC statements
 * (Hibernate's statistics), PostgreSQL round trips ({@link PostgresRoundTrips}), Redis commands
 * sent by the clients and run inside scripts ({@link RedisMonitor}, {@code INFO commandstats}), and
 * Memcached commands ({@code stats}). What {@link Operation#prepare} does (a miss's eviction) is
 * not counted.
 *
 * <p>Not thread-safe.
 */
final class CommandCounts {
  /** The memcached counters that count commands (keys, for a multi-get). */
  private static final List<String> MEMCACHED_COMMANDS = List.of("cmd_get", "cmd_set",
      "cmd_touch", "incr_hits", "incr_misses", "decr_hits", "decr_misses", "delete_hits",
      "delete_misses");

  /**
   * The mean cost of one call of {@code operation} under {@code provider}; NaN where the provider
   * does not use the server. {@code cacheRoundTrips}: to the Redis or Memcached the provider uses
   * ({@link RoundTripProxy}).
   */
  record Cost(Provider provider, Operation operation, int calls, double jdbcStatements,
      double postgresRoundTrips, double redisSent, double redisInScripts,
      double redisCommandstats, Map<String, Double> redisSentByName,
      Map<String, Double> redisInScriptsByName, double memcachedCommands,
      double cacheRoundTrips) {}

  private CommandCounts() {}

  /** Opens a {@link Library} per provider and counts {@code calls} calls of each operation. */
  static List<Cost> measure(BenchServers servers, List<Provider> providers, int calls,
      PrintStream progress) {
    List<Cost> costs = new ArrayList<>();
    try (PostgresRoundTrips postgres = new PostgresRoundTrips()) {
      for (Provider provider : providers) {
        progress.println("# counting: " + provider.label());
        // The provider reaches its server through a proxy that counts round trips; the counters
        // talk to the server itself.
        try (RoundTripProxy redisTrips =
                provider.usesRedis() ? RoundTripProxy.inFrontOf(servers.redisAddress()) : null;
            RoundTripProxy memcachedTrips = provider.usesMemcached()
                ? RoundTripProxy.inFrontOf(servers.memcachedAddress()) : null;
            Library library = Library.open(provider, servers.through(
                redisTrips != null ? redisTrips.address() : null,
                memcachedTrips != null ? memcachedTrips.address() : null),
                EnumSet.allOf(Operation.class));
            RedisMonitor redis = provider.usesRedis() ? new RedisMonitor(servers) : null) {
          RoundTripProxy trips = redisTrips != null ? redisTrips : memcachedTrips;
          for (Operation operation : Operation.values()) {
            costs.add(count(library, operation, calls, postgres, redis,
                provider.usesMemcached() ? servers : null, trips));
          }
        }
      }
    }
    return costs;
  }

  private static Cost count(Library library, Operation operation, int calls,
      PostgresRoundTrips postgres, @Nullable RedisMonitor redis,
      @Nullable BenchServers memcached, @Nullable RoundTripProxy cacheTrips) {
    library.check(operation);
    for (int i = 0; i < calls; i++) { // the same rows as counted, so the same cache state
      operation.prepare(library, i);
      operation.run(library, i);
    }
    Statistics stats = library.statistics();
    stats.setStatisticsEnabled(true);
    long statements = 0;
    long trips = 0;
    long memcachedCommands = 0;
    long commandstats = 0;
    long cacheRoundTrips = 0;
    Map<String, Long> sent = new TreeMap<>();
    Map<String, Long> inScripts = new TreeMap<>();
    for (int i = 0; i < calls; i++) {
      operation.prepare(library, i);
      long statementsBefore = stats.getPrepareStatementCount();
      long tripsBefore = postgres.count();
      RedisMonitor.Tally redisBefore = redis != null ? redis.mark() : null;
      long memcachedBefore = memcached != null ? memcachedCommands(memcached) : 0;
      long cacheTripsBefore = cacheTrips != null ? cacheTrips.roundTrips() : 0;
      operation.run(library, i);
      cacheRoundTrips += cacheTrips != null ? cacheTrips.roundTrips() - cacheTripsBefore : 0;
      memcachedCommands += memcached != null ? memcachedCommands(memcached) - memcachedBefore : 0;
      if (redis != null && redisBefore != null) {
        RedisMonitor.Tally redisAfter = redis.mark();
        add(sent, redisBefore.sent(), redisAfter.sent());
        add(inScripts, redisBefore.inScripts(), redisAfter.inScripts());
        commandstats += redisAfter.commandstats() - redisBefore.commandstats();
      }
      trips += postgres.count() - tripsBefore;
      statements += stats.getPrepareStatementCount() - statementsBefore;
    }
    double n = calls;
    double nan = Double.NaN;
    return new Cost(library.provider(), operation, calls, statements / n, trips / n,
        redis != null ? sum(sent) / n : nan, redis != null ? sum(inScripts) / n : nan,
        redis != null ? commandstats / n : nan, perCall(sent, n), perCall(inScripts, n),
        memcached != null ? memcachedCommands / n : nan,
        cacheTrips != null ? cacheRoundTrips / n : nan);
  }

  private static long memcachedCommands(BenchServers servers) {
    Map<String, Long> stats = servers.memcachedStats();
    return MEMCACHED_COMMANDS.stream().mapToLong(name -> stats.getOrDefault(name, 0L)).sum();
  }

  private static void add(Map<String, Long> into, Map<String, Long> before,
      Map<String, Long> after) {
    after.forEach((name, count) -> {
      long delta = count - before.getOrDefault(name, 0L);
      if (delta != 0) {
        into.merge(name, delta, Long::sum);
      }
    });
  }

  private static long sum(Map<String, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  private static Map<String, Double> perCall(Map<String, Long> counts, double calls) {
    Map<String, Double> result = new TreeMap<>();
    counts.forEach((name, count) -> result.put(name, count / calls));
    return result;
  }

  /** The costs as a Markdown table. */
  static void print(List<Cost> costs, PrintStream out) {
    out.println("| provider | operation | JDBC statements | PostgreSQL round trips "
        + "| cache round trips | Redis commands sent | Redis commands run in scripts "
        + "| INFO commandstats | Memcached commands | Redis commands by name: sent [in scripts] |");
    out.println("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
    for (Cost c : costs) {
      out.println("| " + c.provider().label() + " | " + c.operation().label() + " | "
          + number(c.jdbcStatements()) + " | " + number(c.postgresRoundTrips()) + " | "
          + number(c.cacheRoundTrips()) + " | " + number(c.redisSent()) + " | " + number(c.redisInScripts()) + " | "
          + number(c.redisCommandstats()) + " | " + number(c.memcachedCommands()) + " | "
          + byName(c.redisSentByName())
          + (c.redisInScriptsByName().isEmpty() ? "" : " [" + byName(c.redisInScriptsByName())
              + "]") + " |");
    }
  }

  static String number(double value) {
    return Double.isNaN(value) ? "—" : String.format(Locale.ROOT, "%.2f", value);
  }

  private static String byName(Map<String, Double> counts) {
    return counts.entrySet().stream()
        .map(e -> e.getKey() + " " + number(e.getValue()))
        .collect(Collectors.joining(", "));
  }
}
