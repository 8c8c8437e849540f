package dev.ringcache.bench.shop;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.ringcache.api.NodeState;
import dev.ringcache.api.RingCacheException;
import dev.ringcache.api.ShardedCache;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The shop demo, ringcache's main job: an online shop on Hibernate ORM 7 run with and without
 * ringcache, with a live progress line, a text summary, an HTML report and a consistency check of
 * every read. Run it with {@code ./run-demo} (see the README) or {@code java -cp
 * benchmarks/target/benchmarks.jar dev.ringcache.bench.shop.ShopDemo --help}; {@link ShopOptions}
 * lists the options.
 *
 * <p>Not thread-safe: one run at a time.
 */
public final class ShopDemo {
  /** Kept, since the logging framework holds its loggers weakly and would forget the levels. */
  private static final List<Logger> QUIETED = new ArrayList<>();
  private static final Pattern SCHEME = Pattern.compile("\\s*[a-zA-Z][a-zA-Z0-9+.-]*://");

  private ShopDemo() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err, System.console() != null));
  }

  /**
   * Runs the demo as the command line asks; returns the exit status: 0 when it completed and
   * found no stale or dirty read, 1 when it found one or failed, 2 for a bad option.
   */
  static int run(String[] args, PrintStream out, PrintStream err, boolean live) {
    ShopOptions options;
    try {
      options = ShopOptions.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("shop demo: " + e.getMessage());
      err.println("Try ./run-demo --help.");
      return 2;
    }
    if (options == null) {
      out.print(ShopOptions.HELP);
      return 0;
    }
    quietLogging();
    String cache;
    try {
      cache = describeCache(options, err);
    } catch (RingCacheException e) {
      err.println("shop demo: --nodes: " + e.getMessage());
      return 2;
    }
    ShopResult result;
    try (ShopDatabase database = openDatabase(options)) {
      result = run(new ShopSetup(options, database), cache, new Progress(err, live));
    } catch (SQLException e) {
      err.println("shop demo: the database "
          + ShopDatabase.redact(String.valueOf(options.jdbcUrl())) + " cannot be used: "
          + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("shop demo: interrupted");
      return 1;
    } catch (RuntimeException e) { // Hibernate or ringcache refused to start, say
      err.println("shop demo: the run failed: " + e);
      e.printStackTrace(err);
      return 1;
    }
    String summary = TextSummary.render(result);
    out.print(summary);
    try {
      Path report = write(options.reportDir(), result, summary);
      out.println("HTML report: " + report.toAbsolutePath().normalize());
    } catch (IOException e) {
      err.println("shop demo: cannot write the report to " + options.reportDir() + ": " + e);
      return 1;
    }
    return result.violations() == 0 ? 0 : 1;
  }

  /** Runs both phases: without the cache, then with it. */
  static ShopResult run(ShopSetup setup, String cache, Progress progress)
      throws InterruptedException {
    Instant started = Instant.now();
    progress.message("ringcache shop demo: " + setup.options().threads() + " threads on "
        + ShopSetup.SERVERS + " application servers; " + Format.seconds(setup.options()
            .duration().toNanos()) + " measured without the cache, then as long with it");
    progress.message("database: " + setup.database().description());
    progress.message("cache: " + cache);
    PhaseResult without = new PhaseRun(setup, false).run(progress);
    PhaseResult with = new PhaseRun(setup, true).run(progress);
    return new ShopResult(setup.options(), setup.database().description(), cache,
        environment(), started, without, with);
  }

  /** Writes report.html and summary.txt into {@code dir}; returns the HTML file. */
  static Path write(Path dir, ShopResult result, String summary) throws IOException {
    Files.createDirectories(dir);
    Path html = dir.resolve("report.html");
    Files.writeString(html, HtmlReport.render(result), UTF_8);
    Files.writeString(dir.resolve("summary.txt"), summary, UTF_8);
    return html;
  }

  private static ShopDatabase openDatabase(ShopOptions options) throws SQLException {
    return ShopDatabase.open(options.jdbcUrl());
  }

  /**
   * Checks the nodes before the run (a bad URI or a refused password fails here, not after the
   * phase without the cache), warns of nodes that do not answer, and says what they are.
   */
  private static String describeCache(ShopOptions options, PrintStream err) {
    String placement = options.placement() == null ? "DEFAULT" : options.placement().name();
    String nodes = options.nodes();
    if (nodes == null) {
      return "ringcache, 1 in-process node, local://" + AppServer.NAMESPACE + ", shared by both "
          + "application servers; placement " + placement + "; namespace " + AppServer.NAMESPACE;
    }
    ShardedCache.Builder builder = ShardedCache.builder().nodes(splitNodes(nodes));
    if (options.placement() != null) {
      builder.placement(options.placement());
    }
    try (ShardedCache cache = builder.build()) {
      for (String id : cache.nodeIds()) {
        if (cache.nodeState(id) == NodeState.DOWN) {
          err.println("shop demo: warning: cache node " + id + " does not answer; the demo runs, "
              + "but reads of its keys will miss");
        }
      }
      return "ringcache, " + cache.nodeIds().size() + " node(s): " + String.join(", ",
          cache.nodeIds()) + "; placement " + placement + "; namespace " + AppServer.NAMESPACE;
    }
  }

  /** Node URIs separated by commas; a piece that starts no URI belongs to the one before it. */
  static List<String> splitNodes(String text) {
    List<String> uris = new ArrayList<>();
    for (String piece : text.split(",", -1)) {
      if (uris.isEmpty() || SCHEME.matcher(piece).lookingAt() || piece.isBlank()) {
        uris.add(piece.trim());
      } else {
        uris.set(uris.size() - 1, uris.get(uris.size() - 1) + "," + piece);
      }
    }
    return uris;
  }

  private static String environment() {
    Runtime runtime = Runtime.getRuntime();
    return "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name")
        + "), " + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", "
        + runtime.availableProcessors() + " CPUs, max heap " + runtime.maxMemory() / (1 << 20)
        + " MB; Hibernate ORM " + org.hibernate.Version.getVersionString();
  }

  /**
   * Keeps Hibernate's and ringcache's start-up messages (INFO, through java.util.logging) out of
   * the progress line and the summary; warnings still show.
   */
  private static synchronized void quietLogging() {
    if (!QUIETED.isEmpty()) {
      return;
    }
    for (String name : List.of("org.hibernate", "dev.ringcache", "org.h2")) {
      Logger logger = Logger.getLogger(name);
      logger.setLevel(Level.WARNING);
      QUIETED.add(logger);
    }
    // "Using built-in connection pool (not for production use!)": the demo knows.
    Logger pool = Logger.getLogger("org.hibernate.orm.connections.pooling");
    pool.setLevel(Level.SEVERE);
    QUIETED.add(pool);
  }
}
