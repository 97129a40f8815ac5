package org.apigw.plugins.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parameters of an {@code Authorization: Signature keyId="…",algorithm="…",headers="…",
 * signature="…"} header (draft-cavage-http-signatures, as APISIX 3.x hmac-auth reads it), and the
 * signing string they describe.
 *
 * @param keyId null when absent
 * @param algorithm null when absent
 * @param headers the names in {@code headers}, in order; null when the parameter is absent
 * @param signature the base64 signature as sent; null when absent
 */
record HmacSignature(String keyId, String algorithm, List<String> headers, String signature) {

  /** One {@code name="value"} anywhere in a comma-separated field; names are letters and digits. */
  private static final Pattern PARAM = Pattern.compile("\\s*([A-Za-z0-9]+)=\"(.*?)\"");

  /** Pseudo-header standing for the request line: {@code <METHOD> <request uri>}. */
  static final String REQUEST_TARGET = "@request-target";

  /**
   * Parses {@code header}, which must start with {@code Signature}. Each comma-separated field
   * contributes its first {@code name="value"}; unknown names and fields without one are ignored.
   * The header is never rejected here: missing parameters are reported by the caller.
   */
  static HmacSignature parse(String header) {
    String keyId = null;
    String algorithm = null;
    String signature = null;
    List<String> headers = null;
    String params = header.substring("Signature".length());
    for (String field : params.split(",")) {
      Matcher m = PARAM.matcher(field);
      if (!m.find()) {
        continue;
      }
      String value = m.group(2);
      switch (m.group(1)) {
        case "keyId" -> keyId = value;
        case "algorithm" -> algorithm = value;
        case "signature" -> signature = value;
        case "headers" -> {
          headers = new ArrayList<>();
          for (String name : value.split(" ")) {
            if (!name.isEmpty()) {
              headers.add(name);
            }
          }
          headers = List.copyOf(headers);
        }
        default -> {
          // other draft-cavage parameters (created, expires) play no part in APISIX's check
        }
      }
    }
    return new HmacSignature(keyId, algorithm, headers, signature);
  }

  /**
   * The string the client signed: the key id, then one line per name in {@code headers} — {@code
   * "<name>: <value>"} for a header the request carries, {@code "<METHOD> <request uri>"} for
   * {@value #REQUEST_TARGET} — each line ended by {@code \n}. A named header the request lacks
   * contributes no line, as in APISIX.
   *
   * @param requestHeader the request's first value of a header, or null
   * @param method the request method as sent
   * @param requestUri the request's path and query as sent
   */
  String signingString(UnaryOperator<String> requestHeader, String method, String requestUri) {
    StringBuilder s = new StringBuilder(128).append(keyId).append('\n');
    if (headers != null) {
      for (String name : headers) {
        String value = requestHeader.apply(name);
        if (value != null) {
          s.append(name).append(": ").append(value).append('\n');
        } else if (REQUEST_TARGET.equals(name)) {
          s.append(method).append(' ').append(requestUri == null || requestUri.isEmpty() ? "/" : requestUri).append('\n');
        }
      }
    }
    return s.toString();
  }
}
