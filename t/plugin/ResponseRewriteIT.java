package plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import lib.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ResponseRewriteIT extends PluginITBase {

  @Test
  void upstreamBodyStatusAndHeaders() {
    route("r1", "/r1", "{\"response-rewrite\":{\"status_code\":202,\"body\":\"replaced\","
        + "\"headers\":{\"add\":[\"X-Add: $uri\"],\"set\":{\"X-Set\":\"v\"},\"remove\":[\"Server\"]}}}");
    Http.Response r = eventually(() -> gw.get("/r1"), 202);
    assertEquals("replaced", r.body());
    assertEquals("/r1", r.header("X-Add"));
    assertEquals("v", r.header("X-Set"));
    assertNull(r.header("Server"));
  }

  @Test
  void largeStreamedUpstreamBodyReplaced_base64() {
    route("r2", "/r2", "{\"response-rewrite\":{\"body\":\"aGVsbG8=\",\"body_base64\":true}}");
    Http.Response r = eventually(() -> gw.get("/r2?stream_bytes=300000"), 200);
    assertEquals("hello", r.body());
  }

  @Test
  void filtersOnUpstreamBody() {
    route("r3", "/r3", "{\"response-rewrite\":{\"filters\":[{\"regex\":\"\\\"server\\\":\\\"up\\\"\",\"replace\":\"\\\"server\\\":\\\"down\\\"\"}]}}");
    Http.Response r = eventually(() -> gw.get("/r3"), 200);
    assertEquals("down", r.json().path("server").asText(), r.body());
    assertEquals("/r3", r.json().path("path").asText(), r.body());
  }

  @Test
  void gatewayGeneratedResponse_andVars() {
    gw.put("/routes/r4", "{\"uri\":\"/r4\",\"plugins\":{\"fault-injection\":{\"abort\":{\"http_status\":403,\"body\":\"no\"}},"
        + "\"response-rewrite\":{\"vars\":[[\"status\",\"==\",403]],\"status_code\":200,\"body\":\"rewritten\"}}," + upstream() + "}");
    Http.Response r = eventually(() -> gw.get("/r4"), 200);
    assertEquals("rewritten", r.body());
    route("r5", "/r5", "{\"response-rewrite\":{\"vars\":[[\"status\",\"==\",500]],\"body\":\"err\"}}");
    Http.Response s = eventually(() -> gw.get("/r5"), 200);
    assertEquals("up", s.json().path("server").asText());
  }

  @Test
  void schemaErrors() {
    assertAdminError("/routes/bad", "{\"uri\":\"/b\",\"plugins\":{\"response-rewrite\":{\"status_code\":100}}," + upstream() + "}",
        "failed to check the configuration of plugin response-rewrite err: property \"status_code\" validation failed: expected 100 to be at least 200");
    assertAdminError("/routes/bad", "{\"uri\":\"/b\",\"plugins\":{\"response-rewrite\":{\"body\":\"%%%\",\"body_base64\":true}}," + upstream() + "}",
        "failed to check the configuration of plugin response-rewrite err: invalid base64 content");
    Http.Response r = gw.admin("PUT", "/routes/bad", "{\"uri\":\"/b\",\"plugins\":{\"response-rewrite\":{\"body\":\"a\","
        + "\"filters\":[{\"regex\":\"a\",\"replace\":\"b\"}]}}," + upstream() + "}");
    assertEquals(400, r.status(), r.toString());
    assertTrue(r.json().path("error_msg").asText().startsWith("failed to check the configuration of plugin response-rewrite err: "), r.toString());
  }
}
