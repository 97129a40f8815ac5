package plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import lib.Http;
import lib.Json;
import lib.Upstream;
import org.apigw.testing.Deadline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Consumers as APISIX 3.x has them: auth plugins find the consumer (on the consumer or on one of
 * its credentials), the consumer's and its group's plugins merge over the route's, secrets are
 * stored encrypted, and the Admin API guards the references.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ConsumerIT extends PluginITBase {

  private static void untilPasses(Runnable assertion) {
    Deadline.untilPasses(CONVERGE, () -> {
      assertion.run();
      return null;
    });
  }

  private static Http.Response withKey(String path, String key) {
    return gw.proxy(path).header("apikey", key).send();
  }

  @Test
  void keyAuth_findsTheConsumer_andTellsTheUpstreamWhoItIs() {
    gw.put("/consumers", "{\"username\":\"jack\",\"labels\":{\"custom_id\":\"c-42\"},\"plugins\":{\"key-auth\":{\"key\":\"jack-key\"}}}");
    route("ka", "/ka", "{\"key-auth\":{}}");
    Http.Response ok = eventually(() -> withKey("/ka", "jack-key"), 200);
    JsonNode seen = ok.json().path("headers");
    assertEquals("jack", seen.path("x-consumer-username").asText());
    assertEquals("c-42", seen.path("x-consumer-custom-id").asText());
    assertEquals("jack-key", seen.path("apikey").asText(), "hide_credentials is off by default");

    Http.Response missing = gw.get("/ka");
    assertEquals(401, missing.status());
    assertEquals("{\"message\":\"Missing API key in request\"}", missing.body());
    assertEquals("apikey realm=\"key\"", missing.header("WWW-Authenticate"));
    Http.Response wrong = withKey("/ka", "nope");
    assertEquals(401, wrong.status());
    assertEquals("{\"message\":\"Invalid API key in request\"}", wrong.body());
    assertEquals(200, gw.get("/ka?apikey=jack-key").status(), "the key may come as a query argument");
  }

  @Test
  void keyAuth_hideCredentials_removesOnlyWhereTheKeyCameFrom() {
    gw.put("/consumers", "{\"username\":\"hidden\",\"plugins\":{\"key-auth\":{\"key\":\"hidden-key\"}}}");
    route("kh", "/kh", "{\"key-auth\":{\"hide_credentials\":true}}");
    Http.Response fromHeader = eventually(() -> withKey("/kh?x=1", "hidden-key"), 200);
    assertTrue(fromHeader.json().path("headers").path("apikey").isMissingNode());
    assertEquals("x=1", fromHeader.json().path("query").asText());
    Http.Response fromQuery = gw.get("/kh?apikey=hidden-key&x=1");
    assertEquals(200, fromQuery.status());
    assertEquals("x=1", fromQuery.json().path("query").asText());
  }

  @Test
  void anonymousConsumer_servesRequestsWithoutAKey_asThatConsumer() {
    gw.put("/consumers", "{\"username\":\"guest\",\"plugins\":{\"proxy-rewrite\":{\"headers\":{\"set\":{\"X-Tier\":\"guest\"}}}}}");
    gw.put("/consumers", "{\"username\":\"paid\",\"plugins\":{\"key-auth\":{\"key\":\"paid-key\"}}}");
    route("anon", "/anon", "{\"key-auth\":{\"anonymous_consumer\":\"guest\"}}");
    Http.Response anon = eventually(() -> gw.get("/anon"), 200);
    assertEquals("guest", anon.json().path("headers").path("x-consumer-username").asText());
    assertEquals("guest", anon.json().path("headers").path("x-tier").asText(), "the anonymous consumer's plugins run");
    assertEquals("paid", withKey("/anon", "paid-key").json().path("headers").path("x-consumer-username").asText());
    route("anon-missing", "/anon-missing", "{\"key-auth\":{\"anonymous_consumer\":\"nobody\"}}");
    Http.Response none = eventually(() -> gw.get("/anon-missing"), 401);
    assertEquals("{\"message\":\"Invalid user authorization\"}", none.body());
  }

  @Test
  void basicAuth_checksUserAndPassword() {
    gw.put("/consumers", "{\"username\":\"bob\",\"plugins\":{\"basic-auth\":{\"username\":\"bob\",\"password\":\"s3cret\"}}}");
    route("ba", "/ba", "{\"basic-auth\":{\"hide_credentials\":true}}");
    String good = "Basic " + Base64.getEncoder().encodeToString("bob:s3cret".getBytes());
    Http.Response ok = eventually(() -> gw.proxy("/ba").header("Authorization", good).send(), 200);
    assertEquals("bob", ok.json().path("headers").path("x-consumer-username").asText());
    assertTrue(ok.json().path("headers").path("authorization").isMissingNode(), "hidden from the upstream");
    String lower = "basic " + Base64.getEncoder().encodeToString("bob:s3cret".getBytes());
    assertEquals(200, gw.proxy("/ba").header("Authorization", lower).send().status(), "scheme in any case");

    Http.Response none = gw.get("/ba");
    assertEquals(401, none.status());
    assertEquals("{\"message\":\"Missing authorization in request\"}", none.body());
    assertEquals("Basic realm=\"basic\"", none.header("WWW-Authenticate"));
    Http.Response garbled = gw.proxy("/ba").header("Authorization", "Basic !!!").send();
    assertEquals("{\"message\":\"Invalid authorization in request\"}", garbled.body());
    String wrong = "Basic " + Base64.getEncoder().encodeToString("bob:guess".getBytes());
    Http.Response denied = gw.proxy("/ba").header("Authorization", wrong).send();
    assertEquals(401, denied.status());
    assertEquals("{\"message\":\"Invalid user authorization\"}", denied.body());
  }

  @Test
  void credentials_addMoreKeysToAConsumer_andGoAwayWithIt() {
    gw.put("/consumers", "{\"username\":\"multi\",\"plugins\":{\"key-auth\":{\"key\":\"multi-main\"}}}");
    gw.put("/consumers/multi/credentials/laptop", "{\"plugins\":{\"key-auth\":{\"key\":\"multi-laptop\"}}}");
    route("cred", "/cred", "{\"key-auth\":{}}");
    Http.Response viaCredential = eventually(() -> withKey("/cred", "multi-laptop"), 200);
    assertEquals("multi", viaCredential.json().path("headers").path("x-consumer-username").asText());
    assertEquals("laptop", viaCredential.json().path("headers").path("x-credential-identifier").asText());
    assertEquals(200, withKey("/cred", "multi-main").status());

    JsonNode listed = gw.admin("GET", "/consumers/multi/credentials", null).json();
    assertEquals(1, listed.path("total").asInt(), listed.toString());
    assertEquals("multi-laptop", listed.path("list").get(0).path("value").at("/plugins/key-auth/key").asText());
    JsonNode consumers = gw.admin("GET", "/consumers", null).json();
    for (JsonNode item : consumers.path("list")) {
      assertFalse(item.path("key").asText().contains("/credentials/"), "credentials are not listed as consumers");
    }

    gw.delete("/consumers/multi/credentials/laptop");
    eventually(() -> withKey("/cred", "multi-laptop"), 401);
    gw.put("/consumers/multi/credentials/phone", "{\"plugins\":{\"key-auth\":{\"key\":\"multi-phone\"}}}");
    eventually(() -> withKey("/cred", "multi-phone"), 200);
    gw.delete("/consumers/multi");
    eventually(() -> withKey("/cred", "multi-phone"), 401);
    assertEquals(404, gw.admin("GET", "/consumers/multi/credentials/phone", null).status(), "credentials go with their consumer");
  }

  @Test
  void credentials_adminRefusals() {
    Http.Response orphan = gw.admin("PUT", "/consumers/ghost/credentials/c1", "{\"plugins\":{\"key-auth\":{\"key\":\"k\"}}}");
    assertEquals(404, orphan.status(), orphan.toString());
    assertEquals("consumer not found", orphan.json().path("error_msg").asText());
    gw.put("/consumers", "{\"username\":\"owner\"}");
    assertAdminError("/consumers/owner/credentials/c1", "{\"plugins\":{\"proxy-rewrite\":{\"uri\":\"/x\"}}}",
        "only supports auth type plugins in consumer credential");
    assertAdminError("/consumers/owner/credentials/c1", "{\"plugins\":{\"key-auth\":{}}}",
        "invalid plugins configuration: failed to check the configuration of plugin key-auth err: property \"key\" is required");
    assertEquals(405, gw.admin("POST", "/consumers/owner/credentials", "{\"plugins\":{\"key-auth\":{\"key\":\"k\"}}}").status());
  }

  @Test
  void duplicateKeys_areRefused_acrossConsumersAndCredentials() {
    gw.put("/consumers", "{\"username\":\"first\",\"plugins\":{\"key-auth\":{\"key\":\"shared-key\"}}}");
    assertAdminError("/consumers", "{\"username\":\"second\",\"plugins\":{\"key-auth\":{\"key\":\"shared-key\"}}}",
        "duplicate key of plugin key-auth found with consumer: first");
    gw.put("/consumers", "{\"username\":\"second\"}");
    gw.put("/consumers/second/credentials/c2", "{\"plugins\":{\"key-auth\":{\"key\":\"second-key\"}}}");
    assertAdminError("/consumers/first/credentials/c9", "{\"plugins\":{\"key-auth\":{\"key\":\"second-key\"}}}",
        "duplicate key of plugin key-auth found with credential: c2 of consumer: second");
    gw.put("/consumers", "{\"username\":\"first\",\"desc\":\"again\",\"plugins\":{\"key-auth\":{\"key\":\"shared-key\"}}}");
  }

  @Test
  void secrets_areStoredEncryptedInEtcd_andReadBackInPlainText() {
    gw.put("/consumers", "{\"username\":\"enc\",\"plugins\":{\"key-auth\":{\"key\":\"auth-one\"}}}");
    String stored = ETCD.etcd().etcdctl("get", "--print-value-only", "/apisix/consumers/enc").trim();
    assertEquals("4y+JvURBE6ZwRbbgaryrhg==", Json.parse(stored).at("/plugins/key-auth/key").asText(),
        "AES-128-CBC with the default keyring, as APISIX stores it");
    assertEquals("auth-one", gw.admin("GET", "/consumers/enc", null).json().at("/value/plugins/key-auth/key").asText());
    route("enc", "/enc", "{\"key-auth\":{}}");
    eventually(() -> withKey("/enc", "auth-one"), 200);
  }

  @Test
  void plainSecretsWrittenWithEtcdctl_work() {
    ETCD.etcd().etcdctl("put", "/apisix/consumers/raw", "{\"username\":\"raw\",\"plugins\":{\"key-auth\":{\"key\":\"raw-key\"}}}");
    route("raw", "/raw", "{\"key-auth\":{}}");
    eventually(() -> withKey("/raw", "raw-key"), 200);
  }

  @Test
  void pluginPrecedence_consumerOverGroupOverRouteOverPluginConfigOverService() {
    String who = "{\"proxy-rewrite\":{\"headers\":{\"set\":{\"X-Who\":\"%s\"}}}}";
    gw.put("/services/prec", "{\"plugins\":" + who.formatted("service") + "," + upstream() + "}");
    gw.put("/plugin_configs/prec", "{\"plugins\":" + who.formatted("plugin_config") + "}");
    gw.put("/consumer_groups/prec", "{\"plugins\":" + who.formatted("group") + "}");
    gw.put("/consumers", "{\"username\":\"prec\",\"group_id\":\"prec\",\"plugins\":{\"key-auth\":{\"key\":\"prec-key\"},"
        + who.formatted("consumer").substring(1) + "}");
    gw.put("/global_rules/prec", "{\"plugins\":{\"response-rewrite\":{\"headers\":{\"add\":[\"X-Global: 1\"]}}}}");
    try {
      gw.put("/routes/prec", "{\"uri\":\"/prec\",\"service_id\":\"prec\",\"plugin_config_id\":\"prec\",\"plugins\":{\"key-auth\":{},"
          + who.formatted("route").substring(1) + "}");
      Http.Response r = eventually(() -> withKey("/prec", "prec-key"), 200);
      assertEquals("consumer", r.json().path("headers").path("x-who").asText());
      assertEquals(java.util.List.of("1"), r.headers().allValues("X-Global"), "the global rule runs once, beside the route's");

      gw.put("/consumers", "{\"username\":\"prec\",\"group_id\":\"prec\",\"plugins\":{\"key-auth\":{\"key\":\"prec-key\"}}}");
      untilPasses(() -> assertEquals("group", withKey("/prec", "prec-key").json().path("headers").path("x-who").asText()));
      gw.put("/consumers", "{\"username\":\"prec\",\"plugins\":{\"key-auth\":{\"key\":\"prec-key\"}}}");
      untilPasses(() -> assertEquals("route", withKey("/prec", "prec-key").json().path("headers").path("x-who").asText()));
      gw.put("/routes/prec", "{\"uri\":\"/prec\",\"service_id\":\"prec\",\"plugin_config_id\":\"prec\",\"plugins\":{\"key-auth\":{}}}");
      untilPasses(() -> assertEquals("plugin_config", withKey("/prec", "prec-key").json().path("headers").path("x-who").asText()));
      gw.put("/routes/prec", "{\"uri\":\"/prec\",\"service_id\":\"prec\",\"plugins\":{\"key-auth\":{}}}");
      untilPasses(() -> assertEquals("service", withKey("/prec", "prec-key").json().path("headers").path("x-who").asText()));
    } finally {
      gw.delete("/global_rules/prec");
    }
  }

  @Test
  void consumerGroups_missingGroupIs503_andAGroupInUseCannotBeDeleted() {
    gw.put("/consumer_groups/gold", "{\"plugins\":{\"proxy-rewrite\":{\"headers\":{\"set\":{\"X-Tier\":\"gold\"}}}}}");
    assertAdminError("/consumers", "{\"username\":\"lost\",\"group_id\":\"nosuch\"}",
        "failed to fetch consumer group info by consumer group id [nosuch], response code: 404");
    gw.put("/consumers", "{\"username\":\"goldie\",\"group_id\":\"gold\",\"plugins\":{\"key-auth\":{\"key\":\"goldie-key\"}}}");
    route("grp", "/grp", "{\"key-auth\":{}}");
    assertEquals("gold", eventually(() -> withKey("/grp", "goldie-key"), 200).json().path("headers").path("x-tier").asText());
    Http.Response inUse = gw.admin("DELETE", "/consumer_groups/gold", null);
    assertEquals(400, inUse.status());
    assertEquals("can not delete this consumer group, consumer [goldie] is still using it now", inUse.json().path("error_msg").asText());

    ETCD.etcd().etcdctl("del", "/apisix/consumer_groups/gold"); // behind the Admin API's back
    eventually(() -> withKey("/grp", "goldie-key"), 503);
  }

  @Test
  void consumerRestriction_byConsumerName_andByMethod() {
    gw.put("/consumers", "{\"username\":\"alice\",\"plugins\":{\"key-auth\":{\"key\":\"alice-key\"}}}");
    gw.put("/consumers", "{\"username\":\"eve\",\"plugins\":{\"key-auth\":{\"key\":\"eve-key\"}}}");
    route("cr", "/cr", "{\"key-auth\":{},\"consumer-restriction\":{\"whitelist\":[\"alice\"],"
        + "\"allowed_by_methods\":[{\"user\":\"eve\",\"methods\":[\"POST\"]}]}}");
    eventually(() -> withKey("/cr", "alice-key"), 200);
    Http.Response eveGet = withKey("/cr", "eve-key");
    assertEquals(403, eveGet.status());
    assertEquals("{\"message\":\"The consumer_name is forbidden.\"}", eveGet.body());
    assertEquals(200, gw.proxy("/cr").header("apikey", "eve-key").method("POST").body("x").send().status());

    route("cr-black", "/cr-black", "{\"key-auth\":{},\"consumer-restriction\":{\"blacklist\":[\"alice\"],\"rejected_code\":401,\"rejected_msg\":\"go away\"}}");
    Http.Response black = eventually(() -> withKey("/cr-black", "alice-key"), 401);
    assertEquals("{\"message\":\"go away\"}", black.body());
    route("cr-anon", "/cr-anon", "{\"consumer-restriction\":{\"whitelist\":[\"alice\"]}}");
    Http.Response noConsumer = eventually(() -> gw.get("/cr-anon"), 401);
    assertEquals("{\"message\":\"The request is rejected, please check the consumer_name for this request\"}", noConsumer.body());
  }

  @Test
  void chashOnConsumer_keepsEachConsumerOnOneNode() {
    try (Upstream other = Upstream.start("other")) {
      StringBuilder keys = new StringBuilder();
      for (int i = 1; i <= 6; i++) {
        gw.put("/consumers", "{\"username\":\"ch" + i + "\",\"plugins\":{\"key-auth\":{\"key\":\"ch-key-" + i + "\"}}}");
      }
      gw.put("/routes/chash", "{\"uri\":\"/chash\",\"plugins\":{\"key-auth\":{}},\"upstream\":{\"type\":\"chash\","
          + "\"hash_on\":\"consumer\",\"nodes\":{\"" + up.node() + "\":1,\"" + other.node() + "\":1}}}");
      eventually(() -> withKey("/chash", "ch-key-1"), 200);
      java.util.Set<String> servers = new java.util.HashSet<>();
      for (int i = 1; i <= 6; i++) {
        String first = withKey("/chash", "ch-key-" + i).json().path("server").asText();
        for (int n = 0; n < 3; n++) {
          assertEquals(first, withKey("/chash", "ch-key-" + i).json().path("server").asText(), "consumer ch" + i + " moved");
        }
        servers.add(first);
        keys.append("ch").append(i).append("→").append(first).append(' ');
      }
      // all requests come from one address: only hashing on the consumer spreads them
      assertEquals(2, servers.size(), "consumers spread over both nodes: " + keys);
    }
  }

  @Test
  void pluginMetadata_isCheckedAgainstThePlugin() {
    Http.Response unknown = gw.admin("PUT", "/plugin_metadata/no-such-plugin", "{\"x\":1}");
    assertEquals(400, unknown.status());
    assertEquals("invalid plugin name", unknown.json().path("error_msg").asText());
    Http.Response none = gw.admin("PUT", "/plugin_metadata/key-auth", "{\"x\":1}");
    assertEquals(400, none.status());
    assertEquals("invalid configuration: no metadata schema for plugin key-auth", none.json().path("error_msg").asText());
    assertNotEquals(200, gw.admin("POST", "/plugin_metadata", "{}").status());
  }
}
