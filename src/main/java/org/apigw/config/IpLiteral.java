package org.apigw.config;

/**
 * Parses IPv4/IPv6 address literals and CIDR blocks textually. Never resolves names: a string that
 * is not a literal is simply invalid.
 */
final class IpLiteral {
  private IpLiteral() {}

  /** True for {@code 1.2.3.4} or an IPv6 literal such as {@code ::1} (no zone, no brackets). */
  static boolean isAddress(String s) {
    return isIpv4(s) || isIpv6(s);
  }

  /**
   * True for an address literal, optionally followed by {@code /prefix} (0–32 for IPv4, 0–128 for
   * IPv6). A bare address means a single host, as in nginx {@code allow}.
   */
  static boolean isCidr(String s) {
    int slash = s.indexOf('/');
    if (slash < 0) {
      return isAddress(s);
    }
    String addr = s.substring(0, slash);
    String bits = s.substring(slash + 1);
    if (bits.isEmpty() || bits.length() > 3 || !bits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return false;
    }
    int prefix = Integer.parseInt(bits);
    if (isIpv4(addr)) {
      return prefix <= 32;
    }
    return isIpv6(addr) && prefix <= 128;
  }

  static boolean isIpv4(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return false;
      }
      if (p.length() > 1 && p.charAt(0) == '0') {
        return false; // 010 is octal to some parsers and decimal to others: refuse it
      }
      if (Integer.parseInt(p) > 255) {
        return false;
      }
    }
    return true;
  }

  static boolean isIpv6(String s) {
    if (s.isEmpty() || s.indexOf(':') < 0) {
      return false;
    }
    int groupsNeeded = 8;
    String head = s;
    int lastColon = s.lastIndexOf(':');
    String tail = s.substring(lastColon + 1);
    if (tail.indexOf('.') >= 0) { // embedded IPv4, e.g. ::ffff:1.2.3.4
      if (!isIpv4(tail)) {
        return false;
      }
      groupsNeeded = 6;
      head = s.substring(0, lastColon + 1) + "0"; // placeholder group, checked below then dropped
      groupsNeeded += 1;
    }
    int dbl = head.indexOf("::");
    if (dbl >= 0 && head.indexOf("::", dbl + 1) >= 0) {
      return false;
    }
    int groups;
    if (dbl >= 0) {
      String left = head.substring(0, dbl);
      String right = head.substring(dbl + 2);
      int l = countGroups(left);
      int r = countGroups(right);
      if (l < 0 || r < 0) {
        return false;
      }
      groups = l + r;
      return groups < groupsNeeded;
    }
    groups = countGroups(head);
    return groups == groupsNeeded;
  }

  /** Number of hex groups in a colon-separated run, 0 for "", -1 if malformed. */
  private static int countGroups(String run) {
    if (run.isEmpty()) {
      return 0;
    }
    String[] parts = run.split(":", -1);
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 4) {
        return -1;
      }
      for (int i = 0; i < p.length(); i++) {
        if (Character.digit(p.charAt(i), 16) < 0) {
          return -1;
        }
      }
    }
    return parts.length;
  }
}
