package dev.ringcache.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ringcache.api.DurationFormat;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The README's configuration reference says what {@link RingCacheSettings} says. */
class ReadmeSettingsTest {
  private static final String REGION_ROW = RingCacheSettings.REGION_PREFIX + "<region>.";

  /** Setting name to its default cell, from the rows of the README's table. */
  private static Map<String, String> readmeRows() throws IOException {
    Map<String, String> rows = new LinkedHashMap<>();
    for (String line : Files.readAllLines(Path.of("..", "README.md"))) {
      if (line.startsWith("| `" + RingCacheSettings.PREFIX)) {
        String[] cells = line.split("\\|");
        String name = cells[1].trim();
        rows.put(name.substring(1, name.length() - 1), cells[2].trim());
      }
    }
    return rows;
  }

  @Test
  void readme_listsEverySetting_andNoOther() throws IOException {
    Set<String> expected = new HashSet<>(RingCacheOptions.SETTINGS);
    RingCacheOptions.REGION_SETTINGS.forEach(s -> expected.add(REGION_ROW + s));
    assertThat(readmeRows().keySet()).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void readme_givesEveryDefaultAsTheSettingsClassHasIt()
      throws IOException, ReflectiveOperationException {
    Map<String, String> rows = readmeRows();
    int checked = 0;
    for (Field field : RingCacheOptionsTest.constants()) {
      if (!field.getName().startsWith("DEFAULT_")) {
        continue;
      }
      String setting = (String) RingCacheSettings.class
          .getField(field.getName().substring("DEFAULT_".length())).get(null);
      Object value = field.get(null);
      String cell = rows.get(setting);
      assertThat(cell).as("the README's default of %s", setting).isNotNull();
      String quoted = cell.substring(cell.indexOf('`') + 1, cell.indexOf('`', cell.indexOf('`') + 1));
      Object documented = value instanceof Duration ? DurationFormat.parse(setting, quoted) : quoted;
      assertThat(documented).as("the README's default of %s", setting)
          .isEqualTo(value instanceof Duration ? value : value.toString());
      checked++;
    }
    assertThat(checked).isEqualTo(7);
    assertThat(rows.get(RingCacheSettings.QUARANTINE)).contains(
        "`" + DurationFormat.format(RingCacheSettings.DEFAULT_MAX_TRANSACTION.multipliedBy(2))
            + "`");
    assertThat(rows.get(REGION_ROW + RingCacheSettings.REGION_TTL)).contains("`ttl`");
  }
}
