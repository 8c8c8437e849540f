package dev.ringcache.api;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The duration syntax of every ringcache setting and node option: a whole number and a unit,
 * {@code ms}, {@code s}, {@code m}, {@code h} or {@code d} — {@code 50ms}, {@code 2s},
 * {@code 10m}.
 *
 * <p>Immutable and thread-safe (stateless).
 */
public final class DurationFormat {
  private static final Pattern SYNTAX = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h|d)");

  /** The longest duration accepted: ten years. */
  static final Duration MAX = Duration.ofDays(3650);

  private DurationFormat() {}

  /**
   * Parses {@code text}; {@code what} names the setting or option in the error, which also says
   * what would be accepted.
   */
  public static Duration parse(String what, String text) {
    Objects.requireNonNull(what, "what");
    Objects.requireNonNull(text, "text");
    Matcher m = SYNTAX.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new ConfigurationException(what + ": '" + text + "' is not a duration; use a whole "
          + "number and a unit (ms, s, m, h, d), e.g. 50ms, 2s, 10m");
    }
    long amount = Long.parseLong(m.group(1));
    Duration duration;
    switch (m.group(2)) {
      case "ms":
        duration = Duration.ofMillis(amount);
        break;
      case "s":
        duration = Duration.ofSeconds(amount);
        break;
      case "m":
        duration = Duration.ofMinutes(amount);
        break;
      case "h":
        duration = Duration.ofHours(amount);
        break;
      default:
        duration = Duration.ofDays(amount);
        break;
    }
    if (duration.compareTo(MAX) > 0) {
      throw new ConfigurationException(what + ": '" + text + "' is longer than " + MAX.toDays()
          + " days");
    }
    return duration;
  }

  /** The shortest text {@link #parse} reads back as {@code duration} (whole milliseconds). */
  public static String format(Duration duration) {
    long ms = duration.toMillis();
    long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
    String[] units = {"d", "h", "m", "s"};
    for (int i = 0; i < sizes.length; i++) {
      if (ms != 0 && ms % sizes[i] == 0) {
        return ms / sizes[i] + units[i];
      }
    }
    return ms + "ms";
  }
}
