package plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import lib.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** csrf as a curl user meets it: GET hands out the cookie, POST must send it back in a header too. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CsrfIT extends PluginITBase {

  private static final String COOKIE = "apisix-csrf-token";

  @Test
  void getHandsOutToken_postNeedsHeaderAndCookie() {
    route("c1", "/c1", "{\"csrf\":{\"key\":\"userkey\",\"expires\":1000000000}}");
    Http.Response get = eventually(() -> gw.get("/c1"), 200);
    String setCookie = get.header("Set-Cookie");
    assertNotNull(setCookie, get.headers().map().toString());
    assertTrue(setCookie.matches(COOKIE + "=[A-Za-z0-9+/=]+;path=/;SameSite=Lax;Expires=\\w{3}, \\d\\d-\\w{3}-\\d{2,4} \\d\\d:\\d\\d:\\d\\d GMT"),
        setCookie);
    String token = setCookie.substring(COOKIE.length() + 1, setCookie.indexOf(';'));

    assertRejected("no csrf token in headers", gw.proxy("/c1").method("POST").body("x").send());
    assertRejected("no csrf cookie", gw.proxy("/c1").method("POST").header(COOKIE, token).body("x").send());
    assertRejected("csrf token mismatch",
        gw.proxy("/c1").method("POST").header(COOKIE, token).header("Cookie", COOKIE + "=" + token + "x").body("x").send());

    Http.Response ok = gw.proxy("/c1").method("POST").header(COOKIE, token).header("Cookie", "a=b; " + COOKIE + "=" + token)
        .body("payload").send();
    assertEquals(200, ok.status(), ok.toString());
    assertEquals("payload", ok.json().path("body").asText());
    assertNotNull(ok.header("Set-Cookie"), "every response renews the token");
  }

  @Test
  void tokenOfAnotherKey_isNotVerified_andRejectionsStillGetACookie() {
    route("c2", "/c2", "{\"csrf\":{\"key\":\"k2\"}}");
    route("c3", "/c3", "{\"csrf\":{\"key\":\"k3\",\"name\":\"my-csrf\"}}");
    Http.Response fromC2 = eventually(() -> gw.get("/c2"), 200);
    String token = fromC2.header("Set-Cookie").substring(COOKIE.length() + 1, fromC2.header("Set-Cookie").indexOf(';'));
    Http.Response c3 = eventually(() -> gw.get("/c3"), 200);
    assertTrue(c3.header("Set-Cookie").startsWith("my-csrf="), c3.header("Set-Cookie"));
    Http.Response r = gw.proxy("/c3").method("PUT").header("my-csrf", token).header("Cookie", "my-csrf=" + token).send();
    assertRejected("Failed to verify the csrf token signature", r);
    assertTrue(r.header("Set-Cookie").startsWith("my-csrf="), "header_filter runs on the rejection too");
    Http.Response garbage = gw.proxy("/c3").method("DELETE").header("my-csrf", "bm90IGpzb24=").header("Cookie", "my-csrf=bm90IGpzb24=").send();
    assertRejected("Failed to verify the csrf token signature", garbage);
  }

  @Test
  void safeMethodsPass() {
    route("c4", "/c4", "{\"csrf\":{\"key\":\"k\"}}");
    eventually(() -> gw.get("/c4"), 200);
    assertEquals(200, gw.proxy("/c4").method("HEAD").send().status());
    assertEquals(200, gw.proxy("/c4").method("OPTIONS").send().status());
    assertEquals(401, gw.proxy("/c4").method("PATCH").send().status());
  }

  @Test
  void schemaErrors() {
    assertAdminError("/routes/bad", "{\"uri\":\"/b\",\"plugins\":{\"csrf\":{}}," + upstream() + "}",
        "failed to check the configuration of plugin csrf err: property \"key\" is required");
    assertAdminError("/routes/bad", "{\"uri\":\"/b\",\"plugins\":{\"csrf\":{\"key\":\"k\",\"expires\":\"soon\"}}," + upstream() + "}",
        "failed to check the configuration of plugin csrf err: property \"expires\" validation failed: wrong type: expected integer, got string");
  }

  private static void assertRejected(String message, Http.Response r) {
    assertEquals(401, r.status(), r.toString());
    assertEquals(message, r.json().path("error_msg").asText(), r.toString());
  }
}
