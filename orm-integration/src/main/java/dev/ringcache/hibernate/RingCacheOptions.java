package dev.ringcache.hibernate;

import static dev.ringcache.hibernate.RingCacheSettings.DEFAULT_FAILURE_THRESHOLD;
import static dev.ringcache.hibernate.RingCacheSettings.DEFAULT_MAX_TRANSACTION;
import static dev.ringcache.hibernate.RingCacheSettings.DEFAULT_NAMESPACE;
import static dev.ringcache.hibernate.RingCacheSettings.DEFAULT_PLACEMENT;
import static dev.ringcache.hibernate.RingCacheSettings.DEFAULT_PROBE_INTERVAL;
import static dev.ringcache.hibernate.RingCacheSettings.DEFAULT_GENERATION_CHECK_INTERVAL;
import static dev.ringcache.hibernate.RingCacheSettings.DEFAULT_TTL;
import static dev.ringcache.hibernate.RingCacheSettings.FAILURE_THRESHOLD;
import static dev.ringcache.hibernate.RingCacheSettings.MAX_TRANSACTION;
import static dev.ringcache.hibernate.RingCacheSettings.METRICS;
import static dev.ringcache.hibernate.RingCacheSettings.NAMESPACE;
import static dev.ringcache.hibernate.RingCacheSettings.NODES;
import static dev.ringcache.hibernate.RingCacheSettings.PLACEMENT;
import static dev.ringcache.hibernate.RingCacheSettings.PREFIX;
import static dev.ringcache.hibernate.RingCacheSettings.PROBE_INTERVAL;
import static dev.ringcache.hibernate.RingCacheSettings.QUARANTINE;
import static dev.ringcache.hibernate.RingCacheSettings.GENERATION_CHECK_INTERVAL;
import static dev.ringcache.hibernate.RingCacheSettings.REGION_PREFIX;
import static dev.ringcache.hibernate.RingCacheSettings.REGION_TTL;
import static dev.ringcache.hibernate.RingCacheSettings.REPLICAS;
import static dev.ringcache.hibernate.RingCacheSettings.TTL;

import dev.ringcache.api.CacheMetrics;
import dev.ringcache.api.ConfigurationException;
import dev.ringcache.api.DurationFormat;
import dev.ringcache.api.EntryTimes;
import dev.ringcache.api.NodeUri;
import dev.ringcache.api.ShardedCache;
import dev.ringcache.ring.ConsistentHashRing;
import dev.ringcache.ring.Placement;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.hibernate.cfg.PersistenceSettings;
import org.jspecify.annotations.Nullable;

/**
 * ringcache's settings ({@link RingCacheSettings}), read once from the properties Hibernate gives
 * the region factory, checked, and kept as typed values. Reading reports every problem it finds in
 * one {@link ConfigurationException}, so one failed start shows them all.
 *
 * <p>Immutable and thread-safe.
 */
final class RingCacheOptions {
  static final Duration MIN_TTL = Duration.ofMillis(1);
  static final Duration MAX_TTL = EntryTimes.MAX_TTL;
  static final Duration MIN_MAX_TRANSACTION = Duration.ofMillis(1);
  /** Locks live 2Θ and the quarantine is at least 2Θ, at most a day. */
  static final Duration MAX_MAX_TRANSACTION = Duration.ofHours(12);
  static final Duration MAX_QUARANTINE = Duration.ofDays(1);
  static final Duration MIN_PROBE_INTERVAL = Duration.ofMillis(10);
  static final Duration MAX_PROBE_INTERVAL = Duration.ofMinutes(10);
  static final int MAX_FAILURE_THRESHOLD = 1000;
  static final Duration MIN_GENERATION_CHECK_INTERVAL = Duration.ofMillis(10);
  static final Duration MAX_GENERATION_CHECK_INTERVAL = Duration.ofSeconds(10);

  /** The global settings ringcache knows, in the order of {@link RingCacheSettings}. */
  static final Set<String> SETTINGS = Collections.unmodifiableSet(new LinkedHashSet<>(List.of(
      NODES, NAMESPACE, PLACEMENT, REPLICAS, TTL, MAX_TRANSACTION, QUARANTINE, FAILURE_THRESHOLD,
      PROBE_INTERVAL, GENERATION_CHECK_INTERVAL, METRICS)));
  /** The per-region settings ringcache knows, the part after {@code region.<region>.}. */
  static final Set<String> REGION_SETTINGS = Set.of(REGION_TTL);

  private static final Pattern SCHEME_START = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://");

  private final String namespace;
  private final String namespaceSource;
  private final List<NodeUri> nodes;
  // As given, with their passwords: only for the builder, never shown.
  private final List<String> nodeTexts;
  private final Placement placement;
  private final int replicas;
  private final Duration ttl;
  private final Duration maxTransaction;
  private final Duration quarantine;
  private final int failureThreshold;
  private final Duration probeInterval;
  private final Duration generationCheckInterval;
  private final Map<String, Duration> regionTtls;
  private final CacheMetrics metrics;

  private RingCacheOptions(Reader r) {
    this.namespace = Objects.requireNonNull(r.namespace);
    this.namespaceSource = Objects.requireNonNull(r.namespaceSource);
    this.nodes = List.copyOf(r.nodes);
    this.nodeTexts = List.copyOf(r.nodeTexts);
    this.placement = r.placement;
    this.replicas = r.replicas;
    this.ttl = r.ttl;
    this.maxTransaction = r.maxTransaction;
    this.quarantine = r.quarantine;
    this.failureThreshold = r.failureThreshold;
    this.probeInterval = r.probeInterval;
    this.generationCheckInterval = r.generationCheckInterval;
    this.regionTtls = Collections.unmodifiableMap(new TreeMap<>(r.regionTtls));
    this.metrics = r.metrics;
  }

  /**
   * Reads the settings from the properties Hibernate passes to the region factory; fails with a
   * {@link ConfigurationException} naming every unknown setting and every bad value.
   */
  static RingCacheOptions parse(Map<String, ?> properties) {
    Objects.requireNonNull(properties, "properties");
    Reader reader = new Reader(properties);
    reader.read();
    if (!reader.problems.isEmpty()) {
      throw new ConfigurationException(reader.problems.size() == 1 ? reader.problems.get(0)
          : "the ringcache settings have " + reader.problems.size() + " problems:\n  "
              + String.join("\n  ", reader.problems));
    }
    return new RingCacheOptions(reader);
  }

  /** The first part of every key: this application's name among those sharing the nodes. */
  String namespace() {
    return namespace;
  }

  /** Where {@link #namespace()} came from: the setting's name, or {@code "default"}. */
  String namespaceSource() {
    return namespaceSource;
  }

  /** The nodes, in the order given. Their {@code toString()} hides passwords. */
  List<NodeUri> nodes() {
    return nodes;
  }

  Placement placement() {
    return placement;
  }

  /** Ring points per unit of weight: the setting, or the placement's default. */
  int replicas() {
    return replicas;
  }

  /** The value TTL of every region without its own. */
  Duration ttl() {
    return ttl;
  }

  /** Θ, the longest a transaction may run. */
  Duration maxTransaction() {
    return maxTransaction;
  }

  Duration quarantine() {
    return quarantine;
  }

  int failureThreshold() {
    return failureThreshold;
  }

  Duration probeInterval() {
    return probeInterval;
  }

  /** How long a JVM trusts its copy of a region's generation. */
  Duration generationCheckInterval() {
    return generationCheckInterval;
  }

  /** Where the node layer reports what it does. */
  CacheMetrics metrics() {
    return metrics;
  }

  /** The regions named by per-region settings, sorted. */
  Set<String> configuredRegions() {
    return regionTtls.keySet();
  }

  /** The settings of {@code regionName}: its own where it has them, the global ones elsewhere. */
  RegionOptions regionOptions(String regionName) {
    Objects.requireNonNull(regionName, "regionName");
    return new RegionOptions(regionName, regionTtls.getOrDefault(regionName, ttl),
        maxTransaction);
  }

  /** The record lifetimes of {@code regionName}: its TTL for values, 2Θ for locks, Θ for the rest. */
  EntryTimes entryTimes(String regionName) {
    return regionOptions(regionName).entryTimes();
  }

  /**
   * Gives {@code builder} the nodes, placement, replicas, failure threshold, probe interval,
   * quarantine and metrics; returns it.
   */
  ShardedCache.Builder configure(ShardedCache.Builder builder) {
    Objects.requireNonNull(builder, "builder");
    return builder.nodes(nodeTexts).placement(placement).replicas(replicas)
        .failureThreshold(failureThreshold).probeInterval(probeInterval).quarantine(quarantine)
        .metrics(metrics);
  }

  /** Every setting, for a start-up log line; passwords hidden. */
  @Override
  public String toString() {
    return "RingCacheOptions[namespace=" + namespace + " (from " + namespaceSource + "), nodes="
        + nodes + ", placement=" + placement + ", replicas=" + replicas + ", ttl="
        + DurationFormat.format(ttl) + ", max_transaction=" + DurationFormat.format(maxTransaction)
        + ", quarantine=" + DurationFormat.format(quarantine) + ", failure_threshold="
        + failureThreshold + ", probe_interval=" + DurationFormat.format(probeInterval)
        + ", generation_check_interval=" + DurationFormat.format(generationCheckInterval)
        + (metrics == CacheMetrics.NONE ? "" : ", metrics=" + metrics.getClass().getName())
        + regionTtls.entrySet().stream()
            .map(e -> ", region " + e.getKey() + " ttl=" + DurationFormat.format(e.getValue()))
            .collect(Collectors.joining()) + "]";
  }

  /** The URI of the default in-process node: {@code local://} and the namespace, escaped. */
  static String localNodeUri(String namespace) {
    StringBuilder uri = new StringBuilder("local://");
    for (byte b : namespace.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
          || c == '.' || c == '_' || c == '~') {
        uri.append(c);
      } else {
        uri.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
            .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
      }
    }
    return uri.toString();
  }

  /** Reads the properties once, collecting problems instead of stopping at the first. */
  private static final class Reader {
    final Map<String, ?> properties;
    final List<String> problems = new ArrayList<>();

    @Nullable String namespace;
    @Nullable String namespaceSource;
    final List<NodeUri> nodes = new ArrayList<>();
    final List<String> nodeTexts = new ArrayList<>();
    Placement placement = DEFAULT_PLACEMENT;
    int replicas;
    Duration ttl = DEFAULT_TTL;
    Duration maxTransaction = DEFAULT_MAX_TRANSACTION;
    Duration quarantine = DEFAULT_MAX_TRANSACTION.multipliedBy(2);
    int failureThreshold = DEFAULT_FAILURE_THRESHOLD;
    Duration probeInterval = DEFAULT_PROBE_INTERVAL;
    Duration generationCheckInterval = DEFAULT_GENERATION_CHECK_INTERVAL;
    final Map<String, Duration> regionTtls = new TreeMap<>();
    CacheMetrics metrics = CacheMetrics.NONE;

    Reader(Map<String, ?> properties) {
      this.properties = properties;
    }

    void read() {
      readNames();
      ttl = duration(TTL, DEFAULT_TTL, MIN_TTL, MAX_TTL);
      int before = problems.size();
      maxTransaction = duration(MAX_TRANSACTION, DEFAULT_MAX_TRANSACTION, MIN_MAX_TRANSACTION,
          MAX_MAX_TRANSACTION);
      boolean thetaRead = problems.size() == before;
      Duration twoTheta = maxTransaction.multipliedBy(2);
      quarantine = duration(QUARANTINE, twoTheta, Duration.ZERO, MAX_QUARANTINE);
      if (thetaRead && quarantine.compareTo(twoTheta) < 0) {
        problems.add(QUARANTINE + ": '" + text(properties.get(QUARANTINE)) + "' is shorter than 2 × "
            + MAX_TRANSACTION + " (2 × " + DurationFormat.format(maxTransaction) + " = "
            + DurationFormat.format(twoTheta) + "); a node that returns must take no puts for at "
            + "least 2Θ, or data read before it was cleared could be put. Use at least "
            + DurationFormat.format(twoTheta) + ", or lower " + MAX_TRANSACTION);
      }
      failureThreshold = whole(FAILURE_THRESHOLD, DEFAULT_FAILURE_THRESHOLD, 1,
          MAX_FAILURE_THRESHOLD);
      probeInterval = duration(PROBE_INTERVAL, DEFAULT_PROBE_INTERVAL, MIN_PROBE_INTERVAL,
          MAX_PROBE_INTERVAL);
      generationCheckInterval = duration(GENERATION_CHECK_INTERVAL, DEFAULT_GENERATION_CHECK_INTERVAL,
          MIN_GENERATION_CHECK_INTERVAL, MAX_GENERATION_CHECK_INTERVAL);
      metrics = metrics();

      before = problems.size();
      placement = placement();
      replicas = whole(REPLICAS, placement.defaultReplicas(), 1, Integer.MAX_VALUE);
      boolean ringRead = problems.size() == before;
      before = problems.size();
      boolean nodesGiven = readNodes();
      boolean nodesRead = problems.size() == before;
      readNamespace(nodesGiven, nodesRead);
      if (!nodesGiven && namespace != null) {
        String local = localNodeUri(namespace);
        nodes.add(NodeUri.parse(local));
        nodeTexts.add(local);
      }
      if (ringRead && nodesRead && !nodes.isEmpty()) {
        checkRing(nodesGiven);
      }
    }

    /** Fails unknown names under the prefix; reads the per-region settings. */
    private void readNames() {
      Set<String> keys = new TreeSet<>();
      for (Object key : properties.keySet()) {
        if (key instanceof String name && name.startsWith(PREFIX)) {
          keys.add(name);
        }
      }
      for (String key : keys) {
        if (key.startsWith(REGION_PREFIX)) {
          readRegionSetting(key);
        } else if (!SETTINGS.contains(key)) {
          problems.add("unknown setting '" + key + "'" + didYouMean(key, SETTINGS)
              + "; ringcache knows " + String.join(", ", SETTINGS) + ", and per region "
              + REGION_PREFIX + "<region>." + String.join("|", new TreeSet<>(REGION_SETTINGS)));
        }
      }
    }

    private void readRegionSetting(String key) {
      String rest = key.substring(REGION_PREFIX.length());
      int dot = rest.lastIndexOf('.');
      if (dot <= 0 || dot == rest.length() - 1) {
        problems.add("'" + key + "' names no region or no setting; per-region settings are "
            + REGION_PREFIX + "<region>.<setting>, with <setting> one of "
            + new TreeSet<>(REGION_SETTINGS) + " (for every region at once use " + PREFIX
            + (REGION_SETTINGS.contains(rest) ? rest : "<setting>") + ")");
        return;
      }
      String region = rest.substring(0, dot);
      String setting = rest.substring(dot + 1);
      if (!REGION_SETTINGS.contains(setting)) {
        problems.add("unknown setting '" + key + "': '" + setting + "' is not a per-region setting"
            + didYouMean(setting, REGION_SETTINGS) + "; per region ringcache knows "
            + new TreeSet<>(REGION_SETTINGS));
        return;
      }
      if (properties.get(key) != null) {
        regionTtls.put(region, duration(key, DEFAULT_TTL, MIN_TTL, MAX_TTL));
      }
    }

    /** The metrics setting: an instance, a class, or a class name. */
    private CacheMetrics metrics() {
      Object value = properties.get(METRICS);
      if (value == null) {
        return CacheMetrics.NONE;
      }
      if (value instanceof CacheMetrics given) {
        return given;
      }
      String accepted = "; give a dev.ringcache.api.CacheMetrics instance, or the name of a class "
          + "that implements it and has a public no-argument constructor";
      Class<?> type;
      if (value instanceof Class<?> given) {
        type = given;
      } else if (value instanceof CharSequence name && !name.toString().isBlank()) {
        try {
          type = Class.forName(name.toString().trim(), true,
              RingCacheOptions.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
          problems.add(METRICS + ": '" + name + "' is not a class that can be loaded ("
              + e.getClass().getSimpleName() + ")" + accepted);
          return CacheMetrics.NONE;
        }
      } else {
        problems.add(METRICS + ": " + (value instanceof CharSequence ? "blank text"
            : "a " + value.getClass().getName()) + " is not accepted" + accepted);
        return CacheMetrics.NONE;
      }
      if (!CacheMetrics.class.isAssignableFrom(type)) {
        problems.add(METRICS + ": " + type.getName() + " does not implement CacheMetrics"
            + accepted);
        return CacheMetrics.NONE;
      }
      try {
        return (CacheMetrics) type.getConstructor().newInstance();
      } catch (ReflectiveOperationException | RuntimeException e) {
        problems.add(METRICS + ": " + type.getName() + " could not be made with a public "
            + "no-argument constructor (" + e.getClass().getSimpleName() + ")" + accepted);
        return CacheMetrics.NONE;
      }
    }

    /** Reads the nodes setting, if given; whether it was. */
    private boolean readNodes() {
      Object value = properties.get(NODES);
      if (value == null) {
        return false;
      }
      List<String> texts;
      if (value instanceof CharSequence text) {
        texts = splitNodes(text.toString());
      } else if (value instanceof Collection<?> collection) {
        texts = new ArrayList<>();
        int i = 0;
        for (Object element : collection) {
          if (element instanceof CharSequence text && !text.toString().isBlank()) {
            texts.add(text.toString().trim());
          } else {
            problems.add(NODES + ": element " + i + " of the collection is "
                + (element == null ? "null" : "a " + element.getClass().getName())
                + "; give node URIs as strings");
            return true;
          }
          i++;
        }
      } else {
        problems.add(NODES + ": a " + value.getClass().getName() + " is not accepted; give node "
            + "URIs separated by commas, e.g. redis://10.0.1.1:6379,redis://10.0.1.2:6379, or a "
            + "Collection of URI strings");
        return true;
      }
      if (texts == null) {
        return true;
      }
      if (texts.isEmpty()) {
        problems.add(NODES + " is empty; give at least one node URI, e.g. redis://10.0.1.1:6379, "
            + "or leave the setting out for one in-process node");
        return true;
      }
      for (String text : texts) {
        try {
          nodes.add(NodeUri.parse(text));
          nodeTexts.add(text);
        } catch (ConfigurationException e) {
          problems.add(NODES + ": " + e.getMessage()
              + "; give node URIs separated by commas, each with its scheme://");
        }
      }
      return true;
    }

    /**
     * Splits at commas, but keeps a piece that does not start with {@code scheme://} with the one
     * before it: a comma in a password then neither splits the URI nor shows part of the password
     * in a message as a URI of its own. Null after a problem.
     */
    private @Nullable List<String> splitNodes(String text) {
      List<String> uris = new ArrayList<>();
      if (text.isBlank()) {
        return uris;
      }
      for (String piece : text.split(",", -1)) {
        if (piece.isBlank()) {
          // The value is not shown: it may hold a password.
          problems.add(NODES + " has an empty entry between commas; give node URIs separated by "
              + "commas, e.g. redis://10.0.1.1:6379,redis://10.0.1.2:6379 (percent-encode a "
              + "comma in a password as %2C)");
          return null;
        }
        if (uris.isEmpty() || SCHEME_START.matcher(piece.trim()).lookingAt()) {
          uris.add(piece.trim());
        } else {
          int last = uris.size() - 1;
          uris.set(last, uris.get(last) + "," + piece);
        }
      }
      uris.replaceAll(String::trim);
      return uris;
    }

    private void readNamespace(boolean nodesGiven, boolean nodesRead) {
      Object value = properties.get(NAMESPACE);
      if (value != null) {
        if (value instanceof CharSequence text && !text.toString().isBlank()) {
          namespace = text.toString().trim();
          namespaceSource = NAMESPACE;
        } else {
          problems.add(NAMESPACE + ": " + shown(value) + " is not a namespace; give a name, e.g. "
              + "shop, or leave the setting out to use the persistence unit name");
        }
        return;
      }
      for (String source : List.of(PersistenceSettings.PERSISTENCE_UNIT_NAME,
          PersistenceSettings.SESSION_FACTORY_NAME)) {
        if (properties.get(source) instanceof CharSequence text && !text.toString().isBlank()) {
          namespace = text.toString().trim();
          namespaceSource = source;
          return;
        }
      }
      boolean allLocal = nodes.stream().allMatch(node -> node.scheme().equals("local"));
      if (!nodesGiven || (nodesRead && allLocal)) {
        namespace = DEFAULT_NAMESPACE;
        namespaceSource = "default";
      } else if (nodesRead) {
        problems.add(NAMESPACE + " is not set, and neither is "
            + PersistenceSettings.PERSISTENCE_UNIT_NAME + " nor "
            + PersistenceSettings.SESSION_FACTORY_NAME + ": with shared nodes " + nodes
            + ", give this application a namespace of its own, e.g. " + NAMESPACE + "=shop, so "
            + "that it never reads another application's entries");
      }
    }

    private void checkRing(boolean nodesGiven) {
      ConsistentHashRing.Builder<NodeUri> ring =
          ConsistentHashRing.<NodeUri>builder().placement(placement).replicas(replicas);
      try {
        for (NodeUri node : nodes) {
          ring.add(node.toString(), node, node.weight());
        }
        ring.build();
      } catch (IllegalArgumentException e) {
        problems.add("the ring of " + (nodesGiven ? NODES + "=" + nodes : "nodes " + nodes)
            + " with " + PLACEMENT + "=" + placement + " and " + REPLICAS + "=" + replicas
            + " cannot be built: " + e.getMessage());
      }
    }

    private Placement placement() {
      Object value = properties.get(PLACEMENT);
      if (value == null) {
        return DEFAULT_PLACEMENT;
      }
      if (value instanceof Placement p) {
        return p;
      }
      if (value instanceof CharSequence text) {
        try {
          return Placement.valueOf(text.toString().trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          // reported below
        }
      }
      problems.add(PLACEMENT + ": " + shown(value) + " is not a placement; use one of "
          + Arrays.toString(Placement.values()) + " (any case), or a " + Placement.class.getName());
      return DEFAULT_PLACEMENT;
    }

    /** A duration within {@code [min, max]}; {@code defaultValue} if absent, or after a problem. */
    private Duration duration(String key, Duration defaultValue, Duration min, Duration max) {
      Object value = properties.get(key);
      if (value == null) {
        return defaultValue;
      }
      Duration d;
      if (value instanceof Duration given) {
        d = given;
        if (!d.isNegative() && d.toNanos() % 1_000_000 != 0) {
          problems.add(key + ": " + d + " is not a whole number of milliseconds");
          return defaultValue;
        }
      } else if (value instanceof CharSequence text) {
        try {
          d = DurationFormat.parse(key, text.toString());
        } catch (ConfigurationException e) {
          problems.add(e.getMessage());
          return defaultValue;
        }
      } else {
        problems.add(key + ": " + shown(value) + " is not accepted; give a duration as text, a "
            + "whole number and a unit (ms, s, m, h, d) such as 50ms, 2s, 10m, or a "
            + Duration.class.getName());
        return defaultValue;
      }
      if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
        problems.add(key + ": '" + text(value) + "' is out of range; use a duration from "
            + DurationFormat.format(min) + " to " + DurationFormat.format(max));
        return defaultValue;
      }
      return d;
    }

    /** A whole number within {@code [min, max]}; {@code defaultValue} if absent, or after a problem. */
    private int whole(String key, int defaultValue, int min, int max) {
      Object value = properties.get(key);
      if (value == null) {
        return defaultValue;
      }
      String range = max == Integer.MAX_VALUE ? "a whole number of at least " + min
          : "a whole number from " + min + " to " + max;
      Long n = null;
      if (value instanceof Integer || value instanceof Long || value instanceof Short
          || value instanceof Byte) {
        n = ((Number) value).longValue();
      } else if (value instanceof CharSequence text) {
        try {
          n = Long.parseLong(text.toString().trim());
        } catch (NumberFormatException e) {
          // reported below
        }
      }
      if (n == null || n < min || n > max) {
        problems.add(key + ": " + shown(value) + " is not " + range);
        return defaultValue;
      }
      return n.intValue();
    }

    /** A value in a message: text in quotes; another type by its class too. */
    private static String shown(Object value) {
      return value instanceof CharSequence || value instanceof Number || value instanceof Duration
          ? "'" + text(value) + "'"
          : "a " + value.getClass().getName() + " ('" + value + "')";
    }

    private static String text(@Nullable Object value) {
      if (value instanceof Duration d && !d.isNegative() && d.toNanos() % 1_000_000 == 0) {
        return DurationFormat.format(d);
      }
      return String.valueOf(value);
    }

    /** " (did you mean X?)" when one known name is within two edits of {@code name}; else "". */
    private static String didYouMean(String name, Collection<String> known) {
      String best = null;
      int bestDistance = 3;
      for (String candidate : known) {
        int distance = editDistance(name, candidate);
        if (distance < bestDistance) {
          best = candidate;
          bestDistance = distance;
        }
      }
      return best == null ? "" : " (did you mean " + best + "?)";
    }

    private static int editDistance(String a, String b) {
      int[] previous = new int[b.length() + 1];
      int[] current = new int[b.length() + 1];
      for (int j = 0; j <= b.length(); j++) {
        previous[j] = j;
      }
      for (int i = 1; i <= a.length(); i++) {
        current[0] = i;
        for (int j = 1; j <= b.length(); j++) {
          int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
          current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
        }
        int[] swap = previous;
        previous = current;
        current = swap;
      }
      return previous[b.length()];
    }
  }
}
