package plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.util.concurrent.TimeUnit;
import lib.Http;
import org.apigw.plugins.auth.JwtSigner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** jwt-auth through the real gateway: consumers and credentials from the Admin API, tokens from the client. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JwtAuthIT extends PluginITBase {

  private static String hs256(String key, String secret) {
    long exp = System.currentTimeMillis() / 1000 + 600;
    return JwtSigner.token("HS256", JwtSigner.secret("HS256", secret), "{\"key\":\"" + key + "\",\"exp\":" + exp + "}");
  }

  @Test
  void consumerWithHs256_goodTokenReachesTheUpstreamAsTheConsumer_badTokenIs401() {
    gw.put("/consumers", "{\"username\":\"jack\",\"plugins\":{\"jwt-auth\":{\"key\":\"jack-key\",\"secret\":\"jack-secret\"}}}");
    route("jwt", "/jwt", "{\"jwt-auth\":{}}");
    String token = hs256("jack-key", "jack-secret");

    Http.Response ok = eventually(() -> gw.proxy("/jwt").header("Authorization", "Bearer " + token).send(), 200);
    assertEquals("jack", ok.json().path("headers").path("x-consumer-username").asText(), ok.toString());
    assertEquals("Bearer " + token, ok.json().path("headers").path("authorization").asText(), "kept by default");
    assertEquals(200, gw.proxy("/jwt?jwt=" + token).send().status());

    Http.Response wrongSecret = gw.proxy("/jwt").header("Authorization", hs256("jack-key", "guess")).send();
    assertEquals(401, wrongSecret.status());
    assertEquals("{\"message\":\"failed to verify jwt\"}", wrongSecret.body());
    assertEquals("Bearer realm=\"jwt\"", wrongSecret.header("WWW-Authenticate"));

    Http.Response missing = gw.get("/jwt");
    assertEquals(401, missing.status());
    assertEquals("{\"message\":\"Missing JWT token in request\"}", missing.body());

    Http.Response unknown = gw.proxy("/jwt").header("Authorization", hs256("nobody", "jack-secret")).send();
    assertEquals("{\"message\":\"Invalid user key in JWT token\"}", unknown.body());
    assertEquals("{\"message\":\"JWT token invalid\"}", gw.proxy("/jwt").header("Authorization", "x.y.z").send().body());
  }

  @Test
  void credentialWithRs256_andHideCredentialsFromACookie() {
    KeyPair rsa = JwtSigner.rsa();
    gw.put("/consumers", "{\"username\":\"jane\"}");
    String pem = JwtSigner.pem(rsa.getPublic()).replace("\n", "\\n");
    gw.put("/consumers/jane/credentials/jane-rsa",
        "{\"plugins\":{\"jwt-auth\":{\"key\":\"jane-key\",\"algorithm\":\"RS256\",\"public_key\":\"" + pem + "\"}}}");
    route("jwt-rs", "/jwt-rs", "{\"jwt-auth\":{\"hide_credentials\":true}}");
    String token = JwtSigner.token("RS256", rsa.getPrivate(), "{\"key\":\"jane-key\"}");

    Http.Response ok = eventually(() -> gw.proxy("/jwt-rs").header("Cookie", "a=1; jwt=" + token).send(), 200);
    assertEquals("jane", ok.json().path("headers").path("x-consumer-username").asText(), ok.toString());
    assertEquals("jane-rsa", ok.json().path("headers").path("x-credential-identifier").asText(), ok.toString());
    assertEquals("a=1", ok.json().path("headers").path("cookie").asText(), ok.toString());

    // an HS256 token keyed with the public key text must not pass for an RS256 consumer
    String confused = JwtSigner.token("HS256", JwtSigner.secret("HS256", JwtSigner.pem(rsa.getPublic())), "{\"key\":\"jane-key\"}");
    Http.Response r = gw.proxy("/jwt-rs").header("Authorization", confused).send();
    assertEquals(401, r.status());
    assertEquals("{\"message\":\"failed to verify jwt\"}", r.body());
  }

  @Test
  void schemaErrors_nameTheField() {
    assertAdminError("/consumers", "{\"username\":\"bad1\",\"plugins\":{\"jwt-auth\":{\"key\":\"k\",\"secret\":\"s\",\"algorithm\":\"HS999\"}}}",
        "invalid plugins configuration: failed to check the configuration of plugin jwt-auth err: "
            + "property \"algorithm\" validation failed: matches none of the enum values");
    assertAdminError("/consumers", "{\"username\":\"bad2\",\"plugins\":{\"jwt-auth\":{\"key\":\"k\",\"algorithm\":\"ES256\"}}}",
        "invalid plugins configuration: failed to check the configuration of plugin jwt-auth err: "
            + "property \"public_key\" is required when \"algorithm\" is \"ES256\"");
    assertAdminError("/consumers", "{\"username\":\"bad3\",\"plugins\":{\"jwt-auth\":{\"secret\":\"s\"}}}",
        "invalid plugins configuration: failed to check the configuration of plugin jwt-auth err: property \"key\" is required");
    assertAdminError("/routes/jwt-bad", "{\"uri\":\"/x\",\"plugins\":{\"jwt-auth\":{\"claims_to_verify\":[\"iat\"]}}," + upstream() + "}",
        "failed to check the configuration of plugin jwt-auth err: property \"claims_to_verify\" validation failed: "
            + "failed to validate item 1: matches none of the enum values");
    gw.put("/consumers", "{\"username\":\"jill\"}");
    Http.Response cred = gw.admin("PUT", "/consumers/jill/credentials/c1",
        "{\"plugins\":{\"jwt-auth\":{\"key\":\"k\",\"algorithm\":\"RS256\",\"public_key\":\"not a key\"}}}");
    assertEquals(400, cred.status(), cred.toString());
    assertTrue(cred.json().path("error_msg").asText().contains("invalid public_key: not a PEM block"), cred.toString());
  }
}
