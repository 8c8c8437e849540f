package dev.ringcache.hibernate;

import static dev.ringcache.hibernate.RingCacheSettings.FAILURE_THRESHOLD;
import static dev.ringcache.hibernate.RingCacheSettings.MAX_TRANSACTION;
import static dev.ringcache.hibernate.RingCacheSettings.METRICS;
import static dev.ringcache.hibernate.RingCacheSettings.NAMESPACE;
import static dev.ringcache.hibernate.RingCacheSettings.NODES;
import static dev.ringcache.hibernate.RingCacheSettings.PLACEMENT;
import static dev.ringcache.hibernate.RingCacheSettings.PROBE_INTERVAL;
import static dev.ringcache.hibernate.RingCacheSettings.GENERATION_CHECK_INTERVAL;
import static dev.ringcache.hibernate.RingCacheSettings.QUARANTINE;
import static dev.ringcache.hibernate.RingCacheSettings.REGION_PREFIX;
import static dev.ringcache.hibernate.RingCacheSettings.REPLICAS;
import static dev.ringcache.hibernate.RingCacheSettings.TTL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ringcache.api.CacheMetrics;
import dev.ringcache.api.CacheStatistics;
import dev.ringcache.api.ConfigurationException;
import dev.ringcache.api.EntryTimes;
import dev.ringcache.api.NodeUri;
import dev.ringcache.api.ShardedCache;
import dev.ringcache.ring.ConsistentHashRing;
import dev.ringcache.ring.Placement;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

class RingCacheOptionsTest {
  private static final String PERSISTENCE_UNIT_NAME = "hibernate.persistenceUnitName";
  private static final String SESSION_FACTORY_NAME = "hibernate.session_factory_name";

  private static RingCacheOptions parse(Object... keysAndValues) {
    Map<String, Object> properties = new HashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      properties.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return RingCacheOptions.parse(properties);
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertFails(
      Object... keysAndValues) {
    return assertThatThrownBy(() -> parse(keysAndValues))
        .isInstanceOf(ConfigurationException.class);
  }

  // ---- defaults

  @Test
  void noSettings_giveEveryDefault() {
    RingCacheOptions options = parse();
    assertThat(options.namespace()).isEqualTo("default");
    assertThat(options.namespaceSource()).isEqualTo("default");
    assertThat(options.nodes()).map(NodeUri::toString).containsExactly("local://default");
    assertThat(options.placement()).isEqualTo(Placement.DEFAULT);
    assertThat(options.replicas()).isEqualTo(4096);
    assertThat(options.ttl()).isEqualTo(Duration.ofHours(1));
    assertThat(options.maxTransaction()).isEqualTo(Duration.ofSeconds(60));
    assertThat(options.quarantine()).isEqualTo(Duration.ofMinutes(2));
    assertThat(options.failureThreshold()).isEqualTo(3);
    assertThat(options.probeInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(options.configuredRegions()).isEmpty();
  }

  /** The options read from no settings, by the DEFAULT_ constant they must equal. */
  private static final Map<String, Function<RingCacheOptions, Object>> DEFAULTS = Map.of(
      "DEFAULT_NAMESPACE", RingCacheOptions::namespace,
      "DEFAULT_PLACEMENT", RingCacheOptions::placement,
      "DEFAULT_TTL", RingCacheOptions::ttl,
      "DEFAULT_MAX_TRANSACTION", RingCacheOptions::maxTransaction,
      "DEFAULT_FAILURE_THRESHOLD", RingCacheOptions::failureThreshold,
      "DEFAULT_PROBE_INTERVAL", RingCacheOptions::probeInterval,
      "DEFAULT_GENERATION_CHECK_INTERVAL", RingCacheOptions::generationCheckInterval);

  @Test
  void everyDefaultConstant_isWhatNoSettingsGive() throws IllegalAccessException {
    RingCacheOptions options = parse();
    List<Field> defaults = constants().stream()
        .filter(f -> f.getName().startsWith("DEFAULT_")).collect(Collectors.toList());
    assertThat(defaults).map(Field::getName)
        .as("every DEFAULT_ constant is checked here").containsExactlyInAnyOrderElementsOf(
            DEFAULTS.keySet());
    for (Field field : defaults) {
      assertThat(DEFAULTS.get(field.getName()).apply(options)).as(field.getName())
          .isEqualTo(field.get(null));
    }
  }

  @Test
  void derivedDefaults_followTheirSources() {
    assertThat(parse(MAX_TRANSACTION, "10s").quarantine()).isEqualTo(Duration.ofSeconds(20));
    assertThat(parse(PLACEMENT, "KETAMA").replicas()).isEqualTo(160);
    assertThat(parse(PLACEMENT, "JEDIS").replicas()).isEqualTo(160);
    assertThat(parse(TTL, "5m").regionOptions("any").ttl()).isEqualTo(Duration.ofMinutes(5));
  }

  // ---- the settings and the parser know the same names

  @Test
  void everySettingConstant_isKnownToTheParser_andEveryKnownNameHasAConstant()
      throws IllegalAccessException {
    Set<String> global = new java.util.HashSet<>();
    Set<String> perRegion = new java.util.HashSet<>();
    Set<String> names = new java.util.HashSet<>();
    for (Field field : constants()) {
      names.add(field.getName());
      if (field.getType() != String.class || field.getName().startsWith("DEFAULT_")
          || field.getName().equals("PREFIX") || field.getName().equals("REGION_PREFIX")) {
        continue;
      }
      String value = (String) field.get(null);
      if (field.getName().startsWith("REGION_")) {
        perRegion.add(value);
      } else {
        assertThat(value).as(field.getName()).startsWith(RingCacheSettings.PREFIX);
        global.add(value);
      }
    }
    assertThat(RingCacheOptions.SETTINGS).containsExactlyInAnyOrderElementsOf(global);
    assertThat(RingCacheOptions.REGION_SETTINGS).containsExactlyInAnyOrderElementsOf(perRegion);
    for (String name : names) {
      if (name.startsWith("DEFAULT_")) {
        assertThat(names).as("the setting of " + name).contains(name.substring(8));
      }
    }
    for (String setting : RingCacheOptions.SETTINGS) {
      String suffix = setting.substring(RingCacheSettings.PREFIX.length());
      assertThat(suffix).as("Hibernate's style: lower case, words joined by '_'")
          .matches("[a-z]+(_[a-z]+)*");
    }
  }

  static List<Field> constants() {
    return Arrays.stream(RingCacheSettings.class.getDeclaredFields())
        .filter(f -> Modifier.isPublic(f.getModifiers()) && Modifier.isStatic(f.getModifiers())
            && Modifier.isFinal(f.getModifiers()))
        .collect(Collectors.toList());
  }

  // ---- every setting read

  @Test
  void everySetting_isReadFromText() {
    Map<String, Object> all = new HashMap<>();
    all.put(NODES, " local://opt-a , local://opt-b?weight=2");
    all.put(NAMESPACE, "shop");
    all.put(PLACEMENT, "ketama_weighted");
    all.put(REPLICAS, "80");
    all.put(TTL, "10m");
    all.put(MAX_TRANSACTION, "30s");
    all.put(QUARANTINE, "5m");
    all.put(FAILURE_THRESHOLD, "5");
    all.put(PROBE_INTERVAL, "250ms");
    all.put(GENERATION_CHECK_INTERVAL, "2s");
    all.put(METRICS, " dev.ringcache.api.CacheStatistics ");
    assertThat(all.keySet()).as("every setting is given")
        .containsExactlyInAnyOrderElementsOf(RingCacheOptions.SETTINGS);

    RingCacheOptions options = RingCacheOptions.parse(all);
    assertThat(options.nodes()).map(NodeUri::host).containsExactly("opt-a", "opt-b");
    assertThat(options.nodes()).map(NodeUri::weight).containsExactly(1, 2);
    assertThat(options.namespace()).isEqualTo("shop");
    assertThat(options.namespaceSource()).isEqualTo(NAMESPACE);
    assertThat(options.placement()).isEqualTo(Placement.KETAMA_WEIGHTED);
    assertThat(options.replicas()).isEqualTo(80);
    assertThat(options.ttl()).isEqualTo(Duration.ofMinutes(10));
    assertThat(options.maxTransaction()).isEqualTo(Duration.ofSeconds(30));
    assertThat(options.quarantine()).isEqualTo(Duration.ofMinutes(5));
    assertThat(options.failureThreshold()).isEqualTo(5);
    assertThat(options.probeInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(options.generationCheckInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(options.metrics()).isInstanceOf(CacheStatistics.class);
  }

  @Test
  void everySetting_isReadFromItsNaturalType() {
    RingCacheOptions options = parse(
        NODES, List.of("local://typed-a", " local://typed-b "),
        PLACEMENT, Placement.KETAMA,
        REPLICAS, 40,
        TTL, Duration.ofMinutes(7),
        MAX_TRANSACTION, Duration.ofSeconds(5),
        QUARANTINE, Duration.ofSeconds(10),
        FAILURE_THRESHOLD, 7L,
        PROBE_INTERVAL, Duration.ofMillis(20),
        REGION_PREFIX + "r.ttl", Duration.ofSeconds(3),
        METRICS, STATISTICS);
    assertThat(options.nodes()).map(NodeUri::host).containsExactly("typed-a", "typed-b");
    assertThat(options.placement()).isEqualTo(Placement.KETAMA);
    assertThat(options.replicas()).isEqualTo(40);
    assertThat(options.ttl()).isEqualTo(Duration.ofMinutes(7));
    assertThat(options.maxTransaction()).isEqualTo(Duration.ofSeconds(5));
    assertThat(options.quarantine()).isEqualTo(Duration.ofSeconds(10));
    assertThat(options.failureThreshold()).isEqualTo(7);
    assertThat(options.probeInterval()).isEqualTo(Duration.ofMillis(20));
    assertThat(options.regionOptions("r").ttl()).isEqualTo(Duration.ofSeconds(3));
    assertThat(options.metrics()).isSameAs(STATISTICS);
    assertThat(parse(METRICS, CacheStatistics.class).metrics()).isInstanceOf(CacheStatistics.class)
        .isNotSameAs(STATISTICS);
  }

  private static final CacheStatistics STATISTICS = new CacheStatistics();

  @Test
  void metrics_thatCannotBeMade_failNamingTheSettingAndWhatWouldDo() {
    assertThat(parse().metrics()).isSameAs(CacheMetrics.NONE);
    assertFails(METRICS, "com.example.NoSuchMetrics").hasMessageContaining(METRICS)
        .hasMessageContaining("com.example.NoSuchMetrics")
        .hasMessageContaining("CacheMetrics instance");
    assertFails(METRICS, "java.lang.String")
        .hasMessageContaining("java.lang.String does not implement CacheMetrics");
    assertFails(METRICS, NoConstructor.class)
        .hasMessageContaining("public no-argument constructor");
    assertFails(METRICS, 42).hasMessageContaining("a java.lang.Integer is not accepted");
    assertFails(METRICS, " ").hasMessageContaining("blank text is not accepted");
  }

  /** Metrics without a no-argument constructor. */
  public static final class NoConstructor implements CacheMetrics {
    public NoConstructor(String unused) {}
  }

  @Test
  void settingsOutsideThePrefix_areLeftAlone() {
    RingCacheOptions options = parse("hibernate.cache.use_second_level_cache", "true",
        "hibernate.cache.ringcach.ttl", "nonsense", "hibernate.cache.ringcache", "x");
    assertThat(options.ttl()).isEqualTo(Duration.ofHours(1));
  }

  // ---- the namespace

  @Test
  void namespace_comesFromThePersistenceUnit_thenTheSessionFactoryName() {
    RingCacheOptions jpa = parse(PERSISTENCE_UNIT_NAME, "shop", SESSION_FACTORY_NAME, "sf");
    assertThat(jpa.namespace()).isEqualTo("shop");
    assertThat(jpa.namespaceSource()).isEqualTo(PERSISTENCE_UNIT_NAME);
    assertThat(jpa.nodes()).map(NodeUri::toString).containsExactly("local://shop");

    RingCacheOptions nativeBoot = parse(SESSION_FACTORY_NAME, "billing");
    assertThat(nativeBoot.namespace()).isEqualTo("billing");
    assertThat(nativeBoot.namespaceSource()).isEqualTo(SESSION_FACTORY_NAME);

    RingCacheOptions explicit = parse(NAMESPACE, " ns ", PERSISTENCE_UNIT_NAME, "shop");
    assertThat(explicit.namespace()).isEqualTo("ns");
    assertThat(explicit.namespaceSource()).isEqualTo(NAMESPACE);
  }

  @Test
  void sharedNodes_withoutAnyName_failAndAskForANamespace() {
    assertFails(NODES, "redis://10.0.1.1:6379,local://x")
        .hasMessageContaining(NAMESPACE).hasMessageContaining(PERSISTENCE_UNIT_NAME)
        .hasMessageContaining("redis://10.0.1.1:6379");
    assertThat(parse(NODES, "redis://10.0.1.1:6379", PERSISTENCE_UNIT_NAME, "shop").namespace())
        .isEqualTo("shop");
    assertThat(parse(NODES, "local://only-local").namespace()).isEqualTo("default");
  }

  @Test
  void defaultLocalNode_isNamedExactlyAfterAnyNamespace() {
    String namespace = "my shop: eu/1@x?y#z,ü%";
    RingCacheOptions options = parse(NAMESPACE, namespace);
    assertThat(options.nodes()).singleElement()
        .satisfies(node -> assertThat(node.host()).isEqualTo(namespace))
        .satisfies(node -> assertThat(node.password()).isNull());
    try (ShardedCache cache = options.configure(ShardedCache.builder()).build()) {
      assertThat(cache.nodeIds()).containsExactly(namespace);
    }
  }

  // ---- per region

  @Test
  void regionTtl_overridesTheGlobalOne_forThatRegionOnly() {
    RingCacheOptions options = parse(TTL, "20m", MAX_TRANSACTION, "15s",
        REGION_PREFIX + "com.example.Order.ttl", "5m");
    assertThat(options.configuredRegions()).containsExactly("com.example.Order");
    assertThat(options.regionOptions("com.example.Order").ttl()).isEqualTo(Duration.ofMinutes(5));
    assertThat(options.regionOptions("com.example.Customer").ttl())
        .isEqualTo(Duration.ofMinutes(20));
    assertThat(options.regionOptions("com.example").ttl()).isEqualTo(Duration.ofMinutes(20));

    EntryTimes order = options.entryTimes("com.example.Order");
    assertThat(order.valueTtlMillis()).isEqualTo(300_000);
    assertThat(order.lockTtlMillis()).as("2Θ").isEqualTo(30_000);
    assertThat(order.leaseTtlMillis()).as("Θ, at most 2s").isEqualTo(2_000);
    assertThat(order.tombstoneTtlMillis()).as("Θ").isEqualTo(15_000);
    assertThat(options.entryTimes("other").valueTtlMillis()).isEqualTo(1_200_000);
  }

  // ---- bad settings

  @Test
  void unknownSetting_failsNamingItAndTheKnownOnes() {
    assertFails("hibernate.cache.ringcache.tll", "10m")
        .hasMessageContaining("'hibernate.cache.ringcache.tll'")
        .hasMessageContaining("did you mean " + TTL + "?")
        .hasMessageContaining(NODES).hasMessageContaining(PROBE_INTERVAL)
        .hasMessageContaining(REGION_PREFIX + "<region>.ttl");
    assertFails("hibernate.cache.ringcache.TTL", "10m").hasMessageContaining("'hibernate.cache.ringcache.TTL'");
    assertFails("hibernate.cache.ringcache.colour", "red")
        .hasMessageContaining("'hibernate.cache.ringcache.colour'")
        .hasMessageNotContaining("did you mean");
  }

  @Test
  void unknownOrMalformedRegionSetting_failsNamingIt() {
    assertFails(REGION_PREFIX + "Order.tll", "5m")
        .hasMessageContaining(REGION_PREFIX + "Order.tll").hasMessageContaining("did you mean ttl?");
    assertFails(REGION_PREFIX + "Order.max_transaction", "5m")
        .hasMessageContaining("'max_transaction' is not a per-region setting");
    assertFails(REGION_PREFIX + "ttl", "5m")
        .hasMessageContaining("names no region").hasMessageContaining(TTL);
    assertFails(REGION_PREFIX + ".ttl", "5m").hasMessageContaining("names no region");
    assertFails(REGION_PREFIX + "Order.ttl", "5 minutes")
        .hasMessageContaining(REGION_PREFIX + "Order.ttl").hasMessageContaining("'5 minutes'");
  }

  @Test
  void badDuration_failsNamingTheSettingTheValueAndTheSyntax() {
    assertFails(TTL, "10 minutes").hasMessageContaining(TTL).hasMessageContaining("'10 minutes'")
        .hasMessageContaining("50ms, 2s, 10m");
    assertFails(MAX_TRANSACTION, "60").as("a bare number has no unit")
        .hasMessageContaining(MAX_TRANSACTION).hasMessageContaining("'60'");
    assertFails(TTL, 3600).hasMessageContaining(TTL).hasMessageContaining("'3600'")
        .hasMessageContaining("java.time.Duration");
    assertFails(TTL, "  ").hasMessageContaining(TTL);
    assertFails(TTL, Duration.ofNanos(1_500_000)).hasMessageContaining(TTL)
        .hasMessageContaining("whole number of milliseconds");
  }

  @Test
  void negativeZeroOrOutOfRangeValues_fail() {
    assertFails(FAILURE_THRESHOLD, "-1").hasMessageContaining(FAILURE_THRESHOLD)
        .hasMessageContaining("'-1'").hasMessageContaining("from 1 to 1000");
    assertFails(FAILURE_THRESHOLD, 1001).hasMessageContaining("'1001'");
    assertFails(FAILURE_THRESHOLD, "three").hasMessageContaining("'three'");
    assertFails(FAILURE_THRESHOLD, 2.5).hasMessageContaining("'2.5'");
    assertFails(REPLICAS, "0").hasMessageContaining(REPLICAS).hasMessageContaining("at least 1");
    assertFails(PROBE_INTERVAL, Duration.ofSeconds(-5)).hasMessageContaining(PROBE_INTERVAL)
        .hasMessageContaining("from 10ms to 10m");
    assertFails(PROBE_INTERVAL, "5ms").hasMessageContaining("'5ms'");
    assertFails(GENERATION_CHECK_INTERVAL, "11s").hasMessageContaining(GENERATION_CHECK_INTERVAL)
        .hasMessageContaining("'11s'").hasMessageContaining("from 10ms to 10s");
    assertFails(TTL, "0ms").hasMessageContaining(TTL).hasMessageContaining("from 1ms to 365d");
    assertFails(TTL, "366d").hasMessageContaining("'366d'");
    assertFails(MAX_TRANSACTION, "13h").hasMessageContaining(MAX_TRANSACTION)
        .hasMessageContaining("to 12h");
    assertFails(QUARANTINE, "2d").hasMessageContaining(QUARANTINE).hasMessageContaining("to 1d");
  }

  @Test
  void quarantineShorterThanTwiceTheLongestTransaction_fails() {
    assertFails(QUARANTINE, "90s").hasMessageContaining(QUARANTINE)
        .hasMessageContaining("'90s'").hasMessageContaining(MAX_TRANSACTION)
        .hasMessageContaining("at least 2m");
    assertFails(MAX_TRANSACTION, "10m", QUARANTINE, "19m").hasMessageContaining("at least 20m");
    assertThat(parse(MAX_TRANSACTION, "10m", QUARANTINE, "20m").quarantine())
        .isEqualTo(Duration.ofMinutes(20));
  }

  @Test
  void unknownPlacement_failsListingThePlacements() {
    assertFails(PLACEMENT, "consistent").hasMessageContaining(PLACEMENT)
        .hasMessageContaining("'consistent'").hasMessageContaining("KETAMA_WEIGHTED")
        .hasMessageContaining("JEDIS");
    assertFails(PLACEMENT, 1).hasMessageContaining("'1'");
  }

  @Test
  void replicasOrWeightsThePlacementCannotUse_failNamingTheSettings() {
    assertFails(PLACEMENT, "KETAMA", REPLICAS, "150").hasMessageContaining(PLACEMENT)
        .hasMessageContaining(REPLICAS + "=150").hasMessageContaining("multiple of 4");
    assertFails(PLACEMENT, "jedis", REPLICAS, 200).hasMessageContaining("must be 160");
    assertFails(PLACEMENT, "JEDIS", NODES, "local://w-a,local://w-b?weight=2")
        .hasMessageContaining(NODES).hasMessageContaining("every weight must be 1");
    assertFails(NODES, "local://dup,local://dup").hasMessageContaining("duplicate node");
  }

  @Test
  void badNodeUri_failsWithoutShowingItsPassword() {
    String secret = "hunter2";
    assertFails(NODES, "redis://admin:" + secret + "@cache:port", NAMESPACE, "ns")
        .hasMessageContaining(NODES).hasMessageContaining("redis://***@cache:port")
        .hasMessageNotContaining(secret);
    assertFails(NODES, "local://a,redis://admin:hun,ter2@cache:port", NAMESPACE, "ns")
        .as("a comma in the password neither splits the URI nor shows a part of it")
        .hasMessageNotContaining("hun").hasMessageNotContaining("ter2");
    assertFails(NODES, "redis://admin:" + secret + "@cache:6379,,local://b", NAMESPACE, "ns")
        .hasMessageContaining("empty entry").hasMessageNotContaining(secret);
    assertFails(NODES, "cache:6379").hasMessageContaining("scheme://");
    assertFails(NODES, " ").hasMessageContaining(NODES + " is empty");
    assertFails(NODES, List.of()).hasMessageContaining(NODES + " is empty");
    assertFails(NODES, 42).hasMessageContaining(NODES).hasMessageContaining("java.lang.Integer");
    assertFails(NODES, java.util.Arrays.asList("local://a", null))
        .hasMessageContaining("element 1");
  }

  @Test
  void passwords_neverShowInTheOptions_butReachTheNodes() {
    RingCacheOptions options = parse(
        NODES, "redis://admin:hun,ter2@cache:6379,  redis://10.0.1.2:6379", NAMESPACE, "ns");
    assertThat(options.nodes()).hasSize(2);
    assertThat(options.nodes().get(0).password()).isEqualTo("hun,ter2");
    assertThat(options.toString()).doesNotContain("hun").doesNotContain("ter2")
        .contains("redis://***@cache:6379");
  }

  @Test
  void blankOrMistypedNamespace_fails() {
    assertFails(NAMESPACE, " ").hasMessageContaining(NAMESPACE).hasMessageContaining("' '");
    assertFails(NAMESPACE, 7).hasMessageContaining(NAMESPACE).hasMessageContaining("'7'");
  }

  @Test
  void severalProblems_areReportedTogether() {
    assertFails(TTL, "soon", "hibernate.cache.ringcache.nodez", "local://a", PLACEMENT, "x")
        .hasMessageContaining("3 problems").hasMessageContaining("'soon'")
        .hasMessageContaining("nodez").hasMessageContaining("'x'");
  }

  // ---- the builder

  @Test
  void configure_givesTheBuilderTheNodesPlacementAndReplicas() {
    RingCacheOptions options = parse(NODES, "local://cfg-a,local://cfg-b,local://cfg-c",
        PLACEMENT, "KETAMA", REPLICAS, "40");
    ConsistentHashRing.Builder<String> expected =
        ConsistentHashRing.<String>builder().placement(Placement.KETAMA).replicas(40);
    List.of("cfg-a", "cfg-b", "cfg-c").forEach(id -> expected.add(id, id));
    try (ShardedCache cache = options.configure(ShardedCache.builder()).build()) {
      assertThat(cache.nodeIds()).containsExactly("cfg-a", "cfg-b", "cfg-c");
      assertThat(cache.ownership()).isEqualTo(expected.build().ownership());
    }
  }

  @Test
  void configure_acceptsTheExtremesOfEveryRange() {
    for (RingCacheOptions options : List.of(
        parse(MAX_TRANSACTION, "12h", FAILURE_THRESHOLD, "1000", PROBE_INTERVAL, "10ms",
            TTL, "365d"),
        parse(MAX_TRANSACTION, "1ms", FAILURE_THRESHOLD, "1", PROBE_INTERVAL, "10m",
            TTL, "1ms", QUARANTINE, "1d"))) {
      try (ShardedCache cache = options.configure(ShardedCache.builder()).build()) {
        assertThat(cache.nodeIds()).containsExactly("default");
      }
      EntryTimes times = options.entryTimes("r");
      assertThat(times.lockTtlMillis()).isEqualTo(2 * options.maxTransaction().toMillis());
    }
  }

  @Test
  void options_areImmutable() {
    Map<String, Object> properties = new HashMap<>(Map.of(TTL, "5m", NODES, "local://imm"));
    RingCacheOptions options = RingCacheOptions.parse(properties);
    properties.put(TTL, "7m");
    assertThat(options.ttl()).isEqualTo(Duration.ofMinutes(5));
    assertThatThrownBy(() -> options.nodes().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> options.configuredRegions().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
