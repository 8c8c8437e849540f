package dev.ringcache.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NodeUriTest {

  @Test
  void parse_readsEveryPart() {
    NodeUri uri = NodeUri.parse("redis://app:s3cr%40t@10.0.1.1:6380/2?weight=3&timeout=50ms");
    assertThat(uri.scheme()).isEqualTo("redis");
    assertThat(uri.host()).isEqualTo("10.0.1.1");
    assertThat(uri.port(6379)).isEqualTo(6380);
    assertThat(uri.user()).isEqualTo("app");
    assertThat(uri.password()).isEqualTo("s3cr@t");
    assertThat(uri.path()).isEqualTo("/2");
    assertThat(uri.weight()).isEqualTo(3);
    assertThat(uri.durationOption("timeout", Duration.ofSeconds(1))).isEqualTo(Duration.ofMillis(50));
    assertThat(uri.id(6379)).isEqualTo("10.0.1.1:6380");
  }

  @Test
  void defaults_applyWhenPartsAreMissing() {
    NodeUri uri = NodeUri.parse("memcached://cache-1");
    assertThat(uri.port(11211)).isEqualTo(11211);
    assertThat(uri.user()).isNull();
    assertThat(uri.password()).isNull();
    assertThat(uri.weight()).isEqualTo(1);
    assertThat(uri.id(11211)).isEqualTo("cache-1:11211");
    assertThat(NodeUri.parse("memcached://Cache-1:11211").id(11211))
        .as("the same node, named alike in every JVM").isEqualTo("cache-1:11211");
    assertThat(NodeUri.parse("local://my_cache").host()).isEqualTo("my_cache");
  }

  @Test
  void password_neverShows_inTextIdOrErrors() {
    String secret = "hunter2";
    NodeUri uri = NodeUri.parse("rediss://admin:" + secret + "@cache:6379?weight=2");
    assertThat(uri.toString()).isEqualTo("rediss://***@cache:6379?weight=2").doesNotContain(secret);
    assertThat(uri.id(6379)).doesNotContain(secret);
    for (String tricky : new String[] {"pa/ss", "pa?ss", "pa#ss", "p@ss", "pa ss"}) {
      assertThatThrownBy(() -> NodeUri.parse("redis://u:" + tricky + "@host:port"))
          .isInstanceOf(ConfigurationException.class).hasMessageNotContaining(tricky)
          .hasMessageNotContaining("ss@");
    }
    NodeUri withUnknown = NodeUri.parse("redis://admin:" + secret + "@cache:6379?color=red");
    assertThatThrownBy(() -> withUnknown.requireKnownOptions(Set.of("timeout")))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("color")
        .hasMessageNotContaining(secret);
    assertThatThrownBy(() -> NodeUri.parse("redis://admin:" + secret + "@cache:6379?weight=0"))
        .isInstanceOf(ConfigurationException.class).hasMessageNotContaining(secret)
        .hasMessageContaining("weight='0'");
    assertThatThrownBy(() -> NodeUri.parse("redis://admin:" + secret + "@cache:port"))
        .isInstanceOf(ConfigurationException.class).hasMessageNotContaining(secret);
    assertThatThrownBy(() -> NodeUri.parse("redis://admin:hun ter2@cache:6379"))
        .isInstanceOf(ConfigurationException.class).hasMessageNotContaining("hun ter2")
        .hasMessageContaining("percent-encode");
  }

  @Test
  void badUris_failWithMessagesThatSayWhy() {
    assertThatThrownBy(() -> NodeUri.parse("10.0.1.1:6379"))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("has no scheme://")
        .hasMessageNotContaining("password");
    assertThatThrownBy(() -> NodeUri.parse("cache-1:6379"))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("has no scheme://");
    assertThatThrownBy(() -> NodeUri.parse("redis://"))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("'redis://'");
    assertThatThrownBy(() -> NodeUri.parse("redis:///0"))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("no host");
    assertThatThrownBy(() -> NodeUri.parse("redis://host:99999"))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("host:99999");
    assertThatThrownBy(() -> NodeUri.parse("redis://host:6379?weight"))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("name=value");
    assertThatThrownBy(() -> NodeUri.parse("redis://host:6379?weight=1&weight=2"))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("twice");
    assertThatThrownBy(() -> NodeUri.parse("redis://host:6379?weight=x"))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("whole number");
    NodeUri uri = NodeUri.parse("redis://host:6379?timeout=soon&color=red");
    assertThatThrownBy(() -> uri.durationOption("timeout", Duration.ZERO))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("'soon'")
        .hasMessageContaining("50ms");
    assertThatThrownBy(() -> uri.requireKnownOptions(Set.of("timeout")))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("unknown option 'color'")
        .hasMessageContaining("[timeout, weight]");
    assertThatThrownBy(() -> NodeUri.parse("redis://my_cache:6379"))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("no '_'");
    assertThatThrownBy(() -> NodeUri.parse("redis://host:6379?timeout=999999999999d")
            .durationOption("timeout", Duration.ofSeconds(1)))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("longer than");
    assertThatThrownBy(() -> NodeUri.parse("redis://host").requirePort())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("needs a port");
  }

  @Test
  void durations_acceptTheDocumentedUnits() {
    assertThat(DurationFormat.parse("x", "50ms")).isEqualTo(Duration.ofMillis(50));
    assertThat(DurationFormat.parse("x", "2s")).isEqualTo(Duration.ofSeconds(2));
    assertThat(DurationFormat.parse("x", "10m")).isEqualTo(Duration.ofMinutes(10));
    assertThat(DurationFormat.parse("x", "1h")).isEqualTo(Duration.ofHours(1));
    assertThat(DurationFormat.parse("x", " 3 d ")).isEqualTo(Duration.ofDays(3));
    assertThat(DurationFormat.format(Duration.ofSeconds(60))).isEqualTo("1m");
    assertThat(DurationFormat.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThatThrownBy(() -> DurationFormat.parse("setting a.b", "5"))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("setting a.b")
        .hasMessageContaining("'5'");
  }
}
