package org.apigw.plugins.auth;

/**
 * Reads and edits a {@code Cookie} request header ({@code a=1; b=2}, RFC 6265 §4.2) without
 * decoding it: for credentials carried in a cookie, which {@code hide_credentials} must remove.
 */
final class Cookies {

  private Cookies() {}

  /** The value of the first cookie {@code name} (surrounding double quotes dropped), or null. */
  static String value(String header, String name) {
    if (header == null) {
      return null;
    }
    for (String pair : header.split(";")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).strip().equals(name)) {
        String v = pair.substring(eq + 1).strip();
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
      }
    }
    return null;
  }

  /** {@code header} without any cookie {@code name}; null when no cookie is left. */
  static String without(String header, String name) {
    StringBuilder kept = new StringBuilder(header.length());
    for (String pair : header.split(";")) {
      String p = pair.strip();
      int eq = p.indexOf('=');
      String n = eq < 0 ? p : p.substring(0, eq).strip();
      if (!p.isEmpty() && !n.equals(name)) {
        kept.append(kept.length() == 0 ? "" : "; ").append(p);
      }
    }
    return kept.length() == 0 ? null : kept.toString();
  }
}
