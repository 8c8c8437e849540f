package dev.ringcache.bench.shop;

import java.util.List;
import java.util.Objects;

/**
 * One table of the report, as text cells: the text summary and the HTML report both render it, so
 * that they show the same numbers, formatted the same. Cells hold no line breaks and never two
 * spaces in a row (the text summary separates columns by two or more).
 *
 * @param id the HTML id
 * @param title the title line (text) or caption (HTML)
 * @param header the column names
 * @param rows the rows, each as long as the header
 *
 * <p>Immutable and thread-safe.
 */
record Table(String id, String title, List<String> header, List<List<String>> rows) {
  Table {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(title, "title");
    header = List.copyOf(header);
    rows = rows.stream().map(List::copyOf).toList();
    for (List<String> row : rows) {
      if (row.size() != header.size()) {
        throw new IllegalArgumentException(id + ": a row of " + row.size() + " cells under "
            + header.size() + " columns: " + row);
      }
    }
    for (String cell : cells(header, rows)) {
      if (cell.contains("  ") || cell.contains("\n") || cell.isBlank()) {
        throw new IllegalArgumentException(id + ": cell '" + cell + "' is blank, or has a line "
            + "break or two spaces in a row");
      }
    }
  }

  private static List<String> cells(List<String> header, List<List<String>> rows) {
    return java.util.stream.Stream.concat(header.stream().filter(h -> !h.isEmpty()),
        rows.stream().flatMap(List::stream)).toList();
  }
}
