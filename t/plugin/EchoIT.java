package plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import lib.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EchoIT extends PluginITBase {

  @Test
  void wrapsUpstreamBody_andReplacesIt() {
    route("e1", "/e1", "{\"echo\":{\"before_body\":\"[\",\"after_body\":\"]\",\"headers\":{\"X-Echo\":\"1\"}}}");
    Http.Response r = eventually(() -> gw.get("/e1"), 200);
    assertTrue(r.body().startsWith("[{") && r.body().endsWith("}]"), r.body());
    assertEquals("1", r.header("X-Echo"));
    route("e2", "/e2", "{\"echo\":{\"body\":\"hi\",\"after_body\":\"!\"}}");
    assertEquals("hi!", eventually(() -> gw.get("/e2?stream_bytes=200000"), 200).body());
  }

  @Test
  void schemaError() {
    Http.Response r = gw.admin("PUT", "/routes/bad", "{\"uri\":\"/b\",\"plugins\":{\"echo\":{\"headers\":{\"a\":\"b\"}}}," + upstream() + "}");
    assertEquals(400, r.status(), r.toString());
    assertTrue(r.json().path("error_msg").asText().startsWith("failed to check the configuration of plugin echo err: "), r.toString());
    assertAdminError("/routes/bad", "{\"uri\":\"/b\",\"plugins\":{\"echo\":{\"body\":\"x\",\"headers\":\"h\"}}," + upstream() + "}",
        "failed to check the configuration of plugin echo err: property \"headers\" validation failed: wrong type: expected object, got string");
  }
}
