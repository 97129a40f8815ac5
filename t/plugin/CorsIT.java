package plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.concurrent.TimeUnit;
import lib.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CorsIT extends PluginITBase {

  @Test
  void listedOriginOnProxiedResponse() {
    route("c1", "/c1", "{\"cors\":{\"allow_origins\":\"http://a.com,http://b.com\",\"allow_methods\":\"GET,POST\","
        + "\"allow_headers\":\"X-A\",\"expose_headers\":\"X-E\",\"max_age\":60,\"allow_credential\":true}}");
    Http.Response r = eventually(() -> gw.proxy("/c1").header("Origin", "http://b.com").get(), 200);
    assertEquals("http://b.com", r.header("Access-Control-Allow-Origin"));
    assertEquals("Origin", r.header("Vary"));
    assertEquals("GET,POST", r.header("Access-Control-Allow-Methods"));
    assertEquals("X-A", r.header("Access-Control-Allow-Headers"));
    assertEquals("X-E", r.header("Access-Control-Expose-Headers"));
    assertEquals("60", r.header("Access-Control-Max-Age"));
    assertEquals("true", r.header("Access-Control-Allow-Credentials"));
    assertEquals("up", r.json().path("server").asText());
    Http.Response no = gw.proxy("/c1").header("Origin", "http://c.com").get();
    assertEquals(200, no.status());
    assertNull(no.header("Access-Control-Allow-Origin"));
  }

  @Test
  void allowOriginsByMetadata_allowsTheOriginsTheNamedListsHold() {
    gw.put("/plugin_metadata/cors", "{\"allow_origins\":{\"PARTNERS\":\"http://p1.com,http://p2.com\"}}");
    try {
      route("cm", "/cm", "{\"cors\":{\"allow_origins\":\"http://own.com\",\"allow_origins_by_metadata\":[\"PARTNERS\"]}}");
      Http.Response partner = eventually(() -> gw.proxy("/cm").header("Origin", "http://p2.com").get(), 200);
      assertEquals("http://p2.com", partner.header("Access-Control-Allow-Origin"));
      assertEquals("http://own.com", gw.proxy("/cm").header("Origin", "http://own.com").get().header("Access-Control-Allow-Origin"));
      assertNull(gw.proxy("/cm").header("Origin", "http://other.com").get().header("Access-Control-Allow-Origin"));
      assertAdminError("/plugin_metadata/cors", "{\"allow_origins\":{\"BAD\":\"not an origin\"}}",
          "invalid configuration: property \"allow_origins\" validation failed: property \"BAD\" validation failed:"
              + " failed to match pattern \"^(\\*|\\*\\*|null|\\w+://[^,]+(,\\w+://[^,]+)*)$\" with \"not an origin\"");
    } finally {
      gw.delete("/plugin_metadata/cors");
    }
  }

  @Test
  void preflightAnsweredByGateway_defaultsAndDoubleStar() {
    route("c2", "/c2", "{\"cors\":{}}");
    Http.Response r = eventually(() -> gw.proxy("/c2").method("OPTIONS").header("Origin", "http://x.com").send(), 200);
    assertEquals("", r.body());
    assertEquals("*", r.header("Access-Control-Allow-Origin"));
    assertEquals("*", r.header("Access-Control-Allow-Methods"));
    assertEquals("5", r.header("Access-Control-Max-Age"));
    route("c3", "/c3", "{\"cors\":{\"allow_origins\":\"**\",\"allow_methods\":\"**\",\"allow_headers\":\"**\"}}");
    Http.Response s = eventually(() -> gw.proxy("/c3").method("OPTIONS").header("Origin", "http://y.com")
        .header("Access-Control-Request-Headers", "X-Q").send(), 200);
    assertEquals("http://y.com", s.header("Access-Control-Allow-Origin"));
    assertEquals("GET,POST,PUT,DELETE,PATCH,HEAD,OPTIONS,CONNECT,TRACE", s.header("Access-Control-Allow-Methods"));
    assertEquals("X-Q", s.header("Access-Control-Allow-Headers"));
  }

  @Test
  void regexOrigin_andHeadersOnLaterRejection() {
    route("c4", "/c4", "{\"cors\":{\"allow_origins\":\"http://a.com\",\"allow_origins_by_regex\":[\"^http://.*\\\\.test\\\\.com$\"]},"
        + "\"ip-restriction\":{\"blacklist\":[\"127.0.0.1\"]}}");
    Http.Response r = eventually(() -> gw.proxy("/c4").header("Origin", "http://x.test.com").get(), 403);
    assertEquals("http://x.test.com", r.header("Access-Control-Allow-Origin"));
    assertEquals("Origin", r.header("Vary"));
  }

  @Test
  void schemaErrors() {
    assertAdminError("/routes/bad", "{\"uri\":\"/b\",\"plugins\":{\"cors\":{\"allow_credential\":true}}," + upstream() + "}",
        "failed to check the configuration of plugin cors err: you can not set '*' for other option when 'allow_credential' is true");
    assertAdminError("/routes/bad", "{\"uri\":\"/b\",\"plugins\":{\"cors\":{\"max_age\":\"x\"}}," + upstream() + "}",
        "failed to check the configuration of plugin cors err: property \"max_age\" validation failed: wrong type: expected integer, got string");
  }
}
