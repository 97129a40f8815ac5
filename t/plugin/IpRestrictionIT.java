package plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import lib.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IpRestrictionIT extends PluginITBase {

  @Test
  void whitelistAndBlacklist() {
    route("ipw", "/ipw", "{\"ip-restriction\":{\"whitelist\":[\"127.0.0.0/24\"]}}");
    route("ipb", "/ipb", "{\"ip-restriction\":{\"blacklist\":[\"127.0.0.1\"],\"message\":\"no\",\"response_code\":404}}");
    eventually(() -> gw.get("/ipw"), 200);
    Http.Response r = eventually(() -> gw.get("/ipb"), 404);
    assertEquals("{\"message\":\"no\"}", r.body());
  }

  @Test
  void realIpChangesWhatIpRestrictionSees() {
    route("rip", "/rip", "{\"real-ip\":{\"source\":\"http_x_real_client\"},\"ip-restriction\":{\"whitelist\":[\"10.0.0.1\"]}}");
    Http.Response r = eventually(() -> gw.proxy("/rip").header("X-Real-Client", "10.0.0.1").send(), 200);
    assertEquals("10.0.0.1", r.json().path("headers").path("x-real-ip").asText());
    Http.Response denied = gw.proxy("/rip").header("X-Real-Client", "10.0.0.2").send();
    assertEquals(403, denied.status());
    assertEquals("{\"message\":\"Your IP address is not allowed\"}", denied.body());
  }

  @Test
  void schemaErrors() {
    assertAdminError("/routes/bad", "{\"uri\":\"/b\",\"plugins\":{\"ip-restriction\":{\"whitelist\":[\"1.1.1.1\"],\"blacklist\":[\"2.2.2.2\"]}}," + upstream() + "}",
        "failed to check the configuration of plugin ip-restriction err: value should match only one schema, but matches both schemas 1 and 2");
    assertAdminError("/routes/bad", "{\"uri\":\"/b\",\"plugins\":{\"real-ip\":{}}," + upstream() + "}",
        "failed to check the configuration of plugin real-ip err: property \"source\" is required");
  }
}
