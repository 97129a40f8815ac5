package org.apigw.expr;

import java.util.ArrayList;
import java.util.List;

/**
 * Matches an IP address against a fixed list of IPv4 / IPv6 addresses and CIDR blocks, as
 * lua-resty-ipmatcher does for route {@code remote_addrs}, the {@code ipmatch} operator and the
 * Admin API {@code allow_admin} list.
 *
 * <p>Entries: {@code 10.0.0.1}, {@code 10.0.0.0/8}, {@code ::1}, {@code fe80::/10}, IPv6 with an
 * embedded dotted quad ({@code ::ffff:10.0.0.1}). Host bits after the prefix are ignored
 * ({@code 10.0.0.7/8} is {@code 10.0.0.0/8}). Only literals are parsed, by hand: no name is ever
 * resolved, so no DNS lookup can happen.
 *
 * <p>{@link #matches} also accepts a bracketed IPv6 ({@code [::1]}) and ignores an IPv6 zone
 * ({@code fe80::1%eth0}). An IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}) is matched against
 * the IPv4 entries as well as the IPv6 ones, so a dual-stack listener reporting mapped addresses
 * still matches {@code 10.0.0.0/8}.
 *
 * <p>Immutable and thread-safe; matching allocates nothing.
 */
public final class CidrMatcher {

  private static final ThreadLocal<long[]> SCRATCH = ThreadLocal.withInitial(() -> new long[2]);

  private final int[] v4Net;
  private final int[] v4Mask;
  private final long[] v6Hi;
  private final long[] v6Lo;
  private final long[] v6MaskHi;
  private final long[] v6MaskLo;
  private final List<String> entries;

  private CidrMatcher(
      int[] v4Net,
      int[] v4Mask,
      long[] v6Hi,
      long[] v6Lo,
      long[] v6MaskHi,
      long[] v6MaskLo,
      List<String> entries) {
    this.v4Net = v4Net;
    this.v4Mask = v4Mask;
    this.v6Hi = v6Hi;
    this.v6Lo = v6Lo;
    this.v6MaskHi = v6MaskHi;
    this.v6MaskLo = v6MaskLo;
    this.entries = entries;
  }

  /**
   * Parses the entries.
   *
   * @throws IllegalArgumentException {@code invalid ip address: <entry>} for the first entry that
   *     is not an IPv4/IPv6 literal with an optional in-range {@code /prefix}
   */
  public static CidrMatcher parse(List<String> entries) {
    List<int[]> v4 = new ArrayList<>();
    List<long[]> v6 = new ArrayList<>();
    long[] tmp = new long[2];
    for (String entry : entries) {
      if (entry == null) {
        throw new IllegalArgumentException("invalid ip address: null");
      }
      int slash = entry.indexOf('/');
      int addrEnd = slash < 0 ? entry.length() : slash;
      int prefix = -1;
      if (slash >= 0) {
        prefix = parsePrefix(entry, slash + 1);
        if (prefix < 0) {
          throw bad(entry);
        }
      }
      long v4addr = parseV4(entry, 0, addrEnd);
      if (v4addr >= 0) {
        if (prefix > 32) {
          throw bad(entry);
        }
        int mask = prefix < 0 ? -1 : prefix == 0 ? 0 : -1 << (32 - prefix);
        v4.add(new int[] {(int) v4addr & mask, mask});
      } else if (parseV6(entry, 0, addrEnd, tmp)) {
        if (prefix > 128) {
          throw bad(entry);
        }
        int p = prefix < 0 ? 128 : prefix;
        long maskHi = p >= 64 ? -1L : p == 0 ? 0L : -1L << (64 - p);
        long maskLo = p <= 64 ? 0L : p == 128 ? -1L : -1L << (128 - p);
        v6.add(new long[] {tmp[0] & maskHi, tmp[1] & maskLo, maskHi, maskLo});
      } else {
        throw bad(entry);
      }
    }
    int[] net = new int[v4.size()];
    int[] mask = new int[v4.size()];
    for (int i = 0; i < net.length; i++) {
      net[i] = v4.get(i)[0];
      mask[i] = v4.get(i)[1];
    }
    long[] hi = new long[v6.size()];
    long[] lo = new long[v6.size()];
    long[] mhi = new long[v6.size()];
    long[] mlo = new long[v6.size()];
    for (int i = 0; i < hi.length; i++) {
      long[] e = v6.get(i);
      hi[i] = e[0];
      lo[i] = e[1];
      mhi[i] = e[2];
      mlo[i] = e[3];
    }
    return new CidrMatcher(net, mask, hi, lo, mhi, mlo, List.copyOf(entries));
  }

  /** True when {@code ip} is inside one of the entries; false for null or unparsable input. */
  public boolean matches(String ip) {
    if (ip == null || ip.isEmpty()) {
      return false;
    }
    int from = 0;
    int to = ip.length();
    if (ip.charAt(0) == '[') {
      if (ip.charAt(to - 1) != ']') {
        return false;
      }
      from = 1;
      to--;
    }
    if (from == 0) {
      long v4 = parseV4(ip, 0, to);
      if (v4 >= 0) {
        return matchV4((int) v4);
      }
    }
    int zone = ip.indexOf('%', from);
    if (zone >= 0 && zone < to) {
      to = zone;
    }
    long[] a = SCRATCH.get();
    if (!parseV6(ip, from, to, a)) {
      return false;
    }
    long hi = a[0];
    long lo = a[1];
    for (int i = 0; i < v6Hi.length; i++) {
      if ((hi & v6MaskHi[i]) == v6Hi[i] && (lo & v6MaskLo[i]) == v6Lo[i]) {
        return true;
      }
    }
    // IPv4-mapped ::ffff:a.b.c.d
    if (hi == 0 && (lo >>> 32) == 0xffffL && v4Net.length > 0) {
      return matchV4((int) lo);
    }
    return false;
  }

  private boolean matchV4(int addr) {
    for (int i = 0; i < v4Net.length; i++) {
      if ((addr & v4Mask[i]) == v4Net[i]) {
        return true;
      }
    }
    return false;
  }

  /** The entries as given. */
  public List<String> entries() {
    return entries;
  }

  @Override
  public String toString() {
    return "CidrMatcher" + entries;
  }

  private static IllegalArgumentException bad(String entry) {
    return new IllegalArgumentException("invalid ip address: " + entry);
  }

  private static int parsePrefix(String s, int from) {
    int n = s.length() - from;
    if (n < 1 || n > 3) {
      return -1;
    }
    int v = 0;
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    if (n > 1 && s.charAt(from) == '0') {
      return -1;
    }
    return v;
  }

  /**
   * Parses a dotted-quad IPv4 literal in {@code s[from, to)}; returns the address as an unsigned
   * 32-bit value, or -1. Like inet_pton: exactly four decimal parts, no leading zeros.
   */
  static long parseV4(CharSequence s, int from, int to) {
    long result = 0;
    int parts = 0;
    int i = from;
    while (true) {
      int start = i;
      int v = 0;
      while (i < to) {
        char c = s.charAt(i);
        if (c < '0' || c > '9') {
          break;
        }
        v = v * 10 + (c - '0');
        if (v > 255) {
          return -1;
        }
        i++;
      }
      int len = i - start;
      if (len == 0 || (len > 1 && s.charAt(start) == '0')) {
        return -1;
      }
      result = (result << 8) | v;
      parts++;
      if (i == to) {
        return parts == 4 ? result : -1;
      }
      if (s.charAt(i) != '.' || parts == 4) {
        return -1;
      }
      i++;
    }
  }

  /**
   * Parses an IPv6 literal (RFC 4291 text forms, incl. {@code ::} and a trailing dotted quad) in
   * {@code s[from, to)} into {@code out[0]} (high 64 bits) and {@code out[1]} (low 64 bits).
   */
  static boolean parseV6(CharSequence s, int from, int to, long[] out) {
    if (to - from < 2) {
      return false;
    }
    // groups before "::" go left, after go right; count to know how many zeros "::" stands for
    long hi = 0;
    long lo = 0;
    int groups = 0; // groups written so far (each 16 bits)
    int gapAt = -1; // group index where "::" appeared
    int i = from;
    if (s.charAt(i) == ':') {
      if (s.charAt(i + 1) != ':') {
        return false;
      }
      gapAt = 0;
      i += 2;
      if (i == to) {
        out[0] = 0;
        out[1] = 0;
        return true;
      }
    }
    // collect groups into a 128-bit accumulator, shifting left by 16 for each
    while (i < to) {
      int start = i;
      int v = 0;
      int digits = 0;
      while (i < to && digits <= 4) {
        int d = Character.digit(s.charAt(i), 16);
        if (d < 0) {
          break;
        }
        v = (v << 4) | d;
        digits++;
        i++;
      }
      if (i < to && s.charAt(i) == '.') {
        // embedded IPv4 in the last 32 bits
        long v4 = parseV4(s, start, to);
        if (v4 < 0 || groups > 6) {
          return false;
        }
        hi = (hi << 32) | (lo >>> 32);
        lo = (lo << 32) | v4;
        groups += 2;
        i = to;
        break;
      }
      if (digits == 0 || digits > 4 || groups == 8) {
        return false;
      }
      hi = (hi << 16) | (lo >>> 48);
      lo = (lo << 16) | v;
      groups++;
      if (i == to) {
        break;
      }
      if (s.charAt(i) != ':') {
        return false;
      }
      i++;
      if (i < to && s.charAt(i) == ':') {
        if (gapAt >= 0) {
          return false;
        }
        gapAt = groups;
        i++;
        if (i == to) {
          break;
        }
      } else if (i == to) {
        return false; // trailing single ':'
      }
    }
    if (gapAt < 0) {
      if (groups != 8) {
        return false;
      }
    } else {
      if (groups > 7) {
        return false;
      }
      // the groups after the gap are in the low bits already; move the ones before the gap up
      int after = groups - gapAt;
      int shift = (8 - groups) * 16; // zeros inserted
      // split accumulator into "before" (top gapAt groups of the accumulated value) and "after"
      long afterHi;
      long afterLo;
      int afterBits = after * 16;
      if (afterBits == 0) {
        afterHi = 0;
        afterLo = 0;
      } else if (afterBits < 64) {
        afterHi = 0;
        afterLo = lo & ((1L << afterBits) - 1);
      } else if (afterBits == 64) {
        afterHi = 0;
        afterLo = lo;
      } else {
        afterHi = hi & ((1L << (afterBits - 64)) - 1);
        afterLo = lo;
      }
      long beforeHi = hi ^ afterHi;
      long beforeLo = lo ^ afterLo;
      // shift "before" left by `shift` bits (128-bit shift)
      long bHi;
      long bLo;
      if (shift == 0) {
        bHi = beforeHi;
        bLo = beforeLo;
      } else if (shift < 64) {
        bHi = (beforeHi << shift) | (beforeLo >>> (64 - shift));
        bLo = beforeLo << shift;
      } else if (shift == 64) {
        bHi = beforeLo;
        bLo = 0;
      } else {
        bHi = beforeLo << (shift - 64);
        bLo = 0;
      }
      hi = bHi | afterHi;
      lo = bLo | afterLo;
    }
    out[0] = hi;
    out[1] = lo;
    return true;
  }
}
