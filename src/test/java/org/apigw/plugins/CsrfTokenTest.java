package org.apigw.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;
import org.apigw.plugin.FakeContext;
import org.apigw.plugin.Json;
import org.apigw.plugin.PhaseResult;
import org.junit.jupiter.api.Test;

class CsrfTokenTest {

  private static final long NOW = 1_700_000_000L;

  // ---- Lua number text ----

  @Test
  void luaNumbers_formatLikeCPercent14g() {
    assertEquals("0.5", LuaNumbers.format(0.5));
    assertEquals("1700000000", LuaNumbers.format(1.7e9));
    assertEquals("1e-05", LuaNumbers.format(0.00001));
    assertEquals("0.0001", LuaNumbers.format(0.0001));
    assertEquals("0.12345678901235", LuaNumbers.format(0.123456789012345678));
    assertEquals("1e+15", LuaNumbers.format(1e15));
    assertEquals("1.2345678901234e+14", LuaNumbers.format(123456789012345.0));
    assertEquals("0", LuaNumbers.format(0));
    assertEquals("-2.5", LuaNumbers.format(-2.5));
  }

  // ---- token ----

  @Test
  void token_hasApisixShape_andSignatureOverLuaText() throws Exception {
    String token = CsrfToken.issue("secret", 0.25, NOW);
    JsonNode json = Json.MAPPER.readTree(Base64.getDecoder().decode(token));
    assertEquals(0.25, json.get("random").asDouble());
    assertEquals(NOW, json.get("expires").asLong());
    // what APISIX hashes: the values concatenated into a Lua-ish table text, not JSON
    String expected = sha256Hex("{expires:1700000000,random:0.25,key:secret}");
    assertEquals(expected, json.get("sign").asText());
  }

  @Test
  void token_verifies_untilItExpires() {
    String token = CsrfToken.issue("k", 0.123456789, NOW);
    assertSame(CsrfToken.Verdict.VALID, CsrfToken.verify(token, "k", 7200, NOW));
    assertSame(CsrfToken.Verdict.VALID, CsrfToken.verify(token, "k", 7200, NOW + 7200));
    assertSame(CsrfToken.Verdict.EXPIRED, CsrfToken.verify(token, "k", 7200, NOW + 7201));
    assertSame(CsrfToken.Verdict.VALID, CsrfToken.verify(token, "k", 0, NOW + 1_000_000), "0: never expires");
  }

  @Test
  void token_refused_withOtherKey_tamperedOrGarbage() {
    String token = CsrfToken.issue("k", 0.5, NOW);
    assertSame(CsrfToken.Verdict.BAD_SIGNATURE, CsrfToken.verify(token, "other", 7200, NOW));
    String tampered = encode("{\"random\":0.6,\"expires\":" + NOW + ",\"sign\":\"" + CsrfToken.sign("0.5", "" + NOW, "k") + "\"}");
    assertSame(CsrfToken.Verdict.BAD_SIGNATURE, CsrfToken.verify(tampered, "k", 7200, NOW));
    assertSame(CsrfToken.Verdict.MALFORMED, CsrfToken.verify("%%%not base64", "k", 7200, NOW));
    assertSame(CsrfToken.Verdict.MALFORMED, CsrfToken.verify(encode("not json"), "k", 7200, NOW));
    assertSame(CsrfToken.Verdict.MALFORMED, CsrfToken.verify(encode("{\"expires\":1,\"sign\":\"x\"}"), "k", 7200, NOW));
    assertSame(CsrfToken.Verdict.MALFORMED, CsrfToken.verify(encode("{\"random\":1,\"sign\":\"x\"}"), "k", 7200, NOW));
  }

  @Test
  void token_fromApisixWithLongRandom_verifies() {
    // lua-cjson writes 14 significant digits, and the signature is over the same text
    String random = "0.84018771715471";
    String token = encode("{\"sign\":\"" + CsrfToken.sign(random, "" + NOW, "k") + "\",\"expires\":" + NOW
        + ",\"random\":" + random + "}");
    assertSame(CsrfToken.Verdict.VALID, CsrfToken.verify(token, "k", 7200, NOW + 5));
  }

  // ---- plugin ----

  @Test
  void plugin_safeMethodsPass_unsafeNeedHeaderAndCookie() {
    AtomicLong clock = new AtomicLong(NOW);
    CsrfPlugin p = new CsrfPlugin(clock::get);
    var conf = p.decode(PluginLogicTest.json("{'key':'userkey'}"));
    assertEquals(7200, conf.expires());
    assertEquals("apisix-csrf-token", conf.name());
    for (String safe : new String[] {"GET", "HEAD", "OPTIONS"}) {
      FakeContext ctx = new FakeContext();
      ctx.method = safe;
      assertSame(PhaseResult.CONTINUE, p.access(conf, ctx));
    }
    FakeContext post = new FakeContext();
    post.method = "POST";
    assertRefused("no csrf token in headers", p.access(conf, post));
    post.header("apisix-csrf-token", "");
    assertRefused("no csrf token in headers", p.access(conf, post));
    String token = CsrfToken.issue("userkey", 0.5, NOW);
    post.header("apisix-csrf-token", token);
    assertRefused("no csrf cookie", p.access(conf, post));
    post.vars.put("cookie_apisix-csrf-token", token + "x");
    assertRefused("csrf token mismatch", p.access(conf, post));
    post.vars.put("cookie_apisix-csrf-token", token);
    assertSame(PhaseResult.CONTINUE, p.access(conf, post));
    clock.set(NOW + 7201);
    assertRefused("Failed to verify the csrf token signature", p.access(conf, post));
    String foreign = CsrfToken.issue("otherkey", 0.5, NOW + 7201);
    post.header("apisix-csrf-token", foreign);
    post.vars.put("cookie_apisix-csrf-token", foreign);
    assertRefused("Failed to verify the csrf token signature", p.access(conf, post));
  }

  @Test
  void plugin_headerFilter_setsCookieInApisixFormat_withConfiguredName() {
    CsrfPlugin p = new CsrfPlugin(() -> NOW);
    var conf = p.decode(PluginLogicTest.json("{'key':'k','expires':60,'name':'my-token'}"));
    FakeContext ctx = new FakeContext();
    p.headerFilter(conf, ctx);
    String cookie = ctx.responseHeader("Set-Cookie");
    // 1700000000 + 60 = Tue, 14 Nov 2023 22:14:20 UTC
    assertTrue(cookie.matches("my-token=[A-Za-z0-9+/=]+;path=/;SameSite=Lax;Expires=Tue, 14-Nov-23 22:14:20 GMT"), cookie);
    String token = cookie.substring("my-token=".length(), cookie.indexOf(';'));
    assertSame(CsrfToken.Verdict.VALID, CsrfToken.verify(token, "k", 60, NOW));
    assertNull(new FakeContext().responseHeader("Set-Cookie"));
  }

  @Test
  void cookieTime_twoDigitYearUntil2037() {
    assertEquals("Thu, 18-Nov-10 11:27:35 GMT", CsrfPlugin.cookieTime(1290079655L));
    assertEquals("Fri, 01-Jan-2038 00:00:00 GMT", CsrfPlugin.cookieTime(2145916800L));
  }

  private static void assertRefused(String message, PhaseResult r) {
    assertEquals(401, PluginLogicTest.status(r));
    assertEquals("{\"error_msg\":\"" + message + "\"}", PluginLogicTest.body(r));
  }

  private static String encode(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String sha256Hex(String s) throws Exception {
    return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
  }
}
