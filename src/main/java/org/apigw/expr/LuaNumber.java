package org.apigw.expr;

/**
 * Lua's {@code tonumber(string)} as LuaJIT does it, which is what lua-resty-expr applies to the
 * variable before {@code ==}/{@code ~=} against a number and before {@code > >= < <=}: optional
 * surrounding whitespace, optional sign, decimal with optional fraction and exponent, or {@code
 * 0x} hex. {@code inf}/{@code nan} are not numbers. Returns {@link Double#NaN} for "not a number"
 * (a string never converts to NaN, so the sentinel is unambiguous).
 *
 * <p>The common case (at most 15 significant digits, small exponent) is converted exactly without
 * allocating; anything longer falls back to {@link Double#parseDouble}.
 */
final class LuaNumber {
  private LuaNumber() {}

  private static final double[] POW10 = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22
  };

  static double parse(String s) {
    if (s == null) {
      return Double.NaN;
    }
    int from = 0;
    int to = s.length();
    while (from < to && isSpace(s.charAt(from))) {
      from++;
    }
    while (to > from && isSpace(s.charAt(to - 1))) {
      to--;
    }
    if (from == to) {
      return Double.NaN;
    }
    int i = from;
    boolean neg = false;
    char c = s.charAt(i);
    if (c == '-' || c == '+') {
      neg = c == '-';
      i++;
    }
    if (i + 1 < to && s.charAt(i) == '0' && (s.charAt(i + 1) == 'x' || s.charAt(i + 1) == 'X')) {
      return hex(s, i + 2, to, neg);
    }
    long mant = 0;
    int sig = 0; // significant digits accumulated into mant
    int dropped = 0; // integer digits beyond what mant holds
    int fracDigits = 0;
    int digits = 0;
    boolean overflow = false;
    while (i < to && (c = s.charAt(i)) >= '0' && c <= '9') {
      digits++;
      if (sig < 18) {
        mant = mant * 10 + (c - '0');
        if (mant != 0) {
          sig++;
        }
      } else {
        dropped++;
        overflow = true;
      }
      i++;
    }
    if (i < to && s.charAt(i) == '.') {
      i++;
      while (i < to && (c = s.charAt(i)) >= '0' && c <= '9') {
        digits++;
        if (sig < 18) {
          mant = mant * 10 + (c - '0');
          if (mant != 0) {
            sig++;
          }
          fracDigits++;
        } else {
          overflow = true;
        }
        i++;
      }
    }
    if (digits == 0) {
      return Double.NaN;
    }
    int exp = 0;
    if (i < to && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      i++;
      boolean eneg = false;
      if (i < to && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
        eneg = s.charAt(i) == '-';
        i++;
      }
      int edigits = 0;
      while (i < to && (c = s.charAt(i)) >= '0' && c <= '9') {
        if (exp < 100000) {
          exp = exp * 10 + (c - '0');
        }
        edigits++;
        i++;
      }
      if (edigits == 0) {
        return Double.NaN;
      }
      if (eneg) {
        exp = -exp;
      }
    }
    if (i != to) {
      return Double.NaN;
    }
    int e10 = exp + dropped - fracDigits;
    if (!overflow && sig <= 15) {
      double v = mant;
      if (e10 == 0) {
        return neg ? -v : v;
      }
      if (e10 > 0 && e10 <= 22) {
        v *= POW10[e10];
        return neg ? -v : v;
      }
      if (e10 < 0 && e10 >= -22) {
        v /= POW10[-e10];
        return neg ? -v : v;
      }
    }
    // rare: long mantissa or big exponent; the syntax is already validated
    return Double.parseDouble(s.substring(from, to));
  }

  private static double hex(String s, int i, int to, boolean neg) {
    if (i == to) {
      return Double.NaN;
    }
    double v = 0;
    for (; i < to; i++) {
      int d = Character.digit(s.charAt(i), 16);
      if (d < 0) {
        return Double.NaN;
      }
      v = v * 16 + d;
    }
    return neg ? -v : v;
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0b;
  }
}
