package org.apigw.plugin;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Compiling the PCRE patterns of plugin confs with Java's regex engine, at decode time. */
public final class Regexes {

  private Regexes() {}

  /**
   * Compiles {@code regex}; on failure throws a {@link PluginConfigException} worded like
   * APISIX's {@code pcre_compile() failed: <reason> in "<regex>"}.
   */
  public static Pattern compile(String regex, int flags) {
    try {
      return Pattern.compile(regex, flags);
    } catch (PatternSyntaxException e) {
      throw new PluginConfigException("pcre_compile() failed: " + reason(e) + " in \"" + regex + "\"");
    }
  }

  private static String reason(PatternSyntaxException e) {
    String d = e.getDescription();
    if (d.startsWith("Unclosed group")) {
      return "missing )";
    }
    if (d.startsWith("Unmatched closing ')'")) {
      return "unmatched parentheses";
    }
    if (d.startsWith("Unclosed character class")) {
      return "missing terminating ] for character class";
    }
    if (d.startsWith("Dangling meta character")) {
      return "nothing to repeat";
    }
    return d;
  }
}
