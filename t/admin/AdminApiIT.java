package admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.TimeUnit;
import lib.GatewayProcess;
import lib.Http;
import lib.Json;
import org.apigw.testing.EtcdExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Admin API round trips through the real gateway (spec §2): statuses, bodies, what lands in etcd.
 * One etcd and one gateway for the class; every test uses its own ids.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AdminApiIT {

  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  static GatewayProcess gw;

  @BeforeAll
  static void startGateway() {
    gw = GatewayProcess.builder().etcd(ETCD.etcd().endpoint()).build().start();
  }

  @AfterAll
  static void stopGateway() {
    if (gw != null) {
      gw.close();
    }
  }

  static String etcdValue(String key) {
    return ETCD.etcd().etcdctl("get", key, "--print-value-only").trim();
  }

  static final String UPSTREAM = "{\"type\":\"roundrobin\",\"nodes\":{\"127.0.0.1:1980\":1}}";

  @Test
  void put_newRoute_is201_overwrite_is200_andGetReturnsStoredValue() {
    String body = "{\"uri\":\"/a/put\",\"upstream\":" + UPSTREAM + "}";
    Http.Response created = gw.admin("PUT", "/routes/put1", body);
    assertEquals(201, created.status(), created.toString());
    assertEquals("v3", created.header("X-API-VERSION"));
    JsonNode v = created.json();
    assertEquals("/apisix/routes/put1", v.path("key").asText());
    assertEquals("put1", v.path("value").path("id").asText());
    assertEquals("/a/put", v.path("value").path("uri").asText());
    long createTime = v.path("value").path("create_time").asLong();
    assertTrue(createTime > 1_600_000_000L, v.toString());
    assertTrue(v.path("value").path("update_time").isIntegralNumber(), v.toString());

    JsonNode inEtcd = Json.parse(etcdValue("/apisix/routes/put1"));
    assertEquals("/a/put", inEtcd.path("uri").asText());
    assertEquals("put1", inEtcd.path("id").asText());

    Http.Response overwritten = gw.admin("PUT", "/routes/put1", "{\"uri\":\"/a/put2\",\"upstream\":" + UPSTREAM + "}");
    assertEquals(200, overwritten.status(), overwritten.toString());
    assertEquals(createTime, overwritten.json().path("value").path("create_time").asLong(), "create_time is kept on overwrite");

    Http.Response got = gw.admin("GET", "/routes/put1", null);
    assertEquals(200, got.status(), got.toString());
    JsonNode g = got.json();
    assertEquals("/apisix/routes/put1", g.path("key").asText());
    assertEquals("/a/put2", g.path("value").path("uri").asText());
    assertTrue(g.path("modifiedIndex").asLong() > g.path("createdIndex").asLong(), g.toString());
  }

  @Test
  void post_route_generatesA20DigitId_andIs201() {
    Http.Response r = gw.admin("POST", "/routes", "{\"uri\":\"/a/post\",\"upstream\":" + UPSTREAM + "}");
    assertEquals(201, r.status(), r.toString());
    String id = r.json().path("value").path("id").asText();
    assertTrue(id.matches("\\d{20}"), "id " + id);
    assertEquals("/apisix/routes/" + id, r.json().path("key").asText());
    assertFalse(etcdValue("/apisix/routes/" + id).isEmpty(), "stored in etcd");

    Http.Response withId = gw.admin("POST", "/routes/x1", "{\"uri\":\"/a/post\",\"upstream\":" + UPSTREAM + "}");
    assertEquals(400, withId.status(), withId.toString());
    assertEquals("wrong route id, do not need it", withId.json().path("error_msg").asText());
  }

  @Test
  void list_returnsListAndTotal_andEmptyDirIsEmptyList() {
    gw.put("/upstreams/list-a", UPSTREAM);
    gw.put("/upstreams/list-b", UPSTREAM);
    JsonNode list = gw.admin("GET", "/upstreams", null).json();
    assertTrue(list.path("total").asInt() >= 2, list.toString());
    assertEquals(list.path("total").asInt(), list.path("list").size());
    boolean seen = false;
    for (JsonNode item : list.path("list")) {
      if ("/apisix/upstreams/list-a".equals(item.path("key").asText())) {
        seen = true;
        assertEquals("list-a", item.path("value").path("id").asText());
      }
    }
    assertTrue(seen, list.toString());

    Http.Response empty = gw.admin("GET", "/global_rules", null);
    assertEquals(200, empty.status(), empty.toString());
    assertEquals(0, empty.json().path("total").asInt());
    assertEquals(0, empty.json().path("list").size());
  }

  @Test
  void patch_deepMergesObject_nullDeletes_andSubPathReplaces() {
    gw.put("/routes/patch1", "{\"uri\":\"/a/patch\",\"name\":\"n1\",\"desc\":\"d\",\"methods\":[\"GET\"],\"upstream\":" + UPSTREAM + "}");
    Http.Response r = gw.admin("PATCH", "/routes/patch1", "{\"name\":\"n2\",\"desc\":null,\"upstream\":{\"nodes\":{\"127.0.0.1:1981\":2}}}");
    assertEquals(200, r.status(), r.toString());
    JsonNode v = Json.parse(etcdValue("/apisix/routes/patch1"));
    assertEquals("n2", v.path("name").asText());
    assertFalse(v.has("desc"), "null deletes: " + v);
    assertEquals("roundrobin", v.path("upstream").path("type").asText(), "objects merge recursively: " + v);
    assertEquals(2, v.path("upstream").path("nodes").path("127.0.0.1:1981").asInt(), v.toString());

    Http.Response sub = gw.admin("PATCH", "/routes/patch1/methods", "[\"POST\",\"PUT\"]");
    assertEquals(200, sub.status(), sub.toString());
    JsonNode after = Json.parse(etcdValue("/apisix/routes/patch1"));
    assertEquals("[\"POST\",\"PUT\"]", after.path("methods").toString());

    Http.Response missing = gw.admin("PATCH", "/routes/no-such-route", "{\"name\":\"x\"}");
    assertEquals(404, missing.status(), missing.toString());
  }

  @Test
  void delete_returnsDeletedAsString_thenGetAndDeleteAre404KeyNotFound() {
    gw.put("/routes/del1", "{\"uri\":\"/a/del\",\"upstream\":" + UPSTREAM + "}");
    Http.Response r = gw.admin("DELETE", "/routes/del1", null);
    assertEquals(200, r.status(), r.toString());
    assertEquals("1", r.json().path("deleted").asText());
    assertTrue(r.json().path("deleted").isTextual(), "\"deleted\" is a string: " + r);
    assertEquals("/apisix/routes/del1", r.json().path("key").asText());
    assertEquals("", etcdValue("/apisix/routes/del1"));

    Http.Response again = gw.admin("DELETE", "/routes/del1", null);
    assertEquals(404, again.status(), again.toString());
    assertEquals("Key not found", again.json().path("message").asText());
    Http.Response get = gw.admin("GET", "/routes/del1", null);
    assertEquals(404, get.status(), get.toString());
    assertEquals("Key not found", get.json().path("message").asText());
  }

  @Test
  void upstreamServiceAndRoute_roundTrip_withReferences() {
    gw.put("/upstreams/rt-u", UPSTREAM);
    Http.Response svc = gw.admin("PUT", "/services/rt-s", "{\"upstream_id\":\"rt-u\",\"hosts\":[\"svc.example\"]}");
    assertEquals(201, svc.status(), svc.toString());
    Http.Response route = gw.admin("PUT", "/routes/rt-r", "{\"uri\":\"/a/rt\",\"service_id\":\"rt-s\"}");
    assertEquals(201, route.status(), route.toString());
    JsonNode s = gw.admin("GET", "/services/rt-s", null).json();
    assertEquals("rt-u", s.path("value").path("upstream_id").asText());
    JsonNode u = gw.admin("GET", "/upstreams/rt-u", null).json();
    assertEquals(1, u.path("value").path("nodes").path("127.0.0.1:1980").asInt());
  }

  @Test
  void badBody_is400_namingTheField_andEtcdIsUnchanged() {
    gw.put("/routes/bad1", "{\"uri\":\"/a/bad\",\"upstream\":" + UPSTREAM + "}");
    String before = etcdValue("/apisix/routes/bad1");
    long revBefore = ETCD.etcd().revision();

    Http.Response methods = gw.admin("PUT", "/routes/bad1", "{\"uri\":\"/a/bad\",\"methods\":[\"FOO\"],\"upstream\":" + UPSTREAM + "}");
    assertEquals(400, methods.status(), methods.toString());
    String msg = methods.json().path("error_msg").asText();
    assertTrue(msg.startsWith("invalid configuration: property \"methods\" validation failed"), msg);

    Http.Response extra = gw.admin("PUT", "/routes/bad1", "{\"uri\":\"/a/bad\",\"foo\":1,\"upstream\":" + UPSTREAM + "}");
    assertEquals(400, extra.status(), extra.toString());
    assertEquals("invalid configuration: additional properties forbidden, found foo", extra.json().path("error_msg").asText());

    Http.Response status = gw.admin("PUT", "/routes/bad1", "{\"uri\":\"/a/bad\",\"status\":7,\"upstream\":" + UPSTREAM + "}");
    assertEquals(400, status.status(), status.toString());
    assertTrue(status.json().path("error_msg").asText().contains("\"status\""), status.toString());

    Http.Response notJson = gw.admin("PUT", "/routes/bad1", "{\"uri\":");
    assertEquals(400, notJson.status(), notJson.toString());
    assertTrue(notJson.json().path("error_msg").asText().startsWith("invalid request body"), notJson.toString());

    Http.Response forbidden = gw.admin("PUT", "/routes/bad1", "{\"uri\":\"/a/bad\",\"create_time\":1,\"upstream\":" + UPSTREAM + "}");
    assertEquals(400, forbidden.status(), forbidden.toString());
    assertEquals("the property is forbidden:  create_time", forbidden.json().path("error_msg").asText());

    Http.Response wrongId = gw.admin("PUT", "/routes/bad1", "{\"id\":\"other\",\"uri\":\"/a/bad\",\"upstream\":" + UPSTREAM + "}");
    assertEquals(400, wrongId.status(), wrongId.toString());
    assertEquals("wrong route id", wrongId.json().path("error_msg").asText());

    Http.Response missingUpstream = gw.admin("PUT", "/routes/bad1", "{\"uri\":\"/a/bad\",\"upstream_id\":\"nope\"}");
    assertEquals(400, missingUpstream.status(), missingUpstream.toString());
    assertEquals(
        "failed to fetch upstream info by upstream id [nope], response code: 404",
        missingUpstream.json().path("error_msg").asText());

    Http.Response badNewKey = gw.admin("PUT", "/routes/bad-new", "{\"uri\":\"/a/bad\",\"methods\":[\"FOO\"],\"upstream\":" + UPSTREAM + "}");
    assertEquals(400, badNewKey.status(), badNewKey.toString());

    assertEquals(before, etcdValue("/apisix/routes/bad1"), "etcd value unchanged");
    assertEquals("", etcdValue("/apisix/routes/bad-new"), "nothing written for a new key");
    assertEquals(revBefore, ETCD.etcd().revision(), "no write reached etcd");
  }

  @Test
  void deleteUpstreamUsedByRoute_isRefused400_untilForce() {
    gw.put("/upstreams/inuse", UPSTREAM);
    gw.put("/routes/inuse-r", "{\"uri\":\"/a/inuse\",\"upstream_id\":\"inuse\"}");
    Http.Response r = gw.admin("DELETE", "/upstreams/inuse", null);
    assertEquals(400, r.status(), r.toString());
    assertEquals(
        "can not delete this upstream, route [inuse-r] is still using it now", r.json().path("error_msg").asText());
    assertFalse(etcdValue("/apisix/upstreams/inuse").isEmpty(), "still in etcd");

    gw.put("/services/inuse-s", "{\"upstream\":" + UPSTREAM + "}");
    gw.put("/routes/inuse-r2", "{\"uri\":\"/a/inuse2\",\"service_id\":\"inuse-s\"}");
    Http.Response s = gw.admin("DELETE", "/services/inuse-s", null);
    assertEquals(400, s.status(), s.toString());
    assertEquals(
        "can not delete this service directly, route [inuse-r2] is still using it now",
        s.json().path("error_msg").asText());

    Http.Response forced = gw.admin("DELETE", "/upstreams/inuse?force=true", null);
    assertEquals(200, forced.status(), forced.toString());
    assertEquals("", etcdValue("/apisix/upstreams/inuse"));
  }

  @Test
  void auth_missingWrongAndViewerKeys_are401WithReason() {
    Http.Response missing = gw.adminReq("/routes").get();
    assertEquals(401, missing.status(), missing.toString());
    assertEquals("failed to check token", missing.json().path("error_msg").asText());
    assertEquals("missing apikey", missing.json().path("description").asText());

    Http.Response wrong = gw.adminReq("/routes").header("X-API-KEY", "not-the-key").get();
    assertEquals(401, wrong.status(), wrong.toString());
    assertEquals("wrong apikey", wrong.json().path("description").asText());

    Http.Response viewerGet = gw.adminReq("/routes").header("X-API-KEY", GatewayProcess.VIEWER_KEY).get();
    assertEquals(200, viewerGet.status(), viewerGet.toString());

    Http.Response viewerPut =
        gw.adminReq("/routes/viewer1").header("X-API-KEY", GatewayProcess.VIEWER_KEY).method("PUT")
            .body("{\"uri\":\"/a/v\",\"upstream\":" + UPSTREAM + "}").send();
    assertEquals(401, viewerPut.status(), viewerPut.toString());
    assertEquals("invalid method for role viewer", viewerPut.json().path("description").asText());
    assertEquals("", etcdValue("/apisix/routes/viewer1"));

    Http.Response byQuery = gw.adminReq("/routes?api_key=" + GatewayProcess.ADMIN_KEY).get();
    assertEquals(200, byQuery.status(), byQuery.toString());
  }

  @Test
  void unknownResource_is404_andMissingIdOnDelete_is400() {
    Http.Response r = gw.admin("GET", "/routs", null);
    assertEquals(404, r.status(), r.toString());
    assertEquals("Unsupported resource type: routs", r.json().path("error_msg").asText());

    Http.Response noId = gw.admin("DELETE", "/routes", null);
    assertEquals(400, noId.status(), noId.toString());
    assertEquals("missing route id", noId.json().path("error_msg").asText());
  }
}
