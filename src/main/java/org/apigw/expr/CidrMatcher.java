package org.apigw.expr;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Interim stand-in so the admin branch compiles before the real matcher (branch {@code router})
 * is merged; the merge replaces this file wholesale. Literal IPv4/IPv6 addresses and CIDRs only.
 */
public final class CidrMatcher {
  private final List<byte[]> nets = new ArrayList<>();
  private final List<Integer> bits = new ArrayList<>();

  private CidrMatcher() {}

  public static CidrMatcher parse(List<String> cidrs) {
    CidrMatcher m = new CidrMatcher();
    for (String cidr : cidrs) {
      int slash = cidr.indexOf('/');
      byte[] addr = literal(slash < 0 ? cidr : cidr.substring(0, slash));
      m.nets.add(addr);
      m.bits.add(slash < 0 ? addr.length * 8 : Integer.parseInt(cidr.substring(slash + 1)));
    }
    return m;
  }

  public boolean matches(String ip) {
    byte[] a;
    try {
      a = literal(ip);
    } catch (IllegalArgumentException e) {
      return false;
    }
    for (int i = 0; i < nets.size(); i++) {
      byte[] n = nets.get(i);
      if (n.length != a.length) {
        continue;
      }
      int b = bits.get(i);
      boolean ok = true;
      for (int bit = 0; bit < b && ok; bit++) {
        int mask = 0x80 >> (bit % 8);
        ok = (n[bit / 8] & mask) == (a[bit / 8] & mask);
      }
      if (ok) {
        return true;
      }
    }
    return false;
  }

  private static byte[] literal(String s) {
    if (s.isEmpty() || !(Character.digit(s.charAt(0), 16) >= 0 || s.charAt(0) == ':')) {
      throw new IllegalArgumentException("not an IP literal: " + s);
    }
    try {
      return InetAddress.getByName(s).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP literal: " + s, e);
    }
  }
}
