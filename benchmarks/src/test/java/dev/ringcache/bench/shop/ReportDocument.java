package dev.ringcache.bench.shop;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The HTML report, parsed with the JDK's XML parser (it is written as XHTML), and its text summary,
 * parsed on its own, so that a test can compare their numbers.
 */
final class ReportDocument {
  /** A table as shown: its caption or title, header cells (without empty ones), rows. */
  record Shown(String title, List<String> header, List<List<String>> rows) {}

  private ReportDocument() {}

  static Document parseHtml(String html) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
    factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    factory.setExpandEntityReferences(false);
    DocumentBuilder builder = factory.newDocumentBuilder();
    builder.setErrorHandler(null);
    return builder.parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
  }

  /** The tables of the HTML report, by id. */
  static Map<String, Shown> htmlTables(Document html) {
    Map<String, Shown> tables = new LinkedHashMap<>();
    for (Element table : elements(html.getDocumentElement(), "table")) {
      String caption = text(elements(table, "caption").get(0));
      List<String> header = new ArrayList<>();
      for (Element thead : elements(table, "thead")) {
        for (Element th : elements(thead, "th")) {
          if (!text(th).isEmpty()) {
            header.add(text(th));
          }
        }
      }
      List<List<String>> rows = new ArrayList<>();
      for (Element tbody : elements(table, "tbody")) {
        for (Element tr : elements(tbody, "tr")) {
          List<String> row = new ArrayList<>();
          for (Node cell = tr.getFirstChild(); cell != null; cell = cell.getNextSibling()) {
            if (cell instanceof Element e) {
              row.add(text(e));
            }
          }
          rows.add(row);
        }
      }
      tables.put(table.getAttribute("id"), new Shown(caption, header, rows));
    }
    return tables;
  }

  /**
   * The tables of the text summary, by title: blocks separated by blank lines whose lines after
   * the title are indented; columns are separated by two spaces or more.
   */
  static Map<String, List<List<String>>> textTables(String summary) {
    Map<String, List<List<String>>> tables = new LinkedHashMap<>();
    String[] blocks = summary.split("\n\n");
    for (String block : blocks) {
      String[] lines = block.split("\n");
      List<List<String>> rows = new ArrayList<>();
      for (int i = 1; i < lines.length && lines[i].startsWith("  "); i++) {
        rows.add(List.of(lines[i].strip().split("\\s{2,}")));
      }
      if (!rows.isEmpty()) {
        tables.put(lines[0], rows);
      }
    }
    return tables;
  }

  static List<Element> elements(Element root, String localName) {
    NodeList found = root.getElementsByTagNameNS("*", localName);
    List<Element> list = new ArrayList<>();
    for (int i = 0; i < found.getLength(); i++) {
      list.add((Element) found.item(i));
    }
    return list;
  }

  static String text(Element e) {
    return e.getTextContent().strip();
  }
}
