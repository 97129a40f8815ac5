package org.apigw.config;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * APISIX's {@code var_sub}: replaces {@code ${{VAR}}} and {@code ${{VAR:=default}}} in the raw
 * text of the user's config file, before YAML parsing, so a substituted {@code 9080} is an int
 * and {@code true} a boolean. Whitespace inside the braces is ignored; the default may be empty.
 *
 * <p>Lines that are entirely a YAML comment are left alone, so commented-out examples that mention
 * variables do not fail the load. A value that may contain YAML syntax ({@code : #}) should be
 * quoted in the file: {@code password: "${{ETCD_PASSWORD}}"}.
 */
final class EnvSubstitution {
  private static final Pattern VAR =
      Pattern.compile("\\$\\{\\{\\s*(\\w+)\\s*(?::=(.*?))?\\s*}}");

  private EnvSubstitution() {}

  static String apply(String text, Map<String, String> env, String source) throws ConfigException {
    if (!text.contains("${{")) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    int lineNo = 0;
    int start = 0;
    while (start < text.length()) {
      int nl = text.indexOf('\n', start);
      int end = nl < 0 ? text.length() : nl + 1;
      String line = text.substring(start, end);
      lineNo++;
      start = end;
      if (line.isBlank() || line.stripLeading().startsWith("#") || !line.contains("${{")) {
        out.append(line);
        continue;
      }
      Matcher m = VAR.matcher(line);
      StringBuilder replaced = new StringBuilder();
      while (m.find()) {
        String name = m.group(1);
        String value = env.get(name);
        if (value == null) {
          value = m.group(2) == null ? null : m.group(2).strip();
        }
        if (value == null) {
          throw new ConfigException(
              "failed to handle configuration: can't find environment variable " + name
                  + " (" + source + " line " + lineNo + ")");
        }
        m.appendReplacement(replaced, Matcher.quoteReplacement(value));
      }
      m.appendTail(replaced);
      out.append(replaced);
    }
    return out.toString();
  }
}
