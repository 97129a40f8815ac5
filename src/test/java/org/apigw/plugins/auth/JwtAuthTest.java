package org.apigw.plugins.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.Key;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.apigw.plugin.Credential;
import org.apigw.plugin.FakeContext;
import org.apigw.plugin.Json;
import org.apigw.plugin.PhaseResult;
import org.apigw.plugin.PluginConfigException;
import org.apigw.resource.Consumer;
import org.apigw.resource.SchemaValidator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JwtAuthTest {

  private static final long NOW = 1_700_000_000L;
  private static final JwtAuthPlugin PLUGIN =
      new JwtAuthPlugin(Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));
  private static final KeyPair RSA = JwtSigner.rsa();
  private static final Map<String, KeyPair> EC =
      Map.of("256", JwtSigner.ec("secp256r1"), "384", JwtSigner.ec("secp384r1"), "512", JwtSigner.ec("secp521r1"));
  private static final KeyPair ED = JwtSigner.ed25519();

  static JsonNode json(String s) {
    try {
      return Json.MAPPER.readTree(s.replace('\'', '"'));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static String body(PhaseResult r) {
    return ((PhaseResult.Respond) r).body().toString();
  }

  /** A context in which consumer {@code user} holds jwt-auth conf {@code consumerConf}. */
  static FakeContext withConsumer(String user, JsonNode consumerConf) {
    FakeContext ctx = new FakeContext();
    Consumer consumer = new Consumer(user, null, null, Map.of("jwt-auth", consumerConf), Map.of());
    ctx.credentials.put(
        "jwt-auth/" + consumerConf.get("key").asText(), new Credential(consumer, null, PLUGIN.decodeConsumer(consumerConf)));
    return ctx;
  }

  static JsonNode hs256(String key, String secret) {
    return json("{'key':'" + key + "','secret':'" + secret + "'}");
  }

  static ObjectNode asymmetric(String key, String alg, java.security.PublicKey pub) {
    ObjectNode conf = (ObjectNode) json("{'key':'" + key + "','algorithm':'" + alg + "'}");
    conf.put("public_key", JwtSigner.pem(pub));
    return conf;
  }

  private static PhaseResult run(String routeConf, FakeContext ctx) {
    return PLUGIN.rewrite(PLUGIN.decode(json(routeConf)), ctx);
  }

  private static void assert401(PhaseResult r, String message) {
    PhaseResult.Respond respond = (PhaseResult.Respond) r;
    assertEquals(401, respond.status());
    assertEquals("{\"message\":\"" + message + "\"}", body(r));
    assertEquals("Bearer realm=\"jwt\"", respond.headers().get("WWW-Authenticate"));
  }

  // ---- every algorithm family ----

  @ParameterizedTest
  @ValueSource(strings = {"HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512",
      "PS256", "PS384", "PS512", "EdDSA"})
  void everyAlgorithm_signedByTheConsumersKey_passes_tamperedPayload_fails(String alg) {
    Key signing;
    JsonNode consumerConf;
    switch (alg.substring(0, 2)) {
      case "HS" -> {
        signing = JwtSigner.secret(alg, "s3cr3t-" + alg);
        consumerConf = json("{'key':'user-key','algorithm':'" + alg + "','secret':'s3cr3t-" + alg + "'}");
      }
      case "RS", "PS" -> {
        signing = RSA.getPrivate();
        consumerConf = asymmetric("user-key", alg, RSA.getPublic());
      }
      case "ES" -> {
        KeyPair pair = EC.get(alg.substring(2));
        signing = pair.getPrivate();
        consumerConf = asymmetric("user-key", alg, pair.getPublic());
      }
      default -> {
        signing = ED.getPrivate();
        consumerConf = asymmetric("user-key", alg, ED.getPublic());
      }
    }
    String token = JwtSigner.token(alg, signing, "{\"key\":\"user-key\",\"exp\":" + (NOW + 60) + "}");
    FakeContext ok = withConsumer("jack", consumerConf).header("Authorization", "Bearer " + token);
    assertSame(PhaseResult.CONTINUE, run("{}", ok));
    assertEquals("jack", ok.consumer().consumer().username());

    // same header and signature over another payload
    String[] parts = ok.header("Authorization").substring(7).split("\\.");
    String forged = JwtSigner.token(alg, signing, "{\"key\":\"user-key\",\"exp\":" + (NOW + 9999) + "}").split("\\.")[1];
    FakeContext bad = withConsumer("jack", consumerConf).header("Authorization", parts[0] + "." + forged + "." + parts[2]);
    assert401(run("{}", bad), "failed to verify jwt");
    assertNull(bad.consumer());
  }

  @Test
  void rfc7515_appendixA1_hs256_knownAnswer() {
    // RFC 7515 A.1: key given as base64url JWK "k"; base64_secret takes standard base64
    JsonNode consumer = json("{'key':'joe','base64_secret':true,"
        + "'secret':'AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ+EstJQLr/T+1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow=='}");
    String token = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
        + ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
        + ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    FakeContext ctx = withConsumer("joe", consumer).header("Authorization", token);
    // its exp (2011) is long past: only with exp unchecked does it pass
    assertSame(PhaseResult.CONTINUE, run("{'key_claim_name':'iss','claims_to_verify':['nbf']}", ctx));
    assertEquals("joe", ctx.consumer().consumer().username());
    FakeContext expired = withConsumer("joe", consumer).header("Authorization", token);
    assert401(run("{'key_claim_name':'iss'}", expired), "failed to verify jwt");
  }

  // ---- failures ----

  @Test
  void algorithmInHeader_mustBeTheConsumers() {
    // an HS256 token "signed" with the RSA public key's PEM as secret: the classic confusion attack
    String pem = JwtSigner.pem(RSA.getPublic());
    String token = JwtSigner.token("HS256", JwtSigner.secret("HS256", pem), "{\"key\":\"rk\"}");
    assert401(run("{}", withConsumer("r", asymmetric("rk", "RS256", RSA.getPublic())).header("Authorization", token)),
        "failed to verify jwt");
    // an RS512 signature for an RS256 consumer
    String rs512 = JwtSigner.token("RS512", RSA.getPrivate(), "{\"key\":\"rk\"}");
    assert401(run("{}", withConsumer("r", asymmetric("rk", "RS256", RSA.getPublic())).header("Authorization", rs512)),
        "failed to verify jwt");
    // alg none
    String none = JwtSigner.token("HS256", JwtSigner.secret("HS256", "k"), "{\"key\":\"u\"}");
    String[] p = none.split("\\.");
    String unsigned = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes()) + "." + p[1] + ".";
    assert401(run("{}", withConsumer("u", hs256("u", "k")).header("Authorization", unsigned)), "failed to verify jwt");
  }

  @Test
  void wrongSecret_fails() {
    String token = JwtSigner.token("HS256", JwtSigner.secret("HS256", "other"), "{\"key\":\"u\"}");
    assert401(run("{}", withConsumer("u", hs256("u", "mine")).header("Authorization", token)), "failed to verify jwt");
  }

  @Test
  void expAndNbf_withGracePeriod_andClaimsToVerify() {
    JsonNode noGrace = hs256("u", "k");
    JsonNode grace = json("{'key':'u','secret':'k','lifetime_grace_period':10}");
    String expired = JwtSigner.token("HS256", JwtSigner.secret("HS256", "k"), "{\"key\":\"u\",\"exp\":" + (NOW - 5) + "}");
    String expiresNow = JwtSigner.token("HS256", JwtSigner.secret("HS256", "k"), "{\"key\":\"u\",\"exp\":" + NOW + "}");
    String early = JwtSigner.token("HS256", JwtSigner.secret("HS256", "k"), "{\"key\":\"u\",\"nbf\":" + (NOW + 5) + "}");
    String nbfNow = JwtSigner.token("HS256", JwtSigner.secret("HS256", "k"), "{\"key\":\"u\",\"nbf\":" + NOW + "}");
    String textExp = JwtSigner.token("HS256", JwtSigner.secret("HS256", "k"), "{\"key\":\"u\",\"exp\":\"tomorrow\"}");

    assert401(run("{}", withConsumer("u", noGrace).header("Authorization", expired)), "failed to verify jwt");
    assert401(run("{}", withConsumer("u", noGrace).header("Authorization", expiresNow)), "failed to verify jwt");
    assertSame(PhaseResult.CONTINUE, run("{}", withConsumer("u", grace).header("Authorization", expired)));
    assert401(run("{}", withConsumer("u", noGrace).header("Authorization", early)), "failed to verify jwt");
    assertSame(PhaseResult.CONTINUE, run("{}", withConsumer("u", grace).header("Authorization", early)));
    assertSame(PhaseResult.CONTINUE, run("{}", withConsumer("u", noGrace).header("Authorization", nbfNow)));
    assert401(run("{}", withConsumer("u", noGrace).header("Authorization", textExp)), "failed to verify jwt");
    // only the listed claims are checked
    assertSame(PhaseResult.CONTINUE, run("{'claims_to_verify':['nbf']}", withConsumer("u", noGrace).header("Authorization", expired)));
    assertSame(PhaseResult.CONTINUE, run("{'claims_to_verify':[]}", withConsumer("u", noGrace).header("Authorization", early)));
    assert401(run("{'claims_to_verify':['exp']}", withConsumer("u", noGrace).header("Authorization", expired)), "failed to verify jwt");
  }

  @Test
  void missingToken_garbage_missingAndUnknownKey() {
    assert401(run("{}", withConsumer("u", hs256("u", "k"))), "Missing JWT token in request");
    assert401(run("{}", withConsumer("u", hs256("u", "k")).header("Authorization", "Bearer abc")), "JWT token invalid");
    assert401(run("{}", withConsumer("u", hs256("u", "k")).header("Authorization", "a.b.c")), "JWT token invalid");
    String arrayPayload = JwtSigner.token("HS256", JwtSigner.secret("HS256", "k"), "[1]");
    assert401(run("{}", withConsumer("u", hs256("u", "k")).header("Authorization", arrayPayload)), "JWT token invalid");
    String noKey = JwtSigner.token("HS256", JwtSigner.secret("HS256", "k"), "{\"sub\":\"u\"}");
    assert401(run("{}", withConsumer("u", hs256("u", "k")).header("Authorization", noKey)), "missing user key in JWT token");
    String unknown = JwtSigner.token("HS256", JwtSigner.secret("HS256", "k"), "{\"key\":\"nobody\"}");
    assert401(run("{}", withConsumer("u", hs256("u", "k")).header("Authorization", unknown)), "Invalid user key in JWT token");
    String numeric = JwtSigner.token("HS256", JwtSigner.secret("HS256", "k"), "{\"key\":7}");
    assert401(run("{}", withConsumer("7", hs256("7", "k")).header("Authorization", numeric)), "Invalid user key in JWT token");
  }

  @Test
  void realm_andAnonymousConsumer() {
    PhaseResult r = run("{'realm':'apis'}", new FakeContext());
    assertEquals("Bearer realm=\"apis\"", ((PhaseResult.Respond) r).headers().get("WWW-Authenticate"));
    FakeContext ctx = new FakeContext();
    ctx.consumers.put("guest", new Consumer("guest", null, null, Map.of(), Map.of()));
    assertSame(PhaseResult.CONTINUE, run("{'anonymous_consumer':'guest'}", ctx.header("Authorization", "junk")));
    assertEquals("guest", ctx.consumer().consumer().username());
  }

  // ---- where the token comes from ----

  @Test
  void headerBeatsQueryBeatsCookie_andLowercaseBearer() {
    String good = JwtSigner.token("HS256", JwtSigner.secret("HS256", "k"), "{\"key\":\"u\"}");
    assertSame(PhaseResult.CONTINUE, run("{}", withConsumer("u", hs256("u", "k")).header("Authorization", "bearer " + good)));
    // a bad header wins over a good query argument
    assert401(run("{}", withConsumer("u", hs256("u", "k")).header("Authorization", "junk").query("jwt=" + good)),
        "JWT token invalid");
    assertSame(PhaseResult.CONTINUE, run("{}", withConsumer("u", hs256("u", "k")).query("a=1&jwt=" + good)));
    assert401(run("{}", withConsumer("u", hs256("u", "k")).query("jwt=junk").header("Cookie", "jwt=" + good)),
        "JWT token invalid");
    assertSame(PhaseResult.CONTINUE, run("{}", withConsumer("u", hs256("u", "k")).header("Cookie", "a=1; jwt=" + good)));
    assertSame(PhaseResult.CONTINUE,
        run("{'header':'X-Token','query':'t','cookie':'c'}", withConsumer("u", hs256("u", "k")).header("X-Token", good)));
    assertSame(PhaseResult.CONTINUE,
        run("{'header':'X-Token','query':'t','cookie':'c'}", withConsumer("u", hs256("u", "k")).header("Cookie", "c=" + good)));
  }

  @Test
  void hideCredentials_removesTheTokenFromWhereItWasFound_only() {
    String good = JwtSigner.token("HS256", JwtSigner.secret("HS256", "k"), "{\"key\":\"u\"}");
    FakeContext h = withConsumer("u", hs256("u", "k")).header("Authorization", good).query("jwt=other");
    assertSame(PhaseResult.CONTINUE, run("{'hide_credentials':true}", h));
    assertNull(h.header("Authorization"));
    assertEquals("jwt=other", h.query());

    FakeContext q = withConsumer("u", hs256("u", "k")).query("a=1&jwt=" + good + "&b=2");
    assertSame(PhaseResult.CONTINUE, run("{'hide_credentials':true}", q));
    assertEquals("a=1&b=2", q.query());

    FakeContext c = withConsumer("u", hs256("u", "k")).header("Cookie", "a=1; jwt=" + good + "; b=2");
    assertSame(PhaseResult.CONTINUE, run("{'hide_credentials':true}", c));
    assertEquals("a=1; b=2", c.header("Cookie"));

    FakeContext only = withConsumer("u", hs256("u", "k")).header("Cookie", "jwt=" + good);
    assertSame(PhaseResult.CONTINUE, run("{'hide_credentials':true}", only));
    assertNull(only.header("Cookie"));

    FakeContext kept = withConsumer("u", hs256("u", "k")).header("Authorization", good);
    assertSame(PhaseResult.CONTINUE, run("{}", kept));
    assertEquals(good, kept.header("Authorization"));
  }

  @Test
  void storeInCtx_keepsThePayload() {
    String good = JwtSigner.token("HS256", JwtSigner.secret("HS256", "k"), "{\"key\":\"u\",\"role\":\"admin\"}");
    FakeContext on = withConsumer("u", hs256("u", "k")).header("Authorization", good);
    assertSame(PhaseResult.CONTINUE, run("{'store_in_ctx':true}", on));
    assertEquals("admin", ((JsonNode) on.attr(JwtAuthPlugin.PAYLOAD_ATTR)).path("role").asText());
    FakeContext off = withConsumer("u", hs256("u", "k")).header("Authorization", good);
    assertSame(PhaseResult.CONTINUE, run("{}", off));
    assertNull(off.attr(JwtAuthPlugin.PAYLOAD_ATTR));
  }

  // ---- consumer conf ----

  @Test
  void consumerConf_checksBeyondTheSchema() {
    assertEquals("property \"secret\" is required when \"algorithm\" is \"HS384\"",
        assertThrows(PluginConfigException.class, () -> PLUGIN.decodeConsumer(json("{'key':'a','algorithm':'HS384'}"))).getMessage());
    assertEquals("property \"public_key\" is required when \"algorithm\" is \"RS256\"",
        assertThrows(PluginConfigException.class, () -> PLUGIN.decodeConsumer(json("{'key':'a','algorithm':'RS256'}"))).getMessage());
    assertEquals("base64_secret required but the secret is not in base64 format",
        assertThrows(PluginConfigException.class,
            () -> PLUGIN.decodeConsumer(json("{'key':'a','secret':'not base64!','base64_secret':true}"))).getMessage());
    assertTrue(assertThrows(PluginConfigException.class,
            () -> PLUGIN.decodeConsumer(json("{'key':'a','algorithm':'RS256','public_key':'hello'}")))
        .getMessage().startsWith("invalid public_key: not a PEM block"));
    assertEquals("invalid public_key: ES256 requires a P-256 key, got a 384-bit curve",
        assertThrows(PluginConfigException.class, () -> PLUGIN.decodeConsumer(asymmetric("a", "ES256", EC.get("384").getPublic())))
            .getMessage());
    assertTrue(assertThrows(PluginConfigException.class, () -> PLUGIN.decodeConsumer(asymmetric("a", "RS256", ED.getPublic())))
        .getMessage().startsWith("invalid public_key: not a valid RSA public key"));
    assertTrue(assertThrows(PluginConfigException.class, () -> PLUGIN.decodeConsumer(asymmetric("a", "EdDSA", RSA.getPublic())))
        .getMessage().startsWith("invalid public_key: not a valid EdDSA public key"));
  }

  @Test
  void schemas_nameTheField() {
    SchemaValidator.Check consumer = SchemaValidator.compileClasspath(Json.MAPPER, "plugins/jwt-auth.consumer.json");
    assertEquals("property \"key\" is required", consumer.validate(json("{'secret':'s'}")).orElseThrow());
    assertEquals("property \"algorithm\" validation failed: matches none of the enum values",
        consumer.validate(json("{'key':'k','secret':'s','algorithm':'HS999'}")).orElseThrow());
    assertEquals("property \"lifetime_grace_period\" validation failed: expected -1 to be at least 0",
        consumer.validate(json("{'key':'k','secret':'s','lifetime_grace_period':-1}")).orElseThrow());
    SchemaValidator.Check route = SchemaValidator.compileClasspath(Json.MAPPER, "plugins/jwt-auth.json");
    assertEquals("property \"claims_to_verify\" validation failed: failed to validate item 1: matches none of the enum values",
        route.validate(json("{'claims_to_verify':['iat']}")).orElseThrow());
    assertTrue(route.validate(json("{}")).isEmpty());
  }
}
