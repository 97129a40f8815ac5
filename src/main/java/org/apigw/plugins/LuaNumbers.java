package org.apigw.plugins;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Numbers written as LuaJIT's {@code tostring} and lua-cjson write them: C's {@code %.14g}.
 * Needed wherever APISIX hashes or compares a number turned into text (the csrf signature), so
 * a value signed here verifies there and the other way round.
 */
final class LuaNumbers {

  private static final int PRECISION = 14;
  private static final MathContext CONTEXT = new MathContext(PRECISION, RoundingMode.HALF_EVEN);

  private LuaNumbers() {}

  /** {@code %.14g}: 14 significant digits, trailing zeros dropped, exponent form outside 1e-4..1e14. */
  static String format(double value) {
    if (Double.isNaN(value)) {
      return value > 0 ? "nan" : "-nan";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "inf" : "-inf";
    }
    if (value == 0) {
      return 1 / value < 0 ? "-0" : "0";
    }
    BigDecimal rounded = new BigDecimal(value).round(CONTEXT);
    // decimal exponent of the rounded value: 1234.5 -> 3, 0.00123 -> -3
    int exponent = rounded.precision() - rounded.scale() - 1;
    if (exponent < -4 || exponent >= PRECISION) {
      BigDecimal mantissa = rounded.movePointLeft(exponent).stripTrailingZeros();
      String digits = mantissa.toPlainString();
      String sign = exponent < 0 ? "-" : "+";
      int abs = Math.abs(exponent);
      return digits + "e" + sign + (abs < 10 ? "0" : "") + abs;
    }
    return rounded.stripTrailingZeros().toPlainString();
  }
}
