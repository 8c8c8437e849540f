package dev.ringcache.bench.shop;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How the report writes numbers, in the text summary and in the HTML report alike: ASCII only,
 * commas between thousands.
 *
 * <p>Immutable and thread-safe (static functions).
 */
final class Format {
  /** What a cell shows where there is no number: not measured, or not known. */
  static final String NONE = "-";

  /** A number, a ratio, a percentage, or {@link #NONE}: right-aligned in a column. */
  private static final Pattern NUMERIC = Pattern.compile("-|[-+]?[0-9.,]*[0-9][0-9.,]*[%x]?");

  private Format() {}

  static boolean isNumeric(String cell) {
    return NUMERIC.matcher(cell).matches();
  }

  static String count(long n) {
    return n < 0 ? NONE : String.format(Locale.ROOT, "%,d", n);
  }

  static String rate(double perSecond) {
    return String.format(Locale.ROOT, "%,.0f", perSecond);
  }

  static String millis(long nanos) {
    return String.format(Locale.ROOT, "%,.2f", nanos / 1e6);
  }

  static String micros(long nanos) {
    return String.format(Locale.ROOT, "%,.1f", nanos / 1e3);
  }

  static String decimal(double value) {
    return String.format(Locale.ROOT, "%,.2f", value);
  }

  static String percent(double ratio) {
    return String.format(Locale.ROOT, "%.1f%%", 100 * ratio);
  }

  static String times(double ratio) {
    return Double.isFinite(ratio) ? String.format(Locale.ROOT, "%.2fx", ratio) : NONE;
  }

  static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
  }
}
