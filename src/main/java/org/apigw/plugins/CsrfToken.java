package org.apigw.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import org.apigw.plugin.Json;

/**
 * APISIX's csrf token, so tokens issued by either gateway verify on the other: base64 of the
 * JSON {@code {"random":R,"expires":T,"sign":S}} where {@code R} is a random number in [0,1),
 * {@code T} the issue time in epoch seconds (APISIX names it "expires") and {@code S} the hex
 * SHA-256 of the text {@code {expires:T,random:R,key:KEY}} — not JSON: APISIX concatenates the
 * values as Lua prints them ({@link LuaNumbers}).
 */
final class CsrfToken {

  /** Why a token was refused; the client always gets the same message, the log gets this. */
  enum Verdict {
    VALID,
    MALFORMED,
    EXPIRED,
    BAD_SIGNATURE
  }

  private CsrfToken() {}

  /** A new token issued at {@code now} (epoch seconds). */
  static String issue(String key, double random, long now) {
    ObjectNode token = Json.MAPPER.createObjectNode();
    // numbers written as Lua writes them: the signature is computed over that text
    token.putRawValue("random", new RawValue(LuaNumbers.format(random)));
    token.put("expires", now);
    token.put("sign", sign(LuaNumbers.format(random), Long.toString(now), key));
    return Base64.getEncoder().encodeToString(token.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Checks a token as APISIX's {@code check_csrf_token}: decodable, has random and expires, not
   * older than {@code expiresSeconds} (when that is positive), and signed with {@code key}.
   */
  static Verdict verify(String token, String key, long expiresSeconds, long now) {
    JsonNode parsed;
    try {
      parsed = Json.MAPPER.readTree(Base64.getDecoder().decode(token));
    } catch (Exception e) { // IllegalArgumentException (base64) or IOException (JSON)
      return Verdict.MALFORMED;
    }
    if (parsed == null || !parsed.isObject()) {
      return Verdict.MALFORMED;
    }
    String random = luaText(parsed.get("random"));
    JsonNode issued = parsed.get("expires");
    if (random == null || issued == null || !issued.isNumber()) {
      return Verdict.MALFORMED;
    }
    if (expiresSeconds > 0 && now - issued.asDouble() > expiresSeconds) {
      return Verdict.EXPIRED;
    }
    String expected = sign(random, LuaNumbers.format(issued.asDouble()), key);
    JsonNode signature = parsed.get("sign");
    boolean matches =
        signature != null
            && signature.isTextual()
            && MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.US_ASCII), signature.asText().getBytes(StandardCharsets.UTF_8));
    return matches ? Verdict.VALID : Verdict.BAD_SIGNATURE;
  }

  /** A JSON value as Lua's {@code ..} would print it: numbers as %.14g, strings as they are. */
  private static String luaText(JsonNode value) {
    if (value == null) {
      return null;
    }
    if (value.isNumber()) {
      return LuaNumbers.format(value.asDouble());
    }
    return value.isTextual() ? value.asText() : null;
  }

  static String sign(String random, String expires, String key) {
    String text = "{expires:" + expires + ",random:" + random + ",key:" + key + "}";
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha256.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JRE has SHA-256", e);
    }
  }
}
