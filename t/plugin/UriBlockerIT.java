package plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import lib.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UriBlockerIT extends PluginITBase {

  @Test
  void blocksOnPathOrQuery() {
    route("ub", "/ub/*", "{\"uri-blocker\":{\"block_rules\":[\"root\\\\.exe\",\"debug=1\"],\"rejected_msg\":\"access is not allowed\"}}");
    eventually(() -> gw.get("/ub/ok"), 200);
    Http.Response r = gw.get("/ub/root.exe");
    assertEquals(403, r.status());
    assertEquals("{\"error_msg\":\"access is not allowed\"}", r.body());
    assertEquals(403, gw.get("/ub/x?debug=1").status());
  }

  @Test
  void withoutMessage_nginxPage() {
    route("ub2", "/ub2", "{\"uri-blocker\":{\"block_rules\":[\"ub2\"],\"rejected_code\":410}}");
    Http.Response r = eventually(() -> gw.get("/ub2"), 410);
    assertTrue(r.body().isEmpty(), r.body());
    route("ub3", "/ub3", "{\"uri-blocker\":{\"block_rules\":[\"ub3\"]}}");
    Http.Response page = eventually(() -> gw.get("/ub3"), 403);
    assertTrue(page.body().contains("403 Forbidden"), page.body());
  }

  @Test
  void schemaError_badRegex() {
    assertAdminError("/routes/bad", "{\"uri\":\"/b\",\"plugins\":{\"uri-blocker\":{\"block_rules\":[\".+(\"]}}," + upstream() + "}",
        "failed to check the configuration of plugin uri-blocker err: pcre_compile() failed: missing ) in \".+(\"");
  }
}
