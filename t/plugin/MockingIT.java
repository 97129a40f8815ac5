package plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import lib.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MockingIT extends PluginITBase {

  @Test
  void exampleAnsweredByGateway() {
    route("m1", "/m1", "{\"mocking\":{\"response_example\":\"{\\\"a\\\":1}\",\"response_status\":201,"
        + "\"response_headers\":{\"X-Mock\":\"yes\"}}}");
    Http.Response r = eventually(() -> gw.get("/m1"), 201);
    assertEquals("{\"a\":1}", r.body());
    assertEquals("application/json;charset=utf8", r.header("Content-Type"));
    assertTrue(r.header("x-mock-by").startsWith("APISIX/"), r.toString());
    assertEquals("yes", r.header("X-Mock"));
  }

  @Test
  void schemaWithoutMockHeader_andDelay() {
    route("m2", "/m2", "{\"mocking\":{\"delay\":1,\"with_mock_header\":false,\"response_schema\":"
        + "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}}}}}");
    eventually(() -> gw.get("/m2"), 200);
    long start = System.nanoTime();
    Http.Response r = gw.get("/m2");
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertEquals(200, r.status());
    assertEquals("{\"n\":0}", r.body());
    assertEquals(null, r.header("x-mock-by"));
    assertTrue(ms >= 900, "delayed only " + ms + " ms");
  }

  @Test
  void schemaError() {
    assertAdminError("/routes/bad", "{\"uri\":\"/b\",\"plugins\":{\"mocking\":{\"response_status\":0,\"response_example\":\"x\"}}," + upstream() + "}",
        "failed to check the configuration of plugin mocking err: property \"response_status\" validation failed: expected 0 to be at least 1");
    Http.Response r = gw.admin("PUT", "/routes/bad", "{\"uri\":\"/b\",\"plugins\":{\"mocking\":{}}," + upstream() + "}");
    assertEquals(400, r.status(), r.toString());
    assertTrue(r.json().path("error_msg").asText().startsWith("failed to check the configuration of plugin mocking err: "), r.toString());
  }
}
