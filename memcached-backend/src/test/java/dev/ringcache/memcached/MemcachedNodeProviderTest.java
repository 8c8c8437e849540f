package dev.ringcache.memcached;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ringcache.api.ConfigurationException;
import dev.ringcache.api.NodeUri;
import dev.ringcache.api.spi.CacheNode;
import dev.ringcache.api.spi.CacheNodeProvider;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Opening nodes: URIs, options, ids; nothing here talks to a server. */
class MemcachedNodeProviderTest {
  private final MemcachedNodeProvider provider = new MemcachedNodeProvider();

  private CacheNode open(String uri) {
    return provider.open(NodeUri.parse(uri));
  }

  private MemcachedNodeOptions options(String uri) {
    CacheNode node = open(uri);
    node.close();
    return ((MemcachedNode) node).options();
  }

  @Test
  void serviceLoader_findsTheProvider_forTheMemcachedScheme() {
    List<String> found = new ArrayList<>();
    for (CacheNodeProvider p : ServiceLoader.load(CacheNodeProvider.class)) {
      if (p.schemes().contains("memcached")) {
        found.add(p.getClass().getName());
      }
    }
    assertThat(found).containsExactly(MemcachedNodeProvider.class.getName());
    assertThat(provider.schemes()).containsExactly("memcached");
  }

  @Test
  void nodeIds_areTheSameHoweverTheUriSpellsTheNode_andHoldNoSecret() {
    List<String> ids = new ArrayList<>();
    for (String uri : List.of("memcached://Cache-1", "memcached://cache-1:11211",
        "memcached://cache-1:11211/", "memcached://app:s3cret@CACHE-1:11211?timeout=1s&weight=2")) {
      CacheNode node = open(uri);
      ids.add(node.id());
      assertThat(node.toString()).doesNotContain("s3cret");
      node.close();
    }
    assertThat(ids).containsOnly("cache-1:11211");
  }

  @Test
  void defaults_andOptions_areParsed() {
    MemcachedNodeOptions defaults = options("memcached://h");
    assertThat(defaults.port).isEqualTo(11211);
    assertThat(defaults.timeoutMillis).isEqualTo(500);
    assertThat(defaults.maxItemSize).isEqualTo(1 << 20);
    assertThat(defaults.authenticates()).isFalse();
    MemcachedNodeOptions given = options("memcached://u:p@h:9?timeout=2s&maxItemSize=512k");
    assertThat(given.port).isEqualTo(9);
    assertThat(given.timeoutMillis).isEqualTo(2000);
    assertThat(given.maxItemSize).isEqualTo(512 * 1024);
    assertThat(given.authenticates()).isTrue();
  }

  @Test
  void maxItemSize_acceptsBytesKilobytesAndMegabytes() {
    assertThat(options("memcached://h?maxItemSize=1m").maxItemSize).isEqualTo(1_048_576);
    assertThat(options("memcached://h?maxItemSize=2M").maxItemSize).isEqualTo(2_097_152);
    assertThat(options("memcached://h?maxItemSize=64k").maxItemSize).isEqualTo(65_536);
    assertThat(options("memcached://h?maxItemSize=1048576").maxItemSize).isEqualTo(1_048_576);
    assertThat(options("memcached://h?maxItemSize=1024m").maxItemSize).isEqualTo(1 << 30);
  }

  @Test
  void maxItemSize_thatIsNoSize_failsNamingTheSettingAndTheUriWithoutItsPassword() {
    for (String junk : List.of("junk", "1.5m", "0", "1023", "2g", "1025m", "-1", "1mb",
        "99999999999")) {
      assertThatThrownBy(() -> open("memcached://u:s3cret@h?maxItemSize=" + junk))
          .as(junk).isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("maxItemSize='" + junk + "'")
          .hasMessageContaining("memcached://***@h")
          .hasMessageContaining("512k, 1m, 2m")
          .hasMessageNotContaining("s3cret");
    }
  }

  @Test
  void badOptions_failWithAMessageThatNamesThem() {
    assertThatThrownBy(() -> open("memcached://u:s3cret@h?connectTimeout=1s"))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("connectTimeout")
        .hasMessageContaining("[maxItemSize, timeout, weight]").hasMessageNotContaining("s3cret");
    assertThatThrownBy(() -> open("memcached://h?timeout=soon"))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("timeout");
    assertThatThrownBy(() -> open("memcached://h?timeout=2h"))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("at most 1h");
    assertThatThrownBy(() -> open("memcached://h/3"))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("no path");
    assertThatThrownBy(() -> open("memcached://:s3cret@h"))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("both a user and a "
            + "password").hasMessageNotContaining("s3cret");
    assertThatThrownBy(() -> open("memcached://alice@h"))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("both a user");
  }

  @Test
  void opening_neitherConnectsNorResolves_andCloseIsIdempotent() {
    Set<Thread> ioThreads = ioThreads();
    CacheNode node = open("memcached://no-such-host.invalid:11311");
    assertThat(node.id()).isEqualTo("no-such-host.invalid:11311");
    assertThat(ioThreads()).as("no client yet").isEqualTo(ioThreads);
    node.close();
    node.close();
  }

  /** spymemcached's IO threads alive now. */
  static Set<Thread> ioThreads() {
    Set<Thread> threads = new HashSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("Memcached IO over") && t.isAlive()) {
        threads.add(t);
      }
    }
    return threads;
  }
}
