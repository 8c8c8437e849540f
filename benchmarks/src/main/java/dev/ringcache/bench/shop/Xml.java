package dev.ringcache.bench.shop;

/**
 * Escapes text for XHTML and SVG, so that the report is well-formed XML (and parses as HTML).
 *
 * <p>Immutable and thread-safe (static functions).
 */
final class Xml {
  private Xml() {}

  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> {
          if (c < 0x20 && c != '\n' && c != '\t') {
            out.append(' '); // not allowed in XML 1.0
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
