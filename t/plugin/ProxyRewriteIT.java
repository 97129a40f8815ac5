package plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.TimeUnit;
import lib.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProxyRewriteIT extends PluginITBase {

  @Test
  void uriMethodHostHeaders_queryPreserved() {
    route("pr", "/pr", "{\"proxy-rewrite\":{\"uri\":\"/new/$arg_a\",\"method\":\"PUT\",\"host\":\"rewritten.com\","
        + "\"headers\":{\"add\":{\"X-Add\":\"v\"},\"set\":{\"X-Set\":\"$remote_addr\"},\"remove\":[\"X-Drop\"]}}}");
    Http.Response r = eventually(() -> gw.proxy("/pr?a=1&b=2").header("X-Drop", "x").send(), 200);
    JsonNode echo = r.json();
    assertEquals("/new/1", echo.path("path").asText());
    assertEquals("a=1&b=2", echo.path("query").asText());
    assertEquals("PUT", echo.path("method").asText());
    assertEquals("rewritten.com", echo.path("headers").path("host").asText());
    assertEquals("v", echo.path("headers").path("x-add").asText());
    assertEquals("127.0.0.1", echo.path("headers").path("x-set").asText());
    assertFalse(echo.path("headers").has("x-drop"));
  }

  @Test
  void regexUri() {
    route("prx", "/api/*", "{\"proxy-rewrite\":{\"regex_uri\":[\"^/api/(.*)\",\"/v2/$1\"]}}");
    Http.Response r = eventually(() -> gw.get("/api/users/7?x=y"), 200);
    assertEquals("/v2/users/7", r.json().path("path").asText());
    assertEquals("x=y", r.json().path("query").asText());
  }

  @Test
  void schemaErrors() {
    assertAdminError("/routes/bad", "{\"uri\":\"/b\",\"plugins\":{\"proxy-rewrite\":{\"uri\":\"nope\"}}," + upstream() + "}",
        "failed to check the configuration of plugin proxy-rewrite err: property \"uri\" validation failed: failed to match pattern \"^\\/.*\" with \"nope\"");
    assertAdminError("/routes/bad", "{\"uri\":\"/b\",\"plugins\":{\"proxy-rewrite\":{\"regex_uri\":[\"a\",\"b\",\"c\"]}}," + upstream() + "}",
        "failed to check the configuration of plugin proxy-rewrite err: The length of regex_uri should be an even number");
  }
}
