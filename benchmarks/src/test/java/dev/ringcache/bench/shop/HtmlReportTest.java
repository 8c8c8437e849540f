package dev.ringcache.bench.shop;

import static dev.ringcache.bench.shop.ReportDocument.elements;
import static dev.ringcache.bench.shop.ReportDocument.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ringcache.bench.shop.PhaseResult.NodeResult;
import dev.ringcache.bench.shop.PhaseResult.OperationSummary;
import dev.ringcache.bench.shop.PhaseResult.RegionResult;
import dev.ringcache.bench.shop.PhaseResult.RequestKind;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** The report of a fixed result: what it says when the check failed, and how it escapes text. */
class HtmlReportTest {

  static ShopResult result(long stale, List<String> errors) {
    return new ShopResult(ShopOptions.defaults(), "H2 2.5.252 in memory", "ringcache, 2 nodes",
        "Java 17", Instant.parse("2026-01-01T00:00:00Z"), phase(false, 0, errors),
        phase(true, stale, List.of()));
  }

  private static PhaseResult phase(boolean cached, long stale, List<String> errors) {
    Map<Operation, OperationSummary> operations = new EnumMap<>(Operation.class);
    for (Operation op : Operation.values()) {
      long ms = cached ? 1_000_000 : 3_000_000;
      operations.put(op, new OperationSummary(op.percent * 100L,
          new Latency(ms, 2 * ms, 5 * ms, 9 * ms, 20 * ms), op.writes ? 8 : 0,
          op.writes ? 3 : 0, errors.size()));
    }
    List<RegionResult> regions = cached ? List.of(
        new RegionResult("shop.product", 900, 100, 120, 2_000, 1_234),
        new RegionResult("shop.catalog", 25, 75, 75, 180, -1),
        new RegionResult("~clock", -1, -1, -1, 300, 1)) : List.of();
    List<NodeResult> nodes = cached ? List.of(
        new NodeResult("redis://127.0.0.1:7000", 1_500, 0, 0, 150_000_000, 700, 90_000),
        new NodeResult("memcached://127.0.0.1:7001", 980, 2, 5, 30_000_000, -1, -1)) : List.of();
    ConsistencyCheck.Counts counts = new ConsistencyCheck.Counts(50_000, stale, 0, 0, 900, 80,
        30, 0, stale == 0 ? List.of() : List.of("stale: a read of stock:1 <&> returned x"));
    return new PhaseResult(cached, Duration.ofSeconds(3), Duration.ofSeconds(22), operations,
        new Latency(1_000_000, 2_000_000, 5_000_000, 9_000_000, 20_000_000),
        new long[] {100, 200, 300}, cached ? 3_000 : 30_000, regions, nodes,
        cached ? List.of(new RequestKind("get-or-lease", 2_000, 40_000_000),
            new RequestKind("put-from-load", 480, 140_000_000)) : List.of(), counts, errors);
  }

  @Test
  void render_ofARunWithAStaleRead_saysFailed_andShowsTheViolation() throws Exception {
    ShopResult failed = result(1, List.of());
    Document document = ReportDocument.parseHtml(HtmlReport.render(failed));

    Element verdict = elements(document.getDocumentElement(), "p").stream()
        .filter(p -> p.getAttribute("id").equals("verdict")).findFirst().orElseThrow();
    assertThat(verdict.getAttribute("class")).isEqualTo("verdict fail");
    assertThat(text(verdict)).isEqualTo("Consistency check: 100,000 reads checked, 1 stale, 0 "
        + "dirty, 0 impossible: FAILED");
    assertThat(text(elements(document.getDocumentElement(), "ul").get(0)))
        .contains("with cache: stale: a read of stock:1 <&> returned x");
    assertThat(TextSummary.render(failed)).contains(text(verdict))
        .contains("  with cache: stale: a read of stock:1 <&> returned x");
  }

  @Test
  void render_ofAPassingRun_saysPassed() throws Exception {
    Document document = ReportDocument.parseHtml(HtmlReport.render(result(0, List.of())));

    assertThat(elements(document.getDocumentElement(), "p").stream()
        .filter(p -> p.getAttribute("id").equals("verdict")).findFirst().orElseThrow()
        .getAttribute("class")).isEqualTo("verdict pass");
    assertThat(elements(document.getDocumentElement(), "ul")).isEmpty();
  }

  @Test
  void render_showsWhatANodeCouldNotTell_asADash_andEscapesErrors() throws Exception {
    ShopResult r = result(0, List.of("place order: java.lang.IllegalStateException: <x> & 'y'"));
    Document document = ReportDocument.parseHtml(HtmlReport.render(r));

    Map<String, ReportDocument.Shown> tables = ReportDocument.htmlTables(document);
    assertThat(tables.get("nodes").rows()).containsExactly(
        List.of("redis://127.0.0.1:7000", "1,500", "60.5%", "0", "0", "100.0", "700", "90,000"),
        List.of("memcached://127.0.0.1:7001", "980", "39.5%", "2", "5", "30.6", "-", "-"));
    assertThat(tables.get("regions").rows()).contains(
        List.of("shop.product", "900", "100", "120", "90.0%", "2,000", "1,234"),
        List.of("shop.catalog", "25", "75", "75", "25.0%", "180", "-"),
        List.of("~clock (ringcache)", "-", "-", "-", "-", "300", "1"),
        List.of("all", "925", "175", "195", "84.1%", "2,480", "-"));
    assertThat(text(elements(document.getDocumentElement(), "ul").get(0)))
        .contains("error without cache: place order: java.lang.IllegalStateException: <x> & 'y'");
  }

  @Test
  void summary_andReport_showTheSameTables() throws Exception {
    ShopResult r = result(0, List.of());
    Map<String, ReportDocument.Shown> shown =
        ReportDocument.htmlTables(ReportDocument.parseHtml(HtmlReport.render(r)));
    Map<String, List<List<String>>> text = ReportDocument.textTables(TextSummary.render(r));

    assertThat(shown).hasSize(7);
    shown.values().forEach(table -> {
      List<List<String>> expected = new java.util.ArrayList<>();
      if (!table.header().isEmpty()) {
        expected.add(table.header());
      }
      expected.addAll(table.rows());
      assertThat(text.get(table.title())).as(table.title()).isEqualTo(expected);
    });
    assertThat(text.get(ReportTables.overview(r).title())).contains(
        List.of("operations/s", "455", "455", "1.00x"),
        List.of("SQL statements avoided", "-", "27,000", "90.0%"));
    assertThat(text.get(ReportTables.requestKinds(r.with()).title())).containsExactly(
        List.of("request", "count", "per operation", "mean latency (us)"),
        List.of("get-or-lease", "2,000", "0.20", "20.0"),
        List.of("put-from-load", "480", "0.05", "291.7"),
        List.of("all", "2,480", "0.25", "72.6"));
  }
}
