package dev.ringcache.bench.shop;

import static dev.ringcache.bench.shop.ReportDocument.elements;
import static dev.ringcache.bench.shop.ReportDocument.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ringcache.bench.shop.ReportDocument.Shown;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * One short real run of the demo (2 s a phase, on the embedded defaults), shared by the tests:
 * its exit status, its summary and its HTML report.
 */
class ShopDemoRunTest {
  @TempDir static Path reportDir;

  private static int status;
  private static String summary;
  private static String progress;
  private static String html;

  @BeforeAll
  static void runTheDemo() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    status = ShopDemo.run(new String[] {"--duration", "2s", "--threads", "2", "--report",
        reportDir.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), false);
    summary = out.toString(StandardCharsets.UTF_8);
    progress = err.toString(StandardCharsets.UTF_8);
    html = Files.readString(reportDir.resolve("report.html"));
  }

  @Test
  void run_completes_findsNoViolation_andSaysWhereTheReportIs() {
    assertThat(status).as(progress + summary).isZero();
    assertThat(summary).contains("0 stale, 0 dirty, 0 impossible: PASSED")
        .contains("HTML report: " + reportDir.resolve("report.html").toAbsolutePath()
            .normalize());
    assertThat(reportDir.resolve("summary.txt")).content()
        .isEqualTo(summary.substring(0, summary.indexOf("HTML report: ")));
  }

  @Test
  void run_showsProgress_withOpsPerSecondHitRatioAndReadsChecked() {
    assertThat(progress).contains("without cache: creating the tables and the data")
        .contains("with cache: creating the tables and the data")
        .containsPattern("without cache +([0-9.]+) s of \\1 s +[0-9,]+ ops/s +reads checked "
            + "[0-9,]+: 0 stale, 0 dirty")
        .containsPattern("with cache +([0-9.]+) s of \\1 s +[0-9,]+ ops/s +hit ratio +[0-9.]+% "
            + "+reads checked [0-9,]+: 0 stale, 0 dirty");
  }

  @Test
  void report_parses_andItsTablesMatchTheSummary() throws Exception {
    Document document = ReportDocument.parseHtml(html);
    Map<String, Shown> shown = ReportDocument.htmlTables(document);
    Map<String, List<List<String>>> text = ReportDocument.textTables(summary);

    assertThat(shown.keySet()).containsExactly("setup", "overview", "operations", "regions",
        "nodes", "requests", "consistency");
    for (Shown table : shown.values()) {
      List<List<String>> lines = text.get(table.title());
      assertThat(lines).as("the summary's table " + table.title()).isNotNull();
      List<List<String>> expected = new java.util.ArrayList<>();
      if (!table.header().isEmpty()) {
        expected.add(table.header());
      }
      expected.addAll(table.rows());
      assertThat(lines).as(table.title()).isEqualTo(expected);
    }
    // The measured numbers are there, not only formatted placeholders.
    assertThat(cell(shown.get("overview"), "operations measured", 1)).matches("[1-9][0-9,]*");
    assertThat(cell(shown.get("overview"), "operations measured", 2)).matches("[1-9][0-9,]*");
    assertThat(cell(shown.get("consistency"), "reads checked", 2)).matches("[1-9][0-9,]*");
    assertThat(cell(shown.get("consistency"), "stale reads", 2)).isEqualTo("0");
    assertThat(cell(shown.get("consistency"), "dirty reads", 2)).isEqualTo("0");
    assertThat(shown.get("nodes").rows()).singleElement()
        .satisfies(row -> assertThat(row.get(0)).isEqualTo("shop-demo"));
  }

  @Test
  void report_headingAndVerdict_areTheSummary() throws Exception {
    Document document = ReportDocument.parseHtml(html);
    Element root = document.getDocumentElement();

    assertThat(text(elements(root, "h1").get(0))).isEqualTo(summary.lines().findFirst()
        .orElseThrow());
    Element verdict = elements(root, "p").stream()
        .filter(p -> p.getAttribute("id").equals("verdict")).findFirst().orElseThrow();
    assertThat(text(verdict)).startsWith("Consistency check: ");
    assertThat(summary).contains(text(verdict) + "\n");
  }

  @Test
  void report_chartValues_areNumbersOfTheSummary() throws Exception {
    Document document = ReportDocument.parseHtml(html);
    Set<String> cells = new HashSet<>();
    ReportDocument.textTables(summary).values().forEach(t -> t.forEach(cells::addAll));
    Pattern labelled = Pattern.compile("(.+): (\\S+)( .*)?");
    int checked = 0;
    for (Element svg : elements(document.getDocumentElement(), "svg")) {
      if (!svg.getAttribute("data-summary").equals("true")) {
        continue;
      }
      for (Element title : elements(svg, "title")) {
        Matcher m = labelled.matcher(text(title));
        assertThat(m.matches()).as(text(title)).isTrue();
        assertThat(cells).as(text(title)).contains(m.group(2));
        checked++;
      }
    }
    assertThat(checked).isGreaterThanOrEqualTo(2 + 2 + 10 + 9 + 2);
  }

  @Test
  void report_isSelfContained_noScriptFontOrStylesheetFromElsewhere() throws Exception {
    Document document = ReportDocument.parseHtml(html);
    Element root = document.getDocumentElement();

    assertThat(elements(root, "script")).isEmpty();
    assertThat(elements(root, "link")).isEmpty();
    assertThat(elements(root, "img")).isEmpty();
    assertThat(elements(root, "svg")).hasSizeGreaterThanOrEqualTo(6);
    assertThat(html).doesNotContain("@import", "url(", "src=", "href=");
  }

  private static String cell(Shown table, String row, int column) {
    return table.rows().stream().filter(r -> r.get(0).equals(row)).findFirst()
        .orElseThrow(() -> new AssertionError("no row " + row + " in " + table.title()))
        .get(column);
  }
}
