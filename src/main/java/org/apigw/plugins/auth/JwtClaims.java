package org.apigw.plugins.auth;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The registered time claims jwt-auth checks ({@code claims_to_verify}). A claim that is absent
 * passes, as in APISIX; one that is present must be a number (NumericDate: seconds since the
 * epoch, fractions allowed).
 */
final class JwtClaims {

  private JwtClaims() {}

  /**
   * Why the payload's {@code exp}/{@code nbf} do not hold at {@code nowSeconds}, or null when they
   * do. {@code grace} seconds of clock skew are allowed both ways: a token is still good {@code
   * grace} seconds after {@code exp} and already good {@code grace} seconds before {@code nbf}.
   */
  static String check(JsonNode payload, boolean exp, boolean nbf, long grace, double nowSeconds) {
    if (exp) {
      JsonNode v = payload.get("exp");
      if (v != null) {
        if (!v.isNumber()) {
          return "claim exp is not a number";
        }
        if (v.asDouble() <= nowSeconds - grace) {
          return "'exp' claim expired at " + (long) v.asDouble();
        }
      }
    }
    if (nbf) {
      JsonNode v = payload.get("nbf");
      if (v != null) {
        if (!v.isNumber()) {
          return "claim nbf is not a number";
        }
        // RFC 7519 §4.1.5: the token is acceptable from nbf on, so nbf == now passes
        if (v.asDouble() > nowSeconds + grace) {
          return "'nbf' claim not valid until " + (long) v.asDouble();
        }
      }
    }
    return null;
  }
}
