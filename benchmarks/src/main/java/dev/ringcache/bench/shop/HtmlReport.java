package dev.ringcache.bench.shop;

import static dev.ringcache.bench.shop.Xml.escape;

import dev.ringcache.bench.shop.Charts.Bar;
import dev.ringcache.bench.shop.PhaseResult.NodeResult;
import dev.ringcache.bench.shop.PhaseResult.RegionResult;
import java.util.ArrayList;
import java.util.List;

/**
 * The HTML report of a run: one self-contained page (inline CSS and SVG charts; no script, no
 * font, nothing fetched), written as well-formed XHTML so that any XML parser reads it. Its tables
 * are the {@link ReportTables} of the text summary; its charts show the same numbers.
 *
 * <p>Immutable and thread-safe (static functions).
 */
final class HtmlReport {
  private static final String STYLE = String.join("\n",
      "body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; "
          + "margin: 2em auto; max-width: 980px; color: #1d2733; padding: 0 1em; }",
      "h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; }",
      "table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }",
      "caption { text-align: left; font-weight: 600; padding-bottom: 0.4em; }",
      "th, td { border-bottom: 1px solid #dde3ea; padding: 0.3em 0.7em; vertical-align: top; }",
      "td.n { text-align: right; font-variant-numeric: tabular-nums; }",
      "th { background: #f3f6f9; text-align: left; }",
      ".verdict { font-size: 1.1em; font-weight: 600; padding: 0.6em 1em; border-radius: 4px; }",
      ".pass { background: #e3f6e8; color: #125a26; } .fail { background: #fde5e5; "
          + "color: #8a1010; }",
      "svg { display: block; margin: 1em 0; max-width: 100%; height: auto; }",
      "svg text { font-size: 12px; fill: #1d2733; } svg text.heading { font-size: 14px; "
          + "font-weight: 600; }",
      "svg text.axis { fill: #5b6773; font-size: 11px; } svg .grid { stroke: #e4e8ed; }",
      "svg .warmup { fill: #f4f1e6; }",
      "code { background: #f3f6f9; padding: 0.1em 0.3em; }");

  private HtmlReport() {}

  static String render(ShopResult r) {
    List<Table> tables = ReportTables.of(r);
    StringBuilder html = new StringBuilder();
    html.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n")
        .append("<head>\n<meta charset=\"utf-8\"/>\n<title>").append(escape(ReportTables
            .title(r))).append("</title>\n<style>\n").append(STYLE).append("\n</style>\n")
        .append("</head>\n<body>\n");
    html.append("<h1>").append(escape(ReportTables.title(r))).append("</h1>\n");
    html.append("<p id=\"verdict\" class=\"verdict ").append(r.violations() == 0 ? "pass" : "fail")
        .append("\">").append(escape(ReportTables.verdict(r))).append("</p>\n");
    html.append("<p>An online shop on Hibernate ORM 7, run twice with the same seed on freshly "
        + "created data: without a second-level cache, then with ringcache. Two SessionFactories "
        + "stand for two application servers sharing the database and the cache.</p>\n");
    table(html, find(tables, "setup"));

    html.append("<h2>Throughput</h2>\n");
    html.append(Charts.timeline("Operations per second over the run (warm-ups shaded)",
        r.without().timeline(), r.with().timeline(), r.without().warmUp().toNanos() / 1e9,
        r.with().warmUp().toNanos() / 1e9)).append('\n');
    html.append(Charts.bars("Throughput (measured window)", List.of(
        new Bar("without cache", r.without().throughput(), Format.rate(r.without()
            .throughput()), Charts.WITHOUT_COLOR),
        new Bar("with cache", r.with().throughput(), Format.rate(r.with().throughput()),
            Charts.WITH_COLOR)), "ops/s", 0)).append('\n');
    html.append(Charts.bars("SQL statements per operation", List.of(
        new Bar("without cache", r.without().sqlPerOperation(), Format.decimal(r.without()
            .sqlPerOperation()), Charts.WITHOUT_COLOR),
        new Bar("with cache", r.with().sqlPerOperation(), Format.decimal(r.with()
            .sqlPerOperation()), Charts.WITH_COLOR)), "", 0)).append('\n');
    table(html, find(tables, "overview"));

    html.append("<h2>Latency</h2>\n");
    Latency a = r.without().latency();
    Latency b = r.with().latency();
    html.append(Charts.latency("Latency percentiles of all operations (ms, log scale)",
        List.of("p50", "p90", "p99", "p99.9", "max"),
        new long[] {a.p50(), a.p90(), a.p99(), a.p999(), a.max()},
        new long[] {b.p50(), b.p90(), b.p99(), b.p999(), b.max()})).append('\n');
    table(html, find(tables, "operations"));

    html.append("<h2>Cache regions</h2>\n");
    List<Bar> ratios = new ArrayList<>();
    for (RegionResult region : r.with().regions()) {
      if (region.hibernates()) {
        ratios.add(new Bar(region.name(), region.hitRatio(), Format.percent(region.hitRatio()),
            Charts.WITH_COLOR));
      }
    }
    html.append(Charts.bars("Hit ratio per region", ratios, "", 1)).append('\n');
    table(html, find(tables, "regions"));

    html.append("<h2>Cache nodes</h2>\n");
    List<Bar> requests = new ArrayList<>();
    List<Bar> keys = new ArrayList<>();
    for (NodeResult node : r.with().nodes()) {
      requests.add(new Bar(node.id(), node.requests(), Format.count(node.requests()),
          Charts.WITH_COLOR));
      keys.add(new Bar(node.id(), Math.max(0, node.keys()), Format.count(node.keys()),
          Charts.WITH_COLOR));
    }
    html.append(Charts.bars("Requests per node (measured window)", requests, "", 0))
        .append('\n');
    html.append(Charts.bars("Keys per node (at the end)", keys, "", 0)).append('\n');
    html.append("<p>Cache requests per operation: ").append(escape(Format.decimal(r.with()
        .cacheRequestsPerOperation()))).append(" (each request is one round trip to a node, "
        + "except that a pipelined batch to one node counts once).</p>\n");
    table(html, find(tables, "nodes"));
    table(html, find(tables, "requests"));

    html.append("<h2>Consistency</h2>\n");
    html.append("<p>Every write gives the value it writes a label unique in the run; every read "
        + "is checked against the writes. A read is <em>stale</em> if a newer value had been "
        + "committed (its <code>commit()</code> returned) before the read began, <em>dirty</em> "
        + "if its value comes from a transaction that rolled back, <em>impossible</em> if no "
        + "write ever produced it.</p>\n");
    table(html, find(tables, "consistency"));
    List<String> examples = new ArrayList<>();
    r.without().consistency().examples().forEach(e -> examples.add("without cache: " + e));
    r.with().consistency().examples().forEach(e -> examples.add("with cache: " + e));
    r.without().errors().forEach(e -> examples.add("error without cache: " + e));
    r.with().errors().forEach(e -> examples.add("error with cache: " + e));
    if (!examples.isEmpty()) {
      html.append("<ul id=\"problems\">\n");
      examples.forEach(e -> html.append("<li>").append(escape(e)).append("</li>\n"));
      html.append("</ul>\n");
    }
    html.append("<p>Run it again: <code>./run-demo --seed ").append(r.options().seed())
        .append(" --threads ").append(r.options().threads()).append(" --duration ")
        .append(r.options().duration().toSeconds()).append("s</code> (and the same "
            + "<code>--nodes</code>, <code>--jdbc-url</code>, <code>--placement</code>).</p>\n");
    html.append("</body>\n</html>\n");
    return html.toString();
  }

  private static Table find(List<Table> tables, String id) {
    return tables.stream().filter(t -> t.id().equals(id)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no table " + id));
  }

  private static void table(StringBuilder html, Table table) {
    html.append("<table id=\"").append(escape(table.id())).append("\">\n<caption>")
        .append(escape(table.title())).append("</caption>\n");
    if (table.header().stream().anyMatch(h -> !h.isEmpty())) {
      html.append("<thead><tr>");
      table.header().forEach(h -> html.append("<th>").append(escape(h)).append("</th>"));
      html.append("</tr></thead>\n");
    }
    html.append("<tbody>\n");
    for (List<String> row : table.rows()) {
      html.append("<tr>");
      for (int c = 0; c < row.size(); c++) {
        String cell = row.get(c);
        html.append(c == 0 ? "<th scope=\"row\">" : Format.isNumeric(cell) ? "<td class=\"n\">"
            : "<td>").append(escape(cell)).append(c == 0 ? "</th>" : "</td>");
      }
      html.append("</tr>\n");
    }
    html.append("</tbody>\n</table>\n");
  }
}
