package dev.ringcache.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ringcache.api.DurationFormat;
import dev.ringcache.ring.Placement;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The javadoc of every setting documents its default, and the documented default is the real one. */
class RingCacheSettingsTest {
  private static final Path SOURCE =
      Path.of("src/main/java/dev/ringcache/hibernate/RingCacheSettings.java");
  private static final Pattern CONSTANT = Pattern.compile(
      "/\\*\\*((?:(?!\\*/).)*)\\*/\\s*public static final [\\w.<>]+ (\\w+) =", Pattern.DOTALL);

  private static Map<String, String> javadocs() throws IOException {
    String source = Files.readString(SOURCE, StandardCharsets.UTF_8);
    Map<String, String> docs = new HashMap<>();
    Matcher m = CONSTANT.matcher(source);
    while (m.find()) {
      docs.put(m.group(2), m.group(1).replaceAll("\\s*\\n\\s*\\*?\\s*", " ").trim());
    }
    return docs;
  }

  private static final Pattern DOCUMENTED_DEFAULT = Pattern.compile("Default: \\{@code ([^}]*)\\}");

  /** The documented text read as the type of the real default. */
  private static Object read(String text, Object like) {
    if (like instanceof Duration) {
      return DurationFormat.parse("documented default", text);
    }
    if (like instanceof Placement) {
      return Placement.valueOf(text);
    }
    if (like instanceof Integer) {
      return Integer.valueOf(text);
    }
    return text;
  }

  @Test
  void everySetting_documentsItsDefault_andADefaultConstantMatchesIt() throws Exception {
    Map<String, String> docs = javadocs();
    Map<String, Object> defaults = new HashMap<>();
    for (Field field : RingCacheOptionsTest.constants()) {
      assertThat(docs).as("javadoc of " + field.getName()).containsKey(field.getName());
      if (field.getName().startsWith("DEFAULT_")) {
        defaults.put(field.getName().substring(8), field.get(null));
      }
    }
    int checked = 0;
    for (Field field : RingCacheOptionsTest.constants()) {
      String name = field.getName();
      boolean setting = field.getType() == String.class && !name.startsWith("DEFAULT_")
          && !name.endsWith("PREFIX");
      if (!setting) {
        continue;
      }
      String doc = docs.get(name);
      assertThat(doc).as(name + " says its default").contains("Default: ");
      if (defaults.containsKey(name)) {
        Object real = defaults.get(name);
        Matcher documented = DOCUMENTED_DEFAULT.matcher(doc);
        if (documented.find()) {
          assertThat(read(documented.group(1), real)).as(name + ": documented default vs DEFAULT_"
              + name).isEqualTo(real);
        } else {
          assertThat(doc).as(name + " documents its default as {@code …} or by its constant")
              .contains("{@value #DEFAULT_" + name + "}");
        }
        checked++;
      } else {
        assertThat(doc).as(name + " has no DEFAULT_ constant, so its default is derived, or none")
            .containsAnyOf("Default: derived", "Default: none");
      }
    }
    assertThat(checked).isEqualTo(defaults.size());
  }

  @Test
  void derivedDefaults_documentedWithNumbers_matchTheRealOnes() throws Exception {
    Map<String, String> docs = javadocs();
    RingCacheOptions options = RingCacheOptions.parse(Map.of());
    assertThat(docs.get("QUARANTINE"))
        .contains("{@code " + DurationFormat.format(options.quarantine()) + "} for the default Θ");
    assertThat(docs.get("REPLICAS"))
        .contains(options.replicas() + " for {@code DEFAULT}");
    assertThat(docs.get("NODES")).contains("{@code local://<namespace>}");
    assertThat(options.nodes().get(0).toString()).isEqualTo("local://" + options.namespace());
  }
}
