package plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import lib.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The plugin list, unknown plugins, bad confs, _meta.disable, global rules and plugin configs. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CatalogIT extends PluginITBase {

  @Test
  void pluginsList_namesTheBuiltInsOfTheDefaultList() {
    Http.Response r = gw.admin("GET", "/plugins/list", null);
    assertEquals(200, r.status(), r.toString());
    String list = r.body();
    for (String name : new String[] {"real-ip", "request-id", "proxy-rewrite", "redirect", "uri-blocker"}) {
      assertTrue(list.contains("\"" + name + "\""), list);
    }
  }

  @Test
  void pluginSchemas_areServedAsApisixServesThem() {
    Http.Response conf = gw.admin("GET", "/plugins/key-auth", null);
    assertEquals(200, conf.status(), conf.toString());
    assertEquals("apikey", conf.json().at("/properties/header/default").asText(), conf.toString());
    Http.Response consumer = gw.admin("GET", "/plugins/key-auth?schema_type=consumer", null);
    assertEquals("key", consumer.json().at("/required/0").asText(), consumer.toString());
    Http.Response none = gw.admin("GET", "/plugins/echo?schema_type=consumer", null);
    assertEquals(400, none.status());
    assertEquals("not found schema", none.json().path("error_msg").asText());
    Http.Response missing = gw.admin("GET", "/plugins/no-such-plugin", null);
    assertEquals(404, missing.status());
    assertEquals("plugin not found in subsystem http", missing.json().path("error_msg").asText());
    Http.Response all = gw.admin("GET", "/plugins?all=true", null);
    assertEquals(2500, all.json().at("/key-auth/priority").asInt(), all.toString());
    assertEquals("auth", all.json().at("/key-auth/type").asText());
    assertTrue(all.json().at("/file-logger/metadata_schema/properties/log_format").isObject());
  }

  @Test
  void unknownPlugin_andBadConf_areRefusedByTheAdminApi() {
    assertAdminError("/routes/u", "{\"uri\":\"/u\",\"plugins\":{\"no-such-plugin\":{}}," + upstream() + "}", "unknown plugin [no-such-plugin]");
    assertAdminError(
        "/routes/u", "{\"uri\":\"/u\",\"plugins\":{\"ip-restriction\":{\"whitelist\":[\"1.2.3.4\"],\"response_code\":500}}," + upstream() + "}",
        "failed to check the configuration of plugin ip-restriction err: property \"response_code\" validation failed: expected 500 to be at most 404");
  }

  @Test
  void badConfWrittenStraightToEtcd_isRefusedPerKey_lastGoodKeepsServing() {
    route("keep", "/keep", "{\"proxy-rewrite\":{\"uri\":\"/rewritten\"}}");
    eventually(() -> gw.get("/keep"), 200);
    ETCD.etcd().etcdctl("put", "/apisix/routes/keep",
        "{\"uri\":\"/keep\",\"plugins\":{\"proxy-rewrite\":{\"uri\":\"no-slash\"}}," + upstream() + "}");
    ETCD.etcd().etcdctl("put", "/apisix/routes/other", "{\"uri\":\"/other\"," + upstream() + "}");
    eventually(() -> gw.get("/other"), 200);
    assertEquals("/rewritten", gw.get("/keep").json().path("path").asText());
  }

  @Test
  void metaDisable_turnsAPluginOff() {
    route("dis", "/dis", "{\"uri-blocker\":{\"block_rules\":[\"dis\"],\"_meta\":{\"disable\":true}}}");
    eventually(() -> gw.get("/dis"), 200);
  }

  @Test
  void globalRule_runsOnMatchedAndUnmatchedRequests_andItsChangeTakesEffect() {
    gw.put("/global_rules/g1", "{\"plugins\":{\"uri-blocker\":{\"block_rules\":[\"^/evil\"],\"rejected_msg\":\"global\"}}}");
    Http.Response r = eventually(() -> gw.get("/evil-unmatched"), 403);
    assertEquals("{\"error_msg\":\"global\"}", r.body());
    route("gr", "/evil-route", "{}");
    eventually(() -> gw.get("/evil-route"), 403);
    assertEquals(404, gw.get("/nothing-here").status());
    gw.put("/global_rules/g1", "{\"plugins\":{\"uri-blocker\":{\"block_rules\":[\"^/nothing\"]}}}");
    eventually(() -> gw.get("/evil-route"), 200);
    eventually(() -> gw.get("/nothing-here"), 403);
    gw.delete("/global_rules/g1");
    eventually(() -> gw.get("/nothing-here"), 404);
  }

  @Test
  void pluginConfig_addsWhatTheRouteLacks_andItsChangeTakesEffect() {
    gw.put("/plugin_configs/pc1", "{\"plugins\":{\"uri-blocker\":{\"block_rules\":[\"blocked\"]},"
        + "\"proxy-rewrite\":{\"uri\":\"/from-pc\"}}}");
    gw.put("/routes/pc", "{\"uri\":\"/pc/*\",\"plugin_config_id\":\"pc1\",\"plugins\":{\"proxy-rewrite\":{\"uri\":\"/from-route\"}},"
        + upstream() + "}");
    Http.Response ok = eventually(() -> gw.get("/pc/x"), 200);
    assertEquals("/from-route", ok.json().path("path").asText());
    eventually(() -> gw.get("/pc/blocked"), 403);
    gw.put("/plugin_configs/pc1", "{\"plugins\":{\"uri-blocker\":{\"block_rules\":[\"other\"]}}}");
    eventually(() -> gw.get("/pc/blocked"), 200);
    eventually(() -> gw.get("/pc/other"), 403);
  }

  @Test
  void rejection_isLoggedAsAPISIXDoes() {
    route("log", "/logged", "{\"uri-blocker\":{\"block_rules\":[\"logged\"]}}");
    eventually(() -> gw.get("/logged"), 403);
    org.apigw.testing.Deadline.await(
        CONVERGE, "the warn line", () -> gw.log().contains("uri-blocker exits with http status code 403"));
  }
}
