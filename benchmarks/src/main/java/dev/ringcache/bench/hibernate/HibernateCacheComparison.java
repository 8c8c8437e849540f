package dev.ringcache.bench.hibernate;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The Hibernate comparison in one run: starts one redis-server and one memcached on free loopback
 * ports, counts the commands of every operation under every provider ({@link CommandCounts}),
 * then runs {@link HibernateCacheBenchmark} with every fork on those same servers, prints both
 * tables and stops the servers.
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar dev.ringcache.bench.hibernate.HibernateCacheComparison
 * }</pre>
 *
 * <p>Options: {@code --counts-only} (no timing), {@code --calls N} (calls counted per operation,
 * default {@value #DEFAULT_CALLS}); every other argument is a JMH option ({@code -p
 * provider=RINGCACHE_REDIS,REDISSON} also limits the counting to those providers). PostgreSQL is
 * {@value Library#DEFAULT_JDBC_URL} unless {@code -Dringcache.bench.jdbc.url} and {@code
 * -Dringcache.bench.jdbc.user} say otherwise; they are passed on to the forks.
 *
 * <p>Not thread-safe.
 */
public final class HibernateCacheComparison {
  static final int DEFAULT_CALLS = 200;

  private HibernateCacheComparison() {}

  public static void main(String[] args) throws RunnerException {
    boolean countsOnly = false;
    int calls = DEFAULT_CALLS;
    List<String> jmhArgs = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--counts-only" -> countsOnly = true;
        case "--calls" -> calls = Integer.parseInt(args[++i]);
        default -> jmhArgs.add(args[i]);
      }
    }
    CommandLineOptions jmh;
    try {
      jmh = new CommandLineOptions(jmhArgs.toArray(String[]::new));
    } catch (CommandLineOptionException e) {
      System.err.println("hibernate comparison: " + e.getMessage());
      System.exit(2);
      return;
    }
    // JMH's own Optional: no map().
    List<Provider> providers = jmh.getParameter("provider").hasValue()
        ? jmh.getParameter("provider").get().stream().map(Provider::valueOf).toList()
        : List.of(Provider.values());
    PrintStream out = System.out;
    try (BenchServers servers = BenchServers.startBoth()) {
      out.println("# redis-server at " + servers.redisAddress() + ", memcached at "
          + servers.memcachedAddress());
      List<CommandCounts.Cost> costs = CommandCounts.measure(servers, providers, calls, out);
      out.println();
      out.println("## Commands per operation (mean of " + calls + " calls)");
      out.println();
      CommandCounts.print(costs, out);
      if (countsOnly) {
        return;
      }
      Collection<RunResult> results = new Runner(options(jmh, servers)).run();
      out.println();
      out.println("## Operations per second");
      out.println();
      printThroughput(results, providers, out);
      out.println();
      out.println("## Commands per operation (mean of " + calls + " calls)");
      out.println();
      CommandCounts.print(costs, out);
    }
  }

  private static org.openjdk.jmh.runner.options.Options options(CommandLineOptions jmh,
      BenchServers servers) {
    List<String> jvmArgs = new ArrayList<>(jmh.getJvmArgsAppend().orElse(List.of()));
    jvmArgs.add("-D" + BenchServers.REDIS + "=" + servers.redisAddress());
    jvmArgs.add("-D" + BenchServers.MEMCACHED + "=" + servers.memcachedAddress());
    for (String property : List.of(Library.JDBC_URL, Library.JDBC_USER)) {
      String value = System.getProperty(property);
      if (value != null) {
        jvmArgs.add("-D" + property + "=" + value);
      }
    }
    OptionsBuilder options = new OptionsBuilder();
    options.parent(jmh);
    if (jmh.getIncludes().isEmpty()) {
      options.include(HibernateCacheBenchmark.class.getName() + "\\.");
    }
    options.jvmArgsAppend(jvmArgs.toArray(String[]::new));
    return options.build();
  }

  /** Operations per second, a row per provider and a column per operation. */
  private static void printThroughput(Collection<RunResult> results, List<Provider> providers,
      PrintStream out) {
    Map<String, Result<?>> scores = new HashMap<>();
    for (RunResult run : results) {
      String benchmark = run.getParams().getBenchmark();
      Operation operation = HibernateCacheBenchmark.operationOf(
          benchmark.substring(benchmark.lastIndexOf('.') + 1));
      scores.put(run.getParams().getParam("provider") + " " + operation,
          run.getPrimaryResult());
    }
    StringBuilder header = new StringBuilder("| provider |");
    StringBuilder rule = new StringBuilder("| --- |");
    for (Operation operation : Operation.values()) {
      header.append(' ').append(operation.label()).append(" |");
      rule.append(" ---: |");
    }
    out.println(header);
    out.println(rule);
    for (Provider provider : providers) {
      StringBuilder row = new StringBuilder("| " + provider.label() + " |");
      for (Operation operation : Operation.values()) {
        Result<?> score = scores.get(provider.name() + " " + operation);
        row.append(' ').append(score == null ? "—" : String.format(Locale.ROOT, "%,.0f ± %,.0f",
            score.getScore(), score.getScoreError())).append(" |");
      }
      out.println(row);
    }
    out.println();
    out.println("(ops/s ± 99.9% interval; " + Arrays.toString(Operation.values()) + ")");
  }
}
