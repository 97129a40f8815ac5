package org.apigw.plugin;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** Reads and edits raw query strings ({@code a=1&b=2}) without decoding what it keeps. */
public final class QueryArgs {

  private QueryArgs() {}

  /** The decoded value of the first {@code name} argument; "" for a bare {@code name}; else null. */
  public static String first(String query, String name) {
    if (query == null) {
      return null;
    }
    int from = 0;
    while (from <= query.length()) {
      int amp = query.indexOf('&', from);
      int end = amp < 0 ? query.length() : amp;
      int eq = query.indexOf('=', from);
      int nameEnd = eq < 0 || eq > end ? end : eq;
      if (decode(query.substring(from, nameEnd)).equals(name)) {
        return nameEnd == end ? "" : decode(query.substring(nameEnd + 1, end));
      }
      from = end + 1;
    }
    return null;
  }

  /** {@code query} without any {@code name} argument; null when nothing is left. */
  public static String without(String query, String name) {
    if (query == null) {
      return null;
    }
    StringBuilder kept = new StringBuilder(query.length());
    int from = 0;
    while (from <= query.length()) {
      int amp = query.indexOf('&', from);
      int end = amp < 0 ? query.length() : amp;
      int eq = query.indexOf('=', from);
      int nameEnd = eq < 0 || eq > end ? end : eq;
      String pair = query.substring(from, end);
      if (!pair.isEmpty() && !decode(query.substring(from, nameEnd)).equals(name)) {
        kept.append(kept.length() == 0 ? "" : "&").append(pair);
      }
      from = end + 1;
    }
    return kept.length() == 0 ? null : kept.toString();
  }

  /** URL-decodes one name or value; a malformed escape is kept as written rather than refused. */
  public static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }
}
