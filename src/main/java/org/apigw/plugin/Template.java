package org.apigw.plugin;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.MatchResult;

/**
 * A string with APISIX variables, compiled once: {@code $name} and {@code ${name}} read a request
 * variable ({@code $uri}, {@code $arg_x}, {@code $http_x}, …; unknown ones read as empty),
 * {@code $1}..{@code $9} read a regex capture, {@code \$} and {@code $$} are a literal {@code $}.
 * Immutable; a template without variables resolves to itself without allocating.
 */
public final class Template {

  private final String text;
  private final String[] literals; // literals[i] precedes vars[i]; one more literal at the end
  private final String[] vars;

  private Template(String text, String[] literals, String[] vars) {
    this.text = text;
    this.literals = literals;
    this.vars = vars;
  }

  public static Template compile(String text) {
    List<String> lits = new ArrayList<>();
    List<String> names = new ArrayList<>();
    StringBuilder lit = new StringBuilder();
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '\\' && i + 1 < text.length() && text.charAt(i + 1) == '$') {
        lit.append('$');
        i += 2;
        continue;
      }
      if (c == '$' && i + 1 < text.length()) {
        char n = text.charAt(i + 1);
        if (n == '$') {
          lit.append('$');
          i += 2;
          continue;
        }
        int start;
        int end;
        int next;
        if (n == '{') {
          int close = text.indexOf('}', i + 2);
          if (close > i + 2 && word(text, i + 2, close)) {
            start = i + 2;
            end = close;
            next = close + 1;
          } else {
            lit.append(c);
            i++;
            continue;
          }
        } else {
          start = i + 1;
          end = start;
          while (end < text.length() && isWord(text.charAt(end))) {
            end++;
          }
          next = end;
        }
        if (end > start) {
          lits.add(lit.toString());
          lit.setLength(0);
          names.add(text.substring(start, end));
          i = next;
          continue;
        }
      }
      lit.append(c);
      i++;
    }
    lits.add(lit.toString());
    return new Template(text, lits.toArray(new String[0]), names.toArray(new String[0]));
  }

  private static boolean word(String s, int from, int to) {
    for (int k = from; k < to; k++) {
      if (!isWord(s.charAt(k))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isWord(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }

  public boolean hasVars() {
    return vars.length > 0;
  }

  /** The text with variables resolved against {@code ctx} and {@code captures} (may be null). */
  public String resolve(org.apigw.expr.VarResolver ctx, MatchResult captures) {
    if (vars.length == 0) {
      return literals[0];
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int k = 0; k < vars.length; k++) {
      out.append(literals[k]);
      String name = vars[k];
      String value;
      if (Character.isDigit(name.charAt(0)) && allDigits(name)) {
        int group = Integer.parseInt(name);
        value = captures != null && group <= captures.groupCount() ? captures.group(group) : null;
      } else {
        value = ctx.var(name);
      }
      if (value != null) {
        out.append(value);
      }
    }
    return out.append(literals[vars.length]).toString();
  }

  private static boolean allDigits(String s) {
    for (int k = 0; k < s.length(); k++) {
      if (!Character.isDigit(s.charAt(k))) {
        return false;
      }
    }
    return s.length() < 3;
  }

  @Override
  public String toString() {
    return text;
  }
}
