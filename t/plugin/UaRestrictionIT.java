package plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import lib.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UaRestrictionIT extends PluginITBase {

  @Test
  void denylist() {
    route("ua", "/ua", "{\"ua-restriction\":{\"denylist\":[\"my-bot\"]}}");
    eventually(() -> gw.proxy("/ua").header("User-Agent", "curl").send(), 200);
    Http.Response r = gw.proxy("/ua").header("User-Agent", "my-bot 1.0").send();
    assertEquals(403, r.status());
    assertEquals("{\"message\":\"Not allowed\"}", r.body());
  }

  @Test
  void schemaError_badRegex() {
    assertAdminError("/routes/bad", "{\"uri\":\"/b\",\"plugins\":{\"ua-restriction\":{\"denylist\":[\"(\"]}}," + upstream() + "}",
        "failed to check the configuration of plugin ua-restriction err: pcre_compile() failed: missing ) in \"(\"");
  }
}
