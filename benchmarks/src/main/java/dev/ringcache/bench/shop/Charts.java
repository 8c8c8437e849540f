package dev.ringcache.bench.shop;

import static dev.ringcache.bench.shop.Xml.escape;

import java.util.List;
import java.util.Locale;

/**
 * The report's charts, as inline SVG: no script, no font, no stylesheet from elsewhere. Every bar
 * has a {@code <title>} (a tooltip) of the form {@code "label: value unit"}, whose value is
 * written exactly as in the report's tables; a chart marked {@code data-summary="true"} shows only
 * such values, so a test can find each of them in the text summary.
 *
 * <p>Immutable and thread-safe (static functions).
 */
final class Charts {
  static final String WITHOUT_COLOR = "#9aa5b1";
  static final String WITH_COLOR = "#1f77b4";
  private static final int WIDTH = 720;

  private Charts() {}

  /** One bar: {@code value} sets its length, {@code text} is what is written beside it. */
  record Bar(String label, double value, String text, String color) {}

  /**
   * Horizontal bars, one a row, lengths proportional to their values up to {@code max} (the
   * greatest value when {@code max} is 0).
   */
  static String bars(String title, List<Bar> bars, String unit, double max) {
    int labelWidth = 230;
    int row = 26;
    int height = 34 + row * bars.size() + 8;
    double top = max > 0 ? max : bars.stream().mapToDouble(Bar::value).max().orElse(0);
    if (!(top > 0)) {
      top = 1;
    }
    int span = WIDTH - labelWidth - 130;
    StringBuilder svg = open(title, height, true);
    heading(svg, title);
    for (int i = 0; i < bars.size(); i++) {
      Bar bar = bars.get(i);
      int y = 34 + i * row;
      double length = Math.max(0, bar.value()) / top * span;
      svg.append("<g><title>").append(escape(bar.label() + ": " + bar.text()
          + (unit.isEmpty() ? "" : " " + unit))).append("</title>");
      text(svg, labelWidth - 8, y + 16, "end", "label", bar.label());
      svg.append(String.format(Locale.ROOT,
          "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>", labelWidth, y + 3,
          length, row - 8, bar.color()));
      text(svg, (int) (labelWidth + length + 6), y + 16, "start", "value",
          bar.text() + (unit.isEmpty() ? "" : " " + unit));
      svg.append("</g>");
    }
    return svg.append("</svg>").toString();
  }

  /**
   * Latency percentiles side by side, without and with the cache, on a logarithmic scale (the
   * tail is orders of magnitude above the median).
   */
  static String latency(String title, List<String> names, long[] without, long[] with) {
    int height = 290;
    int left = 60;
    int bottom = height - 48;
    int plotTop = 40;
    double low = Math.log10(0.01);
    long greatest = 1;
    for (int i = 0; i < names.size(); i++) {
      greatest = Math.max(greatest, Math.max(without[i], with[i]));
    }
    double high = Math.ceil(Math.log10(Math.max(greatest / 1e6, 0.1)) + 1e-9);
    StringBuilder svg = open(title, height, true);
    heading(svg, title);
    for (int decade = (int) low; decade <= high; decade++) {
      double y = bottom - (decade - low) / (high - low) * (bottom - plotTop);
      svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
          + "class=\"grid\"/>", left, y, WIDTH - 10, y));
      text(svg, left - 6, (int) y + 4, "end", "axis", decadeLabel(decade));
    }
    int group = (WIDTH - left - 20) / names.size();
    int barWidth = Math.min(40, group / 3);
    for (int i = 0; i < names.size(); i++) {
      int x = left + i * group + group / 2 - barWidth;
      latencyBar(svg, names.get(i) + " without cache", without[i], x, barWidth, bottom, plotTop,
          low, high, WITHOUT_COLOR);
      latencyBar(svg, names.get(i) + " with cache", with[i], x + barWidth, barWidth, bottom,
          plotTop, low, high, WITH_COLOR);
      text(svg, x + barWidth, bottom + 18, "middle", "label", names.get(i));
    }
    text(svg, left - 6, plotTop - 10, "end", "axis", "ms");
    legend(svg, left, height - 12);
    return svg.append("</svg>").toString();
  }

  private static void latencyBar(StringBuilder svg, String label, long nanos, int x, int width,
      int bottom, int top, double low, double high, String color) {
    double ms = Math.max(nanos / 1e6, Math.pow(10, low));
    double y = bottom - (Math.log10(ms) - low) / (high - low) * (bottom - top);
    svg.append("<g><title>").append(escape(label + ": " + Format.millis(nanos) + " ms"))
        .append("</title>");
    svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" "
        + "height=\"%.1f\" fill=\"%s\"/>", x, y, width - 2, bottom - y, color));
    svg.append("</g>");
  }

  private static String decadeLabel(int decade) {
    return decade >= 0 ? String.format(Locale.ROOT, "%,d", (long) Math.pow(10, decade))
        : String.format(Locale.ROOT, "%." + -decade + "f", Math.pow(10, decade));
  }

  /**
   * Operations completed per second over the run: the phase without the cache, then the one with
   * it, on one time axis; each phase's warm-up is shaded.
   */
  static String timeline(String title, long[] without, long[] with, double warmUpWithout,
      double warmUpWith) {
    int height = 260;
    int left = 70;
    int bottom = height - 50;
    int top = 40;
    int seconds = Math.max(1, without.length + with.length);
    long greatest = 1;
    for (long n : without) {
      greatest = Math.max(greatest, n);
    }
    for (long n : with) {
      greatest = Math.max(greatest, n);
    }
    double ceiling = niceCeiling(greatest);
    double xScale = (WIDTH - left - 20) / (double) seconds;
    StringBuilder svg = open(title, height, false);
    heading(svg, title);
    warmUp(svg, left, top, bottom, Math.min(warmUpWithout, without.length) * xScale);
    warmUp(svg, left + without.length * xScale, top, bottom,
        Math.min(warmUpWith, with.length) * xScale);
    for (int i = 0; i <= 4; i++) {
      double value = ceiling * i / 4;
      double y = bottom - (bottom - top) * i / 4.0;
      svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
          + "class=\"grid\"/>", left, y, WIDTH - 20, y));
      text(svg, left - 6, (int) y + 4, "end", "axis", Format.rate(value));
    }
    int step = Math.max(1, (int) Math.ceil(seconds / 10.0 / 5) * 5);
    for (int s = 0; s <= seconds; s += step) {
      text(svg, (int) (left + s * xScale), bottom + 16, "middle", "axis", s + " s");
    }
    line(svg, without, 0, left, bottom, top, xScale, ceiling, WITHOUT_COLOR, "without cache");
    line(svg, with, without.length, left, bottom, top, xScale, ceiling, WITH_COLOR,
        "with cache");
    text(svg, left - 6, top - 10, "end", "axis", "ops/s");
    legend(svg, left, height - 12);
    return svg.append("</svg>").toString();
  }

  private static void warmUp(StringBuilder svg, double x, int top, int bottom, double width) {
    svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" "
        + "height=\"%d\" class=\"warmup\"><title>warm-up: not measured</title></rect>", x, top,
        width, bottom - top));
  }

  private static void line(StringBuilder svg, long[] perSecond, int from, int left, int bottom,
      int top, double xScale, double ceiling, String color, String name) {
    StringBuilder points = new StringBuilder();
    for (int s = 0; s < perSecond.length; s++) {
      double x = left + (from + s + 0.5) * xScale;
      double y = bottom - perSecond[s] / ceiling * (bottom - top);
      points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
    }
    svg.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(color)
        .append("\" points=\"").append(points.toString().trim()).append("\"><title>")
        .append(escape(name)).append("</title></polyline>");
  }

  private static double niceCeiling(double value) {
    double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
    for (double step : new double[] {1, 2, 2.5, 5, 10}) {
      if (step * magnitude >= value) {
        return step * magnitude;
      }
    }
    return 10 * magnitude;
  }

  private static StringBuilder open(String title, int height, boolean summary) {
    return new StringBuilder().append(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" "
            + "height=\"%d\" role=\"img\" aria-label=\"%s\" data-summary=\"%s\">", WIDTH, height,
        WIDTH, height, escape(title), summary));
  }

  private static void heading(StringBuilder svg, String title) {
    text(svg, 10, 22, "start", "heading", title);
  }

  private static void legend(StringBuilder svg, int x, int y) {
    svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" "
        + "fill=\"%s\"/>", x, y - 10, WITHOUT_COLOR));
    text(svg, x + 18, y, "start", "label", "without cache");
    svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" "
        + "fill=\"%s\"/>", x + 140, y - 10, WITH_COLOR));
    text(svg, x + 158, y, "start", "label", "with cache");
  }

  private static void text(StringBuilder svg, int x, int y, String anchor, String cssClass,
      String text) {
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\" "
        + "class=\"%s\">", x, y, anchor, cssClass)).append(escape(text)).append("</text>");
  }
}
