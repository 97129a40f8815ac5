package plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import lib.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RefererRestrictionIT extends PluginITBase {

  @Test
  void whitelist_wildcard_missing() {
    route("ref", "/ref", "{\"referer-restriction\":{\"whitelist\":[\"*.good.com\"]}}");
    eventually(() -> gw.proxy("/ref").header("Referer", "https://a.good.com/p").send(), 200);
    Http.Response r = gw.proxy("/ref").header("Referer", "http://bad.com").send();
    assertEquals(403, r.status());
    assertEquals("{\"message\":\"Your referer host is not allowed\"}", r.body());
    assertEquals(403, gw.get("/ref").status());
  }

  @Test
  void schemaError() {
    assertAdminError("/routes/bad", "{\"uri\":\"/b\",\"plugins\":{\"referer-restriction\":{\"whitelist\":[\"a/b\"]}}," + upstream() + "}",
        "failed to check the configuration of plugin referer-restriction err: property \"whitelist\" validation failed: failed to validate item 1: failed to match pattern \"^\\*?[0-9a-zA-Z-._]+$\" with \"a/b\"");
  }
}
