package dev.ringcache.bench.ring;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.ringcache.ring.ConsistentHashRing;
import dev.ringcache.ring.Placement;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The ring report: how evenly a placement spreads keys over nodes, and how many keys a membership
 * change moves. Run it with {@code java -cp benchmarks/target/benchmarks.jar
 * dev.ringcache.bench.ring.RingReport --help} (see benchmarks/RESULTS.md).
 *
 * <p>For each placement it prints the share of every node (exact, from the arcs of the ring, and
 * counted over a key set), peak/mean and stddev/mean, the keys moved when a node is added or
 * removed against the optimum, and the same figures averaged over many random node-id sets.
 *
 * <p>Not thread-safe.
 */
public final class RingReport {
  private static final String[] ENTITIES = {"Order", "Customer", "Product", "OrderLine"};
  /** With every weight 1, KETAMA_WEIGHTED differs from KETAMA only by rounding: not in "all". */
  private static final List<Placement> ALL =
      List.of(Placement.DEFAULT, Placement.KETAMA, Placement.JEDIS);

  private final List<Placement> placements;
  private final int nodeCount;
  private final int replicas; // 0: each placement's default
  private final int keyCount;
  private final int sets;
  private final long seed;
  private final PrintStream out;

  RingReport(List<Placement> placements, int nodeCount, int replicas, int keyCount, int sets,
      long seed, PrintStream out) {
    this.placements = placements;
    this.nodeCount = nodeCount;
    this.replicas = replicas;
    this.keyCount = keyCount;
    this.sets = sets;
    this.seed = seed;
    this.out = out;
  }

  public static void main(String[] args) {
    RingReport report;
    try {
      report = parse(args, System.out);
    } catch (IllegalArgumentException e) {
      System.err.println("ring report: " + e.getMessage());
      System.err.println("Try --help.");
      System.exit(2);
      return;
    }
    if (report == null) {
      return;
    }
    try {
      report.run();
    } catch (IllegalArgumentException e) { // a ring the options describe cannot be built
      System.err.println("ring report: " + e.getMessage());
      System.exit(2);
    }
  }

  /** The report the arguments ask for, or null after printing the help. */
  static RingReport parse(String[] args, PrintStream out) {
    List<Placement> placements = ALL;
    int nodes = 10;
    int replicas = 0;
    int keys = 1_000_000;
    int sets = 100;
    long seed = 42;
    for (int i = 0; i < args.length; i++) {
      String option = args[i];
      if (option.equals("--help") || option.equals("-h")) {
        out.print(HELP);
        return null;
      }
      if (!option.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + option + "'");
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      String value = args[++i];
      switch (option) {
        case "--placement":
          placements = parsePlacements(value);
          break;
        case "--nodes":
          nodes = parseInt(option, value, 2, 4096); // DEFAULT holds 4096 units of weight
          break;
        case "--replicas":
          replicas = parseInt(option, value, 1, 1 << 20);
          break;
        case "--keys":
          keys = parseInt(option, value, 1_000, 50_000_000);
          break;
        case "--sets":
          sets = parseInt(option, value, 0, 10_000);
          break;
        case "--seed":
          seed = parseLong(option, value);
          break;
        default:
          throw new IllegalArgumentException("unknown option '" + option + "'");
      }
    }
    return new RingReport(placements, nodes, replicas, keys, sets, seed, out);
  }

  private static final String HELP = String.join("\n",
      "Usage: java -cp benchmarks/target/benchmarks.jar dev.ringcache.bench.ring.RingReport "
          + "[options]",
      "",
      "How evenly each ring placement spreads keys over nodes, and how many keys move when a",
      "node is added or removed.",
      "",
      "  --placement P   DEFAULT, KETAMA, KETAMA_WEIGHTED, JEDIS, or all (default: all ="
          + " DEFAULT, KETAMA, JEDIS)",
      "  --nodes N       number of nodes, 2..4096 (default: 10)",
      "  --replicas R    points per unit of weight for DEFAULT and KETAMA (a multiple of 4);"
          + " default: DEFAULT " + Placement.DEFAULT.defaultReplicas() + ", KETAMA "
          + Placement.KETAMA.defaultReplicas() + "; JEDIS has 160, like Jedis",
      "  --keys K        keys counted, 1000..50000000, like com.example.Order#123456 "
          + "(default: 1000000)",
      "  --sets S        random node-id sets averaged for balance and movement (default: 100)",
      "  --seed X        seed for keys and node ids (default: 42)",
      "  --help          this text",
      "");

  void run() {
    long started = System.nanoTime();
    List<ConsistentHashRing<String>> rings = new ArrayList<>();
    for (Placement placement : placements) { // all of them first: a bad option fails before output
      rings.add(ring(placement, nodeIds(placement, nodeCount)));
    }
    out.printf(Locale.ROOT, "ringcache ring report: %d nodes, %,d keys, %d random node-id sets, "
        + "seed %d%n", nodeCount, keyCount, sets, seed);
    byte[][] keys = keys(new Random(seed), keyCount);
    List<Summary> summaries = new ArrayList<>();
    for (ConsistentHashRing<String> ring : rings) {
      summaries.add(report(ring, keys));
    }
    printSummary(summaries);
    out.printf(Locale.ROOT, "%nDone in %.1f s.%n", (System.nanoTime() - started) / 1e9);
  }

  private Summary report(ConsistentHashRing<String> ring, byte[][] keys) {
    Placement placement = ring.placement();
    out.printf(Locale.ROOT, "%n== %s: %d nodes, %d replicas, %,d points%n", placement,
        ring.size(), ring.replicas(), ring.pointCount());

    Map<String, Double> exact = ring.ownership();
    Map<String, Integer> counted = new HashMap<>();
    for (byte[] key : keys) {
      counted.merge(ring.nodeFor(key), 1, Integer::sum);
    }
    double mean = 1.0 / ring.size();
    out.printf(Locale.ROOT, "  %-22s %12s %14s %11s%n", "node", "exact share", "counted share",
        "exact/mean");
    double[] exactShares = new double[ring.size()];
    double[] countedShares = new double[ring.size()];
    int m = 0;
    for (String id : ring.nodeIds()) {
      exactShares[m] = exact.get(id);
      countedShares[m] = counted.getOrDefault(id, 0) / (double) keys.length;
      if (ring.size() <= 32) {
        out.printf(Locale.ROOT, "  %-22s %11.3f%% %13.3f%% %11.3f%n", id, 100 * exactShares[m],
            100 * countedShares[m], exactShares[m] / mean);
      }
      m++;
    }
    Spread exactSpread = Spread.of(exactShares);
    Spread countedSpread = Spread.of(countedShares);
    out.printf(Locale.ROOT, "  peak/mean   %.4f exact, %.4f counted%n", exactSpread.peakToMean,
        countedSpread.peakToMean);
    out.printf(Locale.ROOT, "  stddev/mean %.4f exact, %.4f counted%n", exactSpread.stddevToMean,
        countedSpread.stddevToMean);

    double optimumAdd = 1.0 / (ring.size() + 1);
    ConsistentHashRing<String> bigger = ring.with(newNodeId(placement), newNodeId(placement), 1);
    Movement added = movement(ring, bigger, keys);
    out.printf(Locale.ROOT, "  add a node:    %.3f%% of keys move exact, %.3f%% counted; optimum "
            + "1/(n+1) = %.3f%%, ratio %.3f; moved between other nodes: %.3f%%%n",
        100 * ring.movedShare(bigger), 100 * added.moved, 100 * optimumAdd,
        ring.movedShare(bigger) / optimumAdd, 100 * added.betweenOthers);

    String removedId = ring.nodeIds().get(ring.size() / 2);
    ConsistentHashRing<String> smaller = ring.without(removedId);
    Movement removed = movement(ring, smaller, keys);
    out.printf(Locale.ROOT, "  remove %s (position %d): %.3f%% move exact, %.3f%% counted; "
            + "optimum (its own share) %.3f%%; moved between other nodes: %.3f%%%n",
        removedId, ring.size() / 2, 100 * ring.movedShare(smaller), 100 * removed.moved,
        100 * exact.get(removedId), 100 * removed.betweenOthers);

    Summary summary = new Summary(placement, ring.replicas(), exactSpread.peakToMean,
        ring.movedShare(bigger) / optimumAdd, ring.movedShare(smaller) / exact.get(removedId));
    if (placement == Placement.JEDIS) {
      out.println("  (JEDIS places by list position, not by id: other node ids change nothing)");
    } else if (sets > 0) {
      randomSets(placement, summary);
      out.printf(Locale.ROOT, "  over %d random node-id sets: peak/mean mean %.4f, worst %.4f; "
              + "moved on add / optimum mean %.4f, worst %.4f%n", sets, summary.setsPeakMean,
          summary.setsPeakWorst, summary.setsAddMean, summary.setsAddWorst);
    }
    return summary;
  }

  private void randomSets(Placement placement, Summary summary) {
    Random random = new Random(seed ^ 0x5EEDL);
    double peakSum = 0;
    double addSum = 0;
    for (int s = 0; s < sets; s++) {
      Set<String> ids = new LinkedHashSet<>();
      while (ids.size() < nodeCount) {
        ids.add(randomNodeId(placement, random));
      }
      ConsistentHashRing<String> ring = ring(placement, new ArrayList<>(ids));
      double peak = Spread.of(ring.ownership().values().stream().mapToDouble(d -> d).toArray())
          .peakToMean;
      String joining = randomNodeId(placement, random);
      while (ids.contains(joining)) {
        joining = randomNodeId(placement, random);
      }
      double add = ring.movedShare(ring.with(joining, joining, 1)) * (ring.size() + 1);
      peakSum += peak;
      addSum += add;
      summary.setsPeakWorst = Math.max(summary.setsPeakWorst, peak);
      summary.setsAddWorst = Math.max(summary.setsAddWorst, add);
    }
    summary.setsPeakMean = peakSum / sets;
    summary.setsAddMean = addSum / sets;
  }

  private void printSummary(List<Summary> summaries) {
    out.printf(Locale.ROOT, "%n== Summary (%d nodes)%n", nodeCount);
    out.printf(Locale.ROOT, "  %-9s %9s %10s %12s %15s %15s%n", "placement", "replicas",
        "peak/mean", "add/optimum", "remove/optimum", sets > 0 ? "sets peak/mean" : "");
    for (Summary s : summaries) {
      out.printf(Locale.ROOT, "  %-9s %9d %10.4f %12.4f %15.4f %15s%n", s.placement, s.replicas,
          s.peakToMean, s.addToOptimum, s.removeToOptimum,
          sets > 0 && s.placement != Placement.JEDIS
              ? String.format(Locale.ROOT, "%.4f", s.setsPeakMean) : "");
    }
    out.println("  add/optimum: keys moved by adding a node, over 1/(n+1); remove/optimum: keys"
        + " moved by removing the middle node, over its own share (1.0 = only its keys move).");
    for (Summary s : summaries) {
      if (s.placement == Placement.DEFAULT && nodeCount == 10 && replicas == 0 && sets >= 100) {
        out.printf(Locale.ROOT, "  Targets for DEFAULT at 10 nodes: peak/mean averaged over sets "
                + "<= 1.05: %.4f %s; adding a node moves <= 1.05 x 1/(n+1): worst %.4f %s%n",
            s.setsPeakMean, s.setsPeakMean <= 1.05 ? "met" : "NOT MET", s.setsAddWorst,
            s.setsAddWorst <= 1.05 ? "met" : "NOT MET");
      }
    }
  }

  private ConsistentHashRing<String> ring(Placement placement, List<String> ids) {
    ConsistentHashRing.Builder<String> builder =
        ConsistentHashRing.<String>builder().placement(placement);
    if (replicas > 0 && placement != Placement.JEDIS) {
      builder.replicas(replicas);
    }
    for (String id : ids) {
      builder.add(id, id, 1);
    }
    return builder.build();
  }

  private static Movement movement(
      ConsistentHashRing<String> before, ConsistentHashRing<String> after, byte[][] keys) {
    int moved = 0;
    int betweenOthers = 0;
    for (byte[] key : keys) {
      String from = before.nodeFor(key);
      String to = after.nodeFor(key);
      if (!from.equals(to)) {
        moved++;
        if (after.contains(from) && before.contains(to)) {
          betweenOthers++;
        }
      }
    }
    return new Movement(moved / (double) keys.length, betweenOthers / (double) keys.length);
  }

  private static List<String> nodeIds(Placement placement, int count) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add("10.0." + (i / 250) + "." + (1 + i % 250) + ":" + port(placement));
    }
    return ids;
  }

  private static String newNodeId(Placement placement) {
    return "10.1.0.1:" + port(placement);
  }

  private static String randomNodeId(Placement placement, Random random) {
    return "10." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256)
        + ":" + port(placement);
  }

  private static int port(Placement placement) {
    return placement == Placement.KETAMA || placement == Placement.KETAMA_WEIGHTED ? 11211 : 6379;
  }

  private static byte[][] keys(Random random, int count) {
    byte[][] keys = new byte[count][];
    for (int i = 0; i < count; i++) {
      keys[i] = ("com.example." + ENTITIES[random.nextInt(ENTITIES.length)] + "#"
          + random.nextInt(100_000_000)).getBytes(UTF_8);
    }
    return keys;
  }

  private static List<Placement> parsePlacements(String value) {
    if (value.equalsIgnoreCase("all")) {
      return ALL;
    }
    try {
      return List.of(Placement.valueOf(value.toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--placement must be DEFAULT, KETAMA, KETAMA_WEIGHTED, "
          + "JEDIS or all, was '" + value + "'");
    }
  }

  private static int parseInt(String option, String value, int min, int max) {
    long parsed = parseLong(option, value.replace("_", "").replace(",", ""));
    if (parsed < min || parsed > max) {
      throw new IllegalArgumentException(option + " must be between " + min + " and " + max
          + ", was " + value);
    }
    return (int) parsed;
  }

  private static long parseLong(String option, String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " must be a whole number, was '" + value + "'");
    }
  }

  /** Peak/mean and stddev/mean of a set of shares. */
  private static final class Spread {
    final double peakToMean;
    final double stddevToMean;

    private Spread(double peakToMean, double stddevToMean) {
      this.peakToMean = peakToMean;
      this.stddevToMean = stddevToMean;
    }

    static Spread of(double[] shares) {
      double sum = 0;
      double peak = 0;
      for (double share : shares) {
        sum += share;
        peak = Math.max(peak, share);
      }
      double mean = sum / shares.length;
      double squares = 0;
      for (double share : shares) {
        squares += (share - mean) * (share - mean);
      }
      return new Spread(peak / mean, Math.sqrt(squares / shares.length) / mean);
    }
  }

  private static final class Movement {
    final double moved;
    final double betweenOthers;

    Movement(double moved, double betweenOthers) {
      this.moved = moved;
      this.betweenOthers = betweenOthers;
    }
  }

  private static final class Summary {
    final Placement placement;
    final int replicas;
    final double peakToMean;
    final double addToOptimum;
    final double removeToOptimum;
    double setsPeakMean;
    double setsPeakWorst;
    double setsAddMean;
    double setsAddWorst;

    Summary(Placement placement, int replicas, double peakToMean, double addToOptimum,
        double removeToOptimum) {
      this.placement = placement;
      this.replicas = replicas;
      this.peakToMean = peakToMean;
      this.addToOptimum = addToOptimum;
      this.removeToOptimum = removeToOptimum;
    }
  }
}
