package org.apigw.plugins.auth;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.apigw.plugin.Json;

/**
 * A JWS compact token split and decoded, not yet verified: {@code
 * base64url(header).base64url(payload).base64url(signature)}.
 *
 * @param alg the header's {@code alg}, or null when absent or not a string
 * @param payload the claims; always a JSON object
 * @param signingInput the ASCII bytes the signature covers ({@code header.payload} as sent)
 * @param signature the decoded signature (empty for an unsigned token)
 */
record JwtToken(String alg, JsonNode payload, byte[] signingInput, byte[] signature) {

  /** The token, or null when it is not three base64url parts whose first two are JSON objects. */
  static JwtToken parse(String token) {
    int first = token.indexOf('.');
    int second = first < 0 ? -1 : token.indexOf('.', first + 1);
    if (first <= 0 || second < 0 || token.indexOf('.', second + 1) >= 0) {
      return null;
    }
    try {
      Base64.Decoder b64 = Base64.getUrlDecoder();
      JsonNode header = Json.MAPPER.readTree(b64.decode(token.substring(0, first)));
      JsonNode payload = Json.MAPPER.readTree(b64.decode(token.substring(first + 1, second)));
      byte[] signature = b64.decode(token.substring(second + 1));
      if (header == null || !header.isObject() || payload == null || !payload.isObject()) {
        return null;
      }
      JsonNode alg = header.get("alg");
      return new JwtToken(
          alg != null && alg.isTextual() ? alg.textValue() : null,
          payload,
          token.substring(0, second).getBytes(StandardCharsets.US_ASCII),
          signature);
    } catch (IllegalArgumentException | IOException e) {
      return null; // not base64url, or not JSON
    }
  }
}
