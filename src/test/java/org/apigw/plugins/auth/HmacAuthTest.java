package org.apigw.plugins.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apigw.plugin.Credential;
import org.apigw.plugin.FakeContext;
import org.apigw.plugin.Json;
import org.apigw.plugin.PhaseResult;
import org.apigw.plugin.PluginConfigException;
import org.apigw.resource.Consumer;
import org.apigw.resource.SchemaValidator;
import org.junit.jupiter.api.Test;

class HmacAuthTest {

  /** The Date of the first example in APISIX's hmac-auth docs. */
  private static final String DOC_DATE = "Fri, 06 Sep 2024 06:41:29 GMT";
  private static final Instant DOC_NOW = ZonedDateTime.parse(DOC_DATE, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
  private static final HmacAuthPlugin PLUGIN = new HmacAuthPlugin(Clock.fixed(DOC_NOW, ZoneOffset.UTC));

  static JsonNode json(String s) {
    try {
      return Json.MAPPER.readTree(s.replace('\'', '"'));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** A GET /get request in which consumer john holds key id john-key, secret john-secret-key. */
  static FakeContext johnsRequest() {
    FakeContext ctx = new FakeContext().uri("/get");
    JsonNode conf = json("{'key_id':'john-key','secret_key':'john-secret-key'}");
    Consumer john = new Consumer("john", null, null, Map.of("hmac-auth", conf), Map.of());
    ctx.credentials.put("hmac-auth/john-key", new Credential(john, null, PLUGIN.decodeConsumer(conf)));
    return ctx;
  }

  static String authorization(String keyId, String alg, String headers, String signature) {
    return "Signature keyId=\"" + keyId + "\",algorithm=\"" + alg + "\",headers=\"" + headers + "\",signature=\"" + signature + "\"";
  }

  static String sign(String alg, String secret, String signingString) {
    return Base64.getEncoder().encodeToString(
        HmacAuthPlugin.hmac(alg, secret.getBytes(StandardCharsets.UTF_8), signingString));
  }

  private static PhaseResult run(String routeConf, FakeContext ctx) {
    return PLUGIN.rewrite(PLUGIN.decode(json(routeConf)), ctx);
  }

  private static void assert401(PhaseResult r, String message) {
    PhaseResult.Respond respond = (PhaseResult.Respond) r;
    assertEquals(401, respond.status());
    assertEquals("{\"message\":\"" + message + "\"}", respond.body().toString());
    assertEquals("hmac realm=\"hmac\"", respond.headers().get("WWW-Authenticate"));
  }

  // ---- signing string: known answers ----
  // The signatures below are what the Python generator in APISIX's hmac-auth docs computes for
  // these inputs (run with CPython's hmac module). The outputs printed in the docs do not match
  // their own script, so they are not used.

  @Test
  void docExample_requestTargetAndDate() {
    FakeContext ctx = johnsRequest()
        .header("Date", DOC_DATE)
        .header("Authorization", authorization("john-key", "hmac-sha256", "@request-target date",
            "j+feO3Wm5em0agp0A70FZErf6lrMDVs7zjQ9MxomPx0="));
    assertSame(PhaseResult.CONTINUE, run("{}", ctx));
    assertEquals("john", ctx.consumer().consumer().username());
    assertTrue(ctx.header("Authorization").startsWith("Signature"), "kept without hide_credentials");
  }

  @Test
  void docExample_signedCustomHeaders() {
    String date = "Fri, 06 Sep 2024 09:58:49 GMT";
    HmacAuthPlugin plugin = new HmacAuthPlugin(Clock.fixed(
        ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant(), ZoneOffset.UTC));
    FakeContext ctx = johnsRequest()
        .header("Date", date)
        .header("x-custom-header-a", "hello123")
        .header("x-custom-header-b", "world456")
        .header("Authorization", authorization("john-key", "hmac-sha256",
            "@request-target date x-custom-header-a x-custom-header-b", "v56O++1b6Ke7wkM8WJlbKSV0trP1b9bE2kvdHlGHlj0="));
    var conf = plugin.decode(json("{'signed_headers':['date','x-custom-header-a','x-custom-header-b']}"));
    assertSame(PhaseResult.CONTINUE, plugin.rewrite(conf, ctx));
    // another value for a signed header breaks the signature
    ctx.header("x-custom-header-b", "world457");
    assert401(plugin.rewrite(conf, ctx), "client request can't be validated");
  }

  @Test
  void signingString_layout() {
    HmacSignature sig = HmacSignature.parse(authorization("k", "hmac-sha1", "@request-target date x-absent x-a", "s"));
    Map<String, String> headers = Map.of("date", "D", "x-a", "A");
    assertEquals("k\nPOST /p?q=1\ndate: D\nx-a: A\n", sig.signingString(headers::get, "POST", "/p?q=1"));
    assertEquals("k\nGET /\n", HmacSignature.parse(authorization("k", "a", "@request-target", "s"))
        .signingString(n -> null, "GET", ""));
    assertEquals("k\n", HmacSignature.parse("Signature keyId=\"k\",signature=\"s\"").signingString(n -> null, "GET", "/"));
  }

  @Test
  void parse_takesFieldsInAnyOrder_withSpaces() {
    HmacSignature sig = HmacSignature.parse(
        "Signature algorithm=\"hmac-sha512\", keyId=\"id\" ,headers=\"a  b\",signature=\"c2ln\",created=\"1\"");
    assertEquals("id", sig.keyId());
    assertEquals("hmac-sha512", sig.algorithm());
    assertEquals(List.of("a", "b"), sig.headers());
    assertEquals("c2ln", sig.signature());
    assertNull(HmacSignature.parse("Signature keyId=\"id\"").headers());
  }

  @Test
  void queryIsPartOfTheRequestTarget_everyAllowedAlgorithm() {
    for (String alg : List.of("hmac-sha1", "hmac-sha256", "hmac-sha512")) {
      String signature = sign(alg, "john-secret-key", "john-key\nGET /get?a=1&b=2\ndate: " + DOC_DATE + "\n");
      FakeContext ok = johnsRequest().query("a=1&b=2").header("Date", DOC_DATE)
          .header("Authorization", authorization("john-key", alg, "@request-target date", signature));
      assertSame(PhaseResult.CONTINUE, run("{}", ok), alg);
      FakeContext otherQuery = johnsRequest().query("a=1&b=3").header("Date", DOC_DATE)
          .header("Authorization", authorization("john-key", alg, "@request-target date", signature));
      assert401(run("{}", otherQuery), "client request can't be validated");
    }
  }

  // ---- failures, in APISIX's order ----

  @Test
  void missingOrForeignAuthorization_isNamedInTheBody() {
    assert401(run("{}", johnsRequest()), "client request can't be validated: missing Authorization header");
    assert401(run("{}", johnsRequest().header("Authorization", "Basic abc")),
        "client request can't be validated: Authorization header does not start with 'Signature'");
  }

  @Test
  void everyLaterFailure_isTheSameOpaque401() {
    String good = sign("hmac-sha256", "john-secret-key", "john-key\nGET /get\ndate: " + DOC_DATE + "\n");
    String opaque = "client request can't be validated";
    // algorithm missing
    assert401(run("{}", johnsRequest().header("Date", DOC_DATE)
        .header("Authorization", "Signature keyId=\"john-key\",headers=\"@request-target date\",signature=\"" + good + "\"")), opaque);
    // keyId missing
    assert401(run("{}", johnsRequest().header("Date", DOC_DATE)
        .header("Authorization", "Signature algorithm=\"hmac-sha256\",signature=\"" + good + "\"")), opaque);
    // unknown key id
    assert401(run("{}", johnsRequest().header("Date", DOC_DATE)
        .header("Authorization", authorization("jane-key", "hmac-sha256", "@request-target date", good))), opaque);
    // algorithm not allowed
    assert401(run("{'allowed_algorithms':['hmac-sha512']}", johnsRequest().header("Date", DOC_DATE)
        .header("Authorization", authorization("john-key", "hmac-sha256", "@request-target date", good))), opaque);
    // wrong secret
    assert401(run("{}", johnsRequest().header("Date", DOC_DATE)
        .header("Authorization", authorization("john-key", "hmac-sha256", "@request-target date",
            sign("hmac-sha256", "nope", "john-key\nGET /get\ndate: " + DOC_DATE + "\n")))), opaque);
    // not base64
    assert401(run("{}", johnsRequest().header("Date", DOC_DATE)
        .header("Authorization", authorization("john-key", "hmac-sha256", "@request-target date", "%%%"))), opaque);
  }

  @Test
  void clockSkew_dateRequired_xDateAccepted() {
    String headers = "@request-target date";
    String signature = sign("hmac-sha256", "john-secret-key", "john-key\nGET /get\ndate: " + DOC_DATE + "\n");
    String auth = authorization("john-key", "hmac-sha256", headers, signature);
    assert401(run("{}", johnsRequest().header("Authorization", auth)), "client request can't be validated");
    assert401(run("{}", johnsRequest().header("Authorization", auth).header("Date", "yesterday")),
        "client request can't be validated");

    HmacAuthPlugin later = new HmacAuthPlugin(Clock.fixed(DOC_NOW.plusSeconds(301), ZoneOffset.UTC));
    FakeContext late = johnsRequest().header("Date", DOC_DATE).header("Authorization", auth);
    assert401(later.rewrite(later.decode(json("{}")), late), "client request can't be validated");
    FakeContext widened = johnsRequest().header("Date", DOC_DATE).header("Authorization", auth);
    assertSame(PhaseResult.CONTINUE, later.rewrite(later.decode(json("{'clock_skew':301}")), widened));
    HmacAuthPlugin earlier = new HmacAuthPlugin(Clock.fixed(DOC_NOW.minusSeconds(300), ZoneOffset.UTC));
    FakeContext early = johnsRequest().header("Date", DOC_DATE).header("Authorization", auth);
    assertSame(PhaseResult.CONTINUE, earlier.rewrite(earlier.decode(json("{}")), early));

    // X-Date stands in for Date in the skew check; the signing string names what was signed
    String xDateSig = sign("hmac-sha256", "john-secret-key", "john-key\nGET /get\nx-date: " + DOC_DATE + "\n");
    FakeContext xDate = johnsRequest().header("X-Date", DOC_DATE)
        .header("Authorization", authorization("john-key", "hmac-sha256", "@request-target x-date", xDateSig));
    assertSame(PhaseResult.CONTINUE, run("{}", xDate));
  }

  @Test
  void signedHeaders_mustAllBeSigned() {
    String signature = sign("hmac-sha256", "john-secret-key", "john-key\nGET /get\ndate: " + DOC_DATE + "\n");
    FakeContext ctx = johnsRequest().header("Date", DOC_DATE).header("x-a", "1")
        .header("Authorization", authorization("john-key", "hmac-sha256", "@request-target date", signature));
    assert401(run("{'signed_headers':['date','x-a']}", ctx), "client request can't be validated");
    FakeContext noHeaders = johnsRequest().header("Date", DOC_DATE)
        .header("Authorization", "Signature keyId=\"john-key\",algorithm=\"hmac-sha256\",signature=\"" + signature + "\"");
    assert401(run("{'signed_headers':['date']}", noHeaders), "client request can't be validated");
    FakeContext fine = johnsRequest().header("Date", DOC_DATE)
        .header("Authorization", authorization("john-key", "hmac-sha256", "@request-target date", signature));
    assertSame(PhaseResult.CONTINUE, run("{'signed_headers':['date']}", fine));
  }

  @Test
  void hideCredentials_andAnonymousConsumer() {
    String signature = sign("hmac-sha256", "john-secret-key", "john-key\nGET /get\ndate: " + DOC_DATE + "\n");
    FakeContext ctx = johnsRequest().header("Date", DOC_DATE)
        .header("Authorization", authorization("john-key", "hmac-sha256", "@request-target date", signature));
    assertSame(PhaseResult.CONTINUE, run("{'hide_credentials':true}", ctx));
    assertNull(ctx.header("Authorization"));

    FakeContext anon = johnsRequest().header("Authorization", "Signature junk");
    anon.consumers.put("guest", new Consumer("guest", null, null, Map.of(), Map.of()));
    assertSame(PhaseResult.CONTINUE, run("{'anonymous_consumer':'guest','hide_credentials':true}", anon));
    assertEquals("guest", anon.consumer().consumer().username());
    assertNull(anon.header("Authorization"));

    PhaseResult realm = run("{'realm':'apis'}", johnsRequest());
    assertEquals("hmac realm=\"apis\"", ((PhaseResult.Respond) realm).headers().get("WWW-Authenticate"));
  }

  // ---- conf ----

  @Test
  void validateRequestBody_isRefusedNamingTheField() {
    PluginConfigException e =
        assertThrows(PluginConfigException.class, () -> PLUGIN.decode(json("{'validate_request_body':true}")));
    assertTrue(e.getMessage().startsWith("property \"validate_request_body\" validation failed: true is not supported"),
        e.getMessage());
    PLUGIN.decode(json("{'validate_request_body':false}"));
  }

  @Test
  void schemas_nameTheField() {
    SchemaValidator.Check route = SchemaValidator.compileClasspath(Json.MAPPER, "plugins/hmac-auth.json");
    assertEquals("property \"clock_skew\" validation failed: expected 0 to be at least 1",
        route.validate(json("{'clock_skew':0}")).orElseThrow());
    assertEquals("property \"allowed_algorithms\" validation failed: failed to validate item 1: matches none of the enum values",
        route.validate(json("{'allowed_algorithms':['md5']}")).orElseThrow());
    assertEquals("property \"allowed_algorithms\" validation failed: expect array to have at least 1 items",
        route.validate(json("{'allowed_algorithms':[]}")).orElseThrow());
    SchemaValidator.Check consumer = SchemaValidator.compileClasspath(Json.MAPPER, "plugins/hmac-auth.consumer.json");
    assertEquals("property \"secret_key\" is required", consumer.validate(json("{'key_id':'k'}")).orElseThrow());
    assertEquals("property \"key_id\" is required", consumer.validate(json("{'secret_key':'s'}")).orElseThrow());
  }
}
