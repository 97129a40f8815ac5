package org.apigw.plugins.prometheus;

import io.prometheus.client.Collector;
import java.io.IOException;
import java.io.Writer;
import java.util.List;

/**
 * Writes the Prometheus text format 0.0.4 line by line, with sample names exactly as given.
 *
 * <p>simpleclient 0.16 renames every counter to {@code <name>_total} (in {@code
 * MetricFamilySamples} and again in {@code TextFormat.write004}), which would turn APISIX's
 * {@code apisix_http_status} and {@code apisix_bandwidth} into names no APISIX dashboard
 * queries; {@link HttpMetrics} writes itself through this class instead.
 */
final class TextFormat004 {

  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private TextFormat004() {}

  /** {@code # HELP} and {@code # TYPE} lines of one family. */
  static void header(Writer out, String name, String help, String type) throws IOException {
    out.write("# HELP ");
    out.write(name);
    out.write(' ');
    escape(out, help, false);
    out.write("\n# TYPE ");
    out.write(name);
    out.write(' ');
    out.write(type);
    out.write('\n');
  }

  /** One sample; {@code le}, when not null, is appended as the last label. */
  static void sample(Writer out, String name, List<String> labels, List<String> values, String le, double value)
      throws IOException {
    out.write(name);
    out.write('{');
    for (int i = 0; i < labels.size(); i++) {
      if (i > 0) {
        out.write(',');
      }
      out.write(labels.get(i));
      out.write("=\"");
      escape(out, values.get(i), true);
      out.write('"');
    }
    if (le != null) {
      out.write(",le=\"");
      out.write(le);
      out.write('"');
    }
    out.write("} ");
    out.write(Collector.doubleToGoString(value));
    out.write('\n');
  }

  /** Backslash and newline always; the double quote inside label values. */
  private static void escape(Writer out, String s, boolean quote) throws IOException {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> out.write("\\\\");
        case '\n' -> out.write("\\n");
        case '"' -> out.write(quote ? "\\\"" : "\"");
        default -> out.write(c);
      }
    }
  }
}
