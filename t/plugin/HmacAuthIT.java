package plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import lib.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * hmac-auth through the real gateway. The client signs {@code X-Date} rather than {@code Date}:
 * the JDK HTTP client will not send a Date header, and APISIX accepts X-Date in its place.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HmacAuthIT extends PluginITBase {

  /** An Authorization header signing {@code GET <pathAndQuery>} and X-Date {@code date}. */
  private static String authorization(String keyId, String secret, String pathAndQuery, String date) {
    String signingString = keyId + "\nGET " + pathAndQuery + "\nx-date: " + date + "\n";
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      String signature = Base64.getEncoder().encodeToString(mac.doFinal(signingString.getBytes(StandardCharsets.UTF_8)));
      return "Signature keyId=\"" + keyId + "\",algorithm=\"hmac-sha256\",headers=\"@request-target x-date\",signature=\""
          + signature + "\"";
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String now() {
    return DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC));
  }

  private static Http.Response signed(String keyId, String secret, String pathAndQuery) {
    String date = now();
    return gw.proxy(pathAndQuery).header("X-Date", date).header("Authorization", authorization(keyId, secret, pathAndQuery, date)).send();
  }

  @Test
  void consumerAndCredential_signedRequestsReachTheUpstream_othersAre401() {
    gw.put("/consumers", "{\"username\":\"john\",\"plugins\":{\"hmac-auth\":{\"key_id\":\"john-key\",\"secret_key\":\"john-secret\"}}}");
    route("hmac", "/hmac", "{\"hmac-auth\":{\"hide_credentials\":true}}");

    Http.Response ok = eventually(() -> signed("john-key", "john-secret", "/hmac?a=1"), 200);
    assertEquals("john", ok.json().path("headers").path("x-consumer-username").asText(), ok.toString());
    assertEquals("", ok.json().path("headers").path("authorization").asText(), "hidden from the upstream: " + ok);

    gw.put("/consumers/john/credentials/john-2", "{\"plugins\":{\"hmac-auth\":{\"key_id\":\"john-key-2\",\"secret_key\":\"second\"}}}");
    Http.Response viaCredential = eventually(() -> signed("john-key-2", "second", "/hmac"), 200);
    assertEquals("john-2", viaCredential.json().path("headers").path("x-credential-identifier").asText(), viaCredential.toString());

    Http.Response missing = gw.get("/hmac");
    assertEquals(401, missing.status());
    assertEquals("{\"message\":\"client request can't be validated: missing Authorization header\"}", missing.body());
    assertEquals("hmac realm=\"hmac\"", missing.header("WWW-Authenticate"));

    String date = now();
    Http.Response otherPath = gw.proxy("/hmac?a=2").header("X-Date", date)
        .header("Authorization", authorization("john-key", "john-secret", "/hmac?a=1", date)).send();
    assertEquals(401, otherPath.status());
    assertEquals("{\"message\":\"client request can't be validated\"}", otherPath.body());

    Http.Response wrongSecret = signed("john-key", "guess", "/hmac");
    assertEquals(401, wrongSecret.status());
    assertEquals("{\"message\":\"client request can't be validated\"}", wrongSecret.body());

    String stale = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).minusSeconds(900));
    Http.Response tooOld = gw.proxy("/hmac").header("X-Date", stale)
        .header("Authorization", authorization("john-key", "john-secret", "/hmac", stale)).send();
    assertEquals(401, tooOld.status());
  }

  @Test
  void schemaErrors_nameTheField() {
    assertAdminError("/routes/hmac-bad", "{\"uri\":\"/x\",\"plugins\":{\"hmac-auth\":{\"clock_skew\":0}}," + upstream() + "}",
        "failed to check the configuration of plugin hmac-auth err: property \"clock_skew\" validation failed: expected 0 to be at least 1");
    assertAdminError("/routes/hmac-bad", "{\"uri\":\"/x\",\"plugins\":{\"hmac-auth\":{\"validate_request_body\":true}}," + upstream() + "}",
        "failed to check the configuration of plugin hmac-auth err: property \"validate_request_body\" validation failed: "
            + "true is not supported: the request body is not read before the rewrite phase, so its Digest cannot be checked there");
    assertAdminError("/consumers", "{\"username\":\"nokey\",\"plugins\":{\"hmac-auth\":{\"key_id\":\"k\"}}}",
        "invalid plugins configuration: failed to check the configuration of plugin hmac-auth err: property \"secret_key\" is required");
  }
}
