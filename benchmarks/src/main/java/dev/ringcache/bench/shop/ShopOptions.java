package dev.ringcache.bench.shop;

import dev.ringcache.api.ConfigurationException;
import dev.ringcache.api.DurationFormat;
import dev.ringcache.ring.Placement;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The shop demo's command-line options, parsed and checked: what {@code ./run-demo --help} lists.
 *
 * @param nodes ringcache's nodes ({@code hibernate.cache.ringcache.nodes}); null: one in-process
 *     node, {@code local://shop-demo}
 * @param jdbcUrl the database; null: H2 in memory, served by its TCP server in this JVM
 * @param threads worker threads, spread over the two application servers
 * @param duration how long each of the two phases runs, its warm-up included
 * @param placement the ring placement; null: ringcache's default
 * @param reportDir where the HTML report is written
 * @param seed the seed of the data and of every worker's choices
 *
 * <p>Immutable and thread-safe.
 */
record ShopOptions(@Nullable String nodes, @Nullable String jdbcUrl, int threads,
    Duration duration, @Nullable Placement placement, Path reportDir, long seed) {

  static final int DEFAULT_THREADS = 4;
  static final Duration DEFAULT_DURATION = Duration.ofSeconds(20);
  static final Duration MIN_DURATION = Duration.ofSeconds(1);
  static final Duration MAX_DURATION = Duration.ofHours(24);
  static final Path DEFAULT_REPORT_DIR = Path.of("target", "shop-demo");
  static final long DEFAULT_SEED = 42;
  /** The longest warm-up of the first phase, which also warms the JVM (its JIT compiler). */
  static final Duration MAX_FIRST_WARM_UP = Duration.ofSeconds(8);
  /** The longest warm-up of the second phase. */
  static final Duration MAX_WARM_UP = Duration.ofSeconds(3);

  ShopOptions {
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(reportDir, "reportDir");
  }

  /** The defaults: what {@code ./run-demo} with no option runs. */
  static ShopOptions defaults() {
    return new ShopOptions(null, null, DEFAULT_THREADS, DEFAULT_DURATION, null,
        DEFAULT_REPORT_DIR, DEFAULT_SEED);
  }

  /**
   * How long a phase runs before it is measured (every read in it is still checked): the first
   * phase a third of the duration, at most {@link #MAX_FIRST_WARM_UP}, since it also warms the
   * JVM's JIT compiler, which on a small machine takes seconds for Hibernate's code; the second
   * an eighth, at most {@link #MAX_WARM_UP}.
   */
  Duration warmUp(boolean first) {
    Duration part = first ? duration.dividedBy(3) : duration.dividedBy(8);
    Duration max = first ? MAX_FIRST_WARM_UP : MAX_WARM_UP;
    return part.compareTo(max) > 0 ? max : part;
  }

  /**
   * Parses {@code args}; null when they ask for the help, which the caller prints ({@link
   * #HELP}).
   *
   * @throws IllegalArgumentException with a message that names the option, the value and what is
   *     accepted
   */
  static @Nullable ShopOptions parse(String... args) {
    ShopOptions o = defaults();
    String nodes = o.nodes;
    String jdbcUrl = o.jdbcUrl;
    int threads = o.threads;
    Duration duration = o.duration;
    Placement placement = o.placement;
    Path reportDir = o.reportDir;
    long seed = o.seed;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        return null;
      }
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + arg + "': options start "
            + "with --");
      }
      String option = arg;
      String value;
      int equals = arg.indexOf('=');
      if (equals > 0) {
        option = arg.substring(0, equals);
        value = arg.substring(equals + 1);
      } else {
        if (!isOption(option)) {
          throw unknown(option);
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(option + " needs a value: " + accepted(option));
        }
        value = args[++i];
      }
      switch (option) {
        case "--nodes" -> nodes = nonBlank(option, value);
        case "--jdbc-url" -> {
          jdbcUrl = nonBlank(option, value);
          if (!jdbcUrl.startsWith("jdbc:")) {
            throw bad(option, value);
          }
        }
        case "--threads" -> threads = parseInt(option, value, 2, 256);
        case "--duration" -> {
          try {
            duration = DurationFormat.parse(option, value);
          } catch (ConfigurationException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
          }
          if (duration.compareTo(MIN_DURATION) < 0 || duration.compareTo(MAX_DURATION) > 0) {
            throw bad(option, value);
          }
        }
        case "--placement" -> placement = parsePlacement(option, value);
        case "--report" -> reportDir = Path.of(nonBlank(option, value));
        case "--seed" -> {
          try {
            seed = Long.parseLong(value.trim());
          } catch (NumberFormatException e) {
            throw bad(option, value);
          }
        }
        default -> throw unknown(option);
      }
    }
    return new ShopOptions(nodes, jdbcUrl, threads, duration, placement, reportDir, seed);
  }

  private static final String[] OPTIONS = {"--nodes", "--jdbc-url", "--threads", "--duration",
      "--placement", "--report", "--seed"};

  private static boolean isOption(String option) {
    return Arrays.asList(OPTIONS).contains(option);
  }

  private static IllegalArgumentException unknown(String option) {
    return new IllegalArgumentException("unknown option '" + option + "'; the options are "
        + String.join(", ", OPTIONS) + " and --help");
  }

  private static IllegalArgumentException bad(String option, String value) {
    return new IllegalArgumentException(option + ": '" + value + "' is not accepted; "
        + accepted(option));
  }

  private static String accepted(String option) {
    return switch (option) {
      case "--nodes" -> "node URIs separated by commas, e.g. redis://127.0.0.1:6379,"
          + "memcached://127.0.0.1:11211";
      case "--jdbc-url" -> "a JDBC URL, e.g. jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
      case "--threads" -> "a whole number from 2 to 256";
      case "--duration" -> "a whole number and a unit (ms, s, m, h) from "
          + MIN_DURATION.toSeconds() + "s to " + MAX_DURATION.toHours() + "h, e.g. 30s or 2m";
      case "--placement" -> "one of " + Arrays.stream(Placement.values()).map(Enum::name)
          .collect(Collectors.joining(", "));
      case "--report" -> "a directory";
      case "--seed" -> "a whole number (64-bit)";
      default -> throw new AssertionError(option);
    };
  }

  private static String nonBlank(String option, String value) {
    if (value.isBlank()) {
      throw bad(option, value);
    }
    return value.trim();
  }

  private static int parseInt(String option, String value, int min, int max) {
    int parsed;
    try {
      parsed = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw bad(option, value);
    }
    if (parsed < min || parsed > max) {
      throw bad(option, value);
    }
    return parsed;
  }

  private static Placement parsePlacement(String option, String value) {
    try {
      return Placement.valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw bad(option, value);
    }
  }

  static final String HELP = String.join("\n",
      "Usage: ./run-demo [options]",
      "   or: java -cp benchmarks/target/benchmarks.jar dev.ringcache.bench.shop.ShopDemo "
          + "[options]",
      "",
      "The ringcache shop demo: an online shop on Hibernate ORM 7 (customers, products in",
      "categories, stock, orders with lines), run by several threads on two application servers",
      "(two SessionFactories) that share one database and one ringcache. It runs the same",
      "workload twice, from the same seed and the same freshly created data: first without a",
      "second-level cache, then with ringcache. Then it prints a summary and writes an HTML",
      "report: throughput and latency with and without the cache, hit ratio per region, SQL",
      "statements avoided, keys and requests per cache node, and a consistency check of every",
      "value read (stale and dirty reads found: 0 expected).",
      "",
      "Options:",
      "  --nodes URIS       ringcache's cache nodes, separated by commas: redis://host:port,",
      "                     rediss://..., memcached://host:port, local://name (in-process).",
      "                     Default: one in-process node, local://shop-demo, which both",
      "                     application servers share.",
      "  --jdbc-url URL     the database, e.g. jdbc:postgresql://127.0.0.1:5432/test?user=postgres",
      "                     The demo drops and creates its tables (shop_*) there. Default: H2 in",
      "                     memory, served by H2's TCP server on a free loopback port in this JVM,",
      "                     so that every SQL statement is a network round trip, as to a",
      "                     database server (but H2 keeps everything in memory: no disk).",
      "  --threads N        worker threads, 2 to 256, spread evenly over the two application",
      "                     servers (default: " + DEFAULT_THREADS + ").",
      "  --duration D       how long EACH of the two phases is measured, e.g. 30s, 2m (default:",
      "                     " + DEFAULT_DURATION.toSeconds() + "s). Each phase first warms up, not "
          + "measured but checked: the first",
      "                     for D/3 (at most " + MAX_FIRST_WARM_UP.toSeconds() + "s; it also "
          + "warms the JVM), the second for D/8 (at",
      "                     most " + MAX_WARM_UP.toSeconds() + "s). The default run takes about "
          + "a minute with setup.",
      "  --placement P      how keys are placed on the ring of nodes: DEFAULT, KETAMA,",
      "                     KETAMA_WEIGHTED or JEDIS (default: DEFAULT).",
      "  --report DIR       where to write the HTML report, report.html (default: "
          + DEFAULT_REPORT_DIR + ",",
      "                     under the current directory).",
      "  --seed N           the seed of the data and of every thread's choices (default: "
          + DEFAULT_SEED + ").",
      "  --help             this text.",
      "",
      "Exit status: 0 when the run completed and found no stale or dirty read; 1 when it found",
      "one, or failed; 2 for a bad option.",
      "");
}
