package dev.ringcache.bench.shop;

import java.util.ArrayList;
import java.util.List;

/**
 * The plain-text summary printed at the end of a run: a title, the {@link ReportTables} as
 * aligned columns (two spaces or more between them), the verdict of the consistency check, and
 * the violations or errors found, if any.
 *
 * <p>Immutable and thread-safe (static functions).
 */
final class TextSummary {
  private TextSummary() {}

  static String render(ShopResult result) {
    StringBuilder out = new StringBuilder();
    out.append(ReportTables.title(result)).append("\n");
    for (Table table : ReportTables.of(result)) {
      out.append("\n");
      render(table, out);
    }
    out.append("\n").append(ReportTables.verdict(result)).append("\n");
    for (PhaseResult phase : List.of(result.without(), result.with())) {
      String name = phase.cached() ? "with cache" : "without cache";
      for (String example : phase.consistency().examples()) {
        out.append("  ").append(name).append(": ").append(example).append("\n");
      }
      if (!phase.errors().isEmpty()) {
        out.append("Errors ").append(name).append(" (the first few):\n");
        phase.errors().forEach(e -> out.append("  ").append(e).append("\n"));
      }
    }
    return out.toString();
  }

  static void render(Table table, StringBuilder out) {
    out.append(table.title()).append("\n");
    List<List<String>> lines = new ArrayList<>();
    boolean header = table.header().stream().anyMatch(h -> !h.isEmpty());
    if (header) {
      lines.add(table.header());
    }
    lines.addAll(table.rows());
    int columns = table.header().size();
    int[] width = new int[columns];
    boolean[] right = new boolean[columns];
    for (int c = 0; c < columns; c++) {
      right[c] = c > 0;
      for (List<String> row : lines) {
        width[c] = Math.max(width[c], row.get(c).length());
      }
      for (List<String> row : table.rows()) {
        right[c] &= Format.isNumeric(row.get(c));
      }
    }
    for (List<String> row : lines) {
      StringBuilder line = new StringBuilder("  ");
      for (int c = 0; c < columns; c++) {
        String cell = row.get(c);
        String pad = " ".repeat(width[c] - cell.length());
        if (c > 0) {
          line.append("  ");
        }
        line.append(right[c] ? pad + cell : cell + pad);
      }
      out.append(line.toString().stripTrailing()).append("\n");
    }
  }
}
