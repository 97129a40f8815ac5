package plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import lib.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RequestIdIT extends PluginITBase {

  @Test
  void idGoesUpstreamAndBack_clientIdIsKept() {
    route("rid", "/rid", "{\"request-id\":{}}");
    Http.Response r = eventually(() -> gw.get("/rid"), 200);
    String id = r.header("X-Request-Id");
    assertTrue(id.matches("[0-9a-f-]{36}"), id);
    assertEquals(id, r.json().path("headers").path("x-request-id").asText());
    Http.Response given = gw.proxy("/rid").header("X-Request-Id", "mine").send();
    assertEquals("mine", given.header("X-Request-Id"));
    assertEquals("mine", given.json().path("headers").path("x-request-id").asText());
  }

  @Test
  void customHeader_notInResponse_otherAlgorithm() {
    route("rid2", "/rid2", "{\"request-id\":{\"header_name\":\"X-Trace\",\"include_in_response\":false,\"algorithm\":\"nanoid\"}}");
    Http.Response r = eventually(() -> gw.get("/rid2"), 200);
    assertNull(r.header("X-Trace"));
    assertEquals(21, r.json().path("headers").path("x-trace").asText().length());
  }

  @Test
  void schemaError() {
    assertAdminError("/routes/bad", "{\"uri\":\"/b\",\"plugins\":{\"request-id\":{\"algorithm\":\"snowflake\"}}," + upstream() + "}",
        "failed to check the configuration of plugin request-id err: property \"algorithm\" validation failed: matches none of the enum values");
  }
}
