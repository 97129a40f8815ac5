package org.apigw.admin;

import static org.apigw.admin.AdminFixture.raw;
import static org.apigw.admin.AdminFixture.rawString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apigw.admin.AdminHttp.Resp;
import org.apigw.testing.EtcdExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** CRUD behaviour of every resource against a real etcd, with auth switched off. */
@Timeout(60)
class AdminResourcesTest {

  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();

  private static Vertx vertx;
  private static Client etcd;
  private static AdminApi api;
  private static AdminHttp http;

  private static final String ROUTE = "{\"uri\":\"/hello\",\"upstream\":{\"nodes\":{\"127.0.0.1:1980\":1}}}";

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    etcd = Client.builder().endpoints(ETCD.etcd().endpoint()).build();
    api = AdminFixture.start(vertx, AdminFixture.openSettings(), etcd, Duration.ofSeconds(5));
    http = new AdminHttp(api.actualPort());
  }

  @AfterAll
  static void stop() {
    AdminFixture.await(api.close());
    etcd.close();
    AdminFixture.await(vertx.close());
  }

  @BeforeEach
  void emptyPrefix() {
    AdminFixture.wipe(etcd, "/apisix/");
  }

  /* ---------------------------------------------------------------- PUT */

  @Test
  void put_newRoute_returns201_andStoresBodyPlusIdAndTimestampsAsCompactJson() {
    Resp r = http.put("/apisix/admin/routes/1", ROUTE);

    assertEquals(201, r.status(), r.raw());
    assertEquals("/apisix/routes/1", r.json().path("key").asText());
    JsonNode value = r.json().path("value");
    assertEquals("1", value.path("id").textValue());
    assertEquals("/hello", value.path("uri").asText());
    long now = System.currentTimeMillis() / 1000;
    assertTrue(Math.abs(value.path("create_time").asLong() - now) < 5);
    assertEquals(value.path("create_time"), value.path("update_time"));

    String stored = rawString(etcd, "/apisix/routes/1");
    assertEquals(value.toString(), stored, "stored form is exactly the returned value, compact");
    assertFalse(stored.contains(" "), stored);
  }

  @Test
  void put_overExistingRoute_returns200_andKeepsCreateTime() {
    AdminFixture.putRaw(
        etcd, "/apisix/routes/1", "{\"id\":\"1\",\"uri\":\"/old\",\"create_time\":1000,\"update_time\":1000}");

    Resp r = http.put("/apisix/admin/routes/1", ROUTE);

    assertEquals(200, r.status(), r.raw());
    assertEquals(1000, r.json().path("value").path("create_time").asLong());
    assertTrue(r.json().path("value").path("update_time").asLong() > 1000);
    assertEquals("/hello", AdminHttp.parse(rawString(etcd, "/apisix/routes/1")).path("uri").asText());
  }

  @Test
  void put_bodyIdDifferentFromPathId_isRefused() {
    Resp r = http.put("/apisix/admin/routes/1", "{\"id\":\"2\",\"uri\":\"/a\"}");

    assertEquals(400, r.status());
    assertEquals("wrong route id", r.errorMsg());
    assertNull(raw(etcd, "/apisix/routes/1"));
  }

  @Test
  void put_withoutPathId_usesBodyId_keepingItsType() {
    Resp r = http.put("/apisix/admin/routes", "{\"id\":7,\"uri\":\"/a\",\"upstream\":{\"nodes\":{\"127.0.0.1:80\":1}}}");

    assertEquals(201, r.status(), r.raw());
    assertEquals("/apisix/routes/7", r.json().path("key").asText());
    assertTrue(AdminHttp.parse(rawString(etcd, "/apisix/routes/7")).path("id").isInt());
  }

  @Test
  void put_withNeitherPathNorBodyId_isMissingRouteId() {
    Resp r = http.put("/apisix/admin/routes", "{\"uri\":\"/a\",\"upstream\":{\"nodes\":{\"127.0.0.1:80\":1}}}");

    assertEquals(400, r.status());
    assertEquals("missing route id", r.errorMsg());
  }

  @Test
  void put_withCreateOrUpdateTime_isForbidden_includingNestedUpstream() {
    Resp top = http.put("/apisix/admin/routes/1", "{\"uri\":\"/a\",\"create_time\":1}");
    Resp nested =
        http.put(
            "/apisix/admin/routes/1",
            "{\"uri\":\"/a\",\"upstream\":{\"nodes\":{\"127.0.0.1:80\":1},\"update_time\":1}}");
    Resp post = http.post("/apisix/admin/routes", "{\"uri\":\"/a\",\"update_time\":1}");

    assertEquals(400, top.status());
    assertEquals("the property is forbidden:  create_time", top.errorMsg());
    assertEquals("the property is forbidden:  upstream.update_time", nested.errorMsg());
    assertEquals("the property is forbidden:  update_time", post.errorMsg());
    assertNull(raw(etcd, "/apisix/routes/1"));
  }

  @Test
  void put_consumer_isKeyedByUsername_withoutId() {
    Resp r = http.put("/apisix/admin/consumers", "{\"username\":\"jack\",\"desc\":\"d\"}");

    assertEquals(201, r.status(), r.raw());
    assertEquals("/apisix/consumers/jack", r.json().path("key").asText());
    JsonNode stored = AdminHttp.parse(rawString(etcd, "/apisix/consumers/jack"));
    assertEquals("jack", stored.path("username").asText());
    assertFalse(stored.has("id"));
    assertTrue(stored.has("create_time"));
  }

  @Test
  void put_consumerPathDifferentFromUsername_isWrongUsername() {
    Resp r = http.put("/apisix/admin/consumers/jack", "{\"username\":\"jill\"}");

    assertEquals(400, r.status());
    assertEquals("wrong username", r.errorMsg());
  }

  @Test
  void put_emptyBody_isMissingConfigurations() {
    Resp r = http.put("/apisix/admin/routes/1", "");

    assertEquals(400, r.status());
    assertEquals("missing configurations", r.errorMsg());
  }

  /* ---------------------------------------------------------------- each resource */

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "routes|{\"uri\":\"/r\",\"upstream\":{\"nodes\":{\"127.0.0.1:80\":1}}}",
        "services|{\"name\":\"s\",\"upstream\":{\"nodes\":{\"127.0.0.1:80\":1}}}",
        "upstreams|{\"type\":\"roundrobin\",\"nodes\":{\"127.0.0.1:80\":1}}",
        "plugin_configs|{\"plugins\":{\"limit-count\":{\"count\":2,\"time_window\":60}}}",
        "global_rules|{\"plugins\":{\"proxy-rewrite\":{\"uri\":\"/x\"}}}",
        "consumers|{\"username\":\"x1\",\"plugins\":{\"key-auth\":{\"key\":\"k1\"}}}"
      })
  void roundTrip_putGetListDelete(String dir, String body) {
    String id = dir.equals("consumers") ? "x1" : "x1";
    Resp put = http.put("/apisix/admin/" + dir + "/" + id, body);
    assertEquals(201, put.status(), put.raw());

    Resp get = http.get("/apisix/admin/" + dir + "/" + id);
    assertEquals(200, get.status(), get.raw());
    assertEquals("/apisix/" + dir + "/" + id, get.json().path("key").asText());
    assertEquals(put.json().path("value"), get.json().path("value"));
    KeyValue kv = raw(etcd, "/apisix/" + dir + "/" + id);
    assertEquals(kv.getCreateRevision(), get.json().path("createdIndex").asLong());
    assertEquals(kv.getModRevision(), get.json().path("modifiedIndex").asLong());

    Resp list = http.get("/apisix/admin/" + dir);
    assertEquals(1, list.json().path("total").asInt(), list.raw());
    assertEquals(get.json(), list.json().path("list").get(0));

    Resp del = http.delete("/apisix/admin/" + dir + "/" + id);
    assertEquals(200, del.status(), del.raw());
    assertEquals("1", del.json().path("deleted").textValue());
    assertEquals("/apisix/" + dir + "/" + id, del.json().path("key").asText());
    assertNull(raw(etcd, "/apisix/" + dir + "/" + id));
  }

  /* ---------------------------------------------------------------- GET */

  @Test
  void get_missingId_is404KeyNotFound() {
    Resp r = http.get("/apisix/admin/routes/nope");

    assertEquals(404, r.status());
    assertEquals("Key not found", r.json().path("message").asText());
  }

  @Test
  void list_ofEmptyDirectory_isEmptyListAndZeroTotal() {
    Resp r = http.get("/apisix/admin/routes");

    assertEquals(200, r.status());
    assertEquals("{\"list\":[],\"total\":0}", r.raw());
  }

  @Test
  void list_skipsInitDirPlaceholder_nonJsonValues_andNestedKeys() {
    AdminFixture.putRaw(etcd, "/apisix/routes/", "init_dir");
    AdminFixture.putRaw(etcd, "/apisix/routes/broken", "not json {");
    AdminFixture.putRaw(etcd, "/apisix/consumers/", "init_dir");
    AdminFixture.putRaw(etcd, "/apisix/consumers/jack/credentials/c1", "{\"id\":\"c1\"}");
    http.put("/apisix/admin/routes/1", ROUTE);
    http.put("/apisix/admin/routes/2", ROUTE);
    http.put("/apisix/admin/consumers", "{\"username\":\"jack\"}");

    Resp routes = http.get("/apisix/admin/routes");
    Resp consumers = http.get("/apisix/admin/consumers");

    assertEquals(2, routes.json().path("total").asInt(), routes.raw());
    assertEquals(2, routes.json().path("list").size());
    assertEquals("/apisix/routes/1", routes.json().path("list").get(0).path("key").asText());
    assertEquals(1, consumers.json().path("total").asInt(), consumers.raw());
  }

  @Test
  void list_paging_returnsOnePage_withTotalOfAll_andRefusesBadPageSize() {
    for (int i = 1; i <= 12; i++) {
      assertEquals(201, http.put("/apisix/admin/routes/r" + i, ROUTE).status());
    }

    Resp page2 = http.get("/apisix/admin/routes?page=2&page_size=10");
    Resp bad = http.get("/apisix/admin/routes?page=1&page_size=5");

    assertEquals(12, page2.json().path("total").asInt());
    assertEquals(2, page2.json().path("list").size());
    assertEquals("/apisix/routes/r11", page2.json().path("list").get(0).path("key").asText());
    assertEquals(400, bad.status());
    assertEquals("page_size must be between 10 and 500", bad.raw());
  }

  @Test
  void list_filtersByName() {
    http.put("/apisix/admin/routes/1", "{\"uri\":\"/a\",\"name\":\"alpha\",\"upstream\":{\"nodes\":{\"127.0.0.1:80\":1}}}");
    http.put("/apisix/admin/routes/2", "{\"uri\":\"/b\",\"name\":\"beta\",\"upstream\":{\"nodes\":{\"127.0.0.1:80\":1}}}");

    Resp r = http.get("/apisix/admin/routes?name=alp");

    assertEquals(1, r.json().path("total").asInt(), r.raw());
    assertEquals("1", r.json().path("list").get(0).path("value").path("id").asText());
  }

  /* ---------------------------------------------------------------- POST */

  @Test
  void post_generatesTwentyDigitRevisionId_andReturns201() {
    Resp r = http.post("/apisix/admin/routes", ROUTE);

    assertEquals(201, r.status(), r.raw());
    String id = r.json().path("value").path("id").textValue();
    assertTrue(id.matches("\\d{20}"), id);
    assertEquals("/apisix/routes/" + id, r.json().path("key").asText());
    assertNotNull(raw(etcd, "/apisix/routes/" + id));
    assertEquals(Long.parseLong(id), raw(etcd, "/apisix/gen_id").getModRevision());
    assertNotEquals(id, http.post("/apisix/admin/routes", ROUTE).json().path("value").path("id").textValue());
  }

  @Test
  void post_withIdInBodyOrPath_isRefused() {
    Resp body = http.post("/apisix/admin/routes", "{\"id\":\"1\",\"uri\":\"/a\"}");
    Resp path = http.post("/apisix/admin/routes/1", "{\"uri\":\"/a\",\"upstream\":{\"nodes\":{\"127.0.0.1:80\":1}}}");

    assertEquals(400, body.status());
    assertEquals("wrong route id, do not need it", body.errorMsg());
    assertEquals("wrong route id, do not need it", path.errorMsg());
  }

  @Test
  void post_consumer_isMethodNotSupported405() {
    Resp r = http.post("/apisix/admin/consumers", "{\"username\":\"jack\"}");

    assertEquals(405, r.status());
    assertEquals("not supported `POST` method for consumer", r.errorMsg());
  }

  /* ---------------------------------------------------------------- PATCH */

  @Test
  void patch_deepMergesObjects_nullDeletes_arraysReplace_andRefreshesUpdateTime() {
    AdminFixture.putRaw(
        etcd,
        "/apisix/routes/1",
        "{\"id\":\"1\",\"uri\":\"/a\",\"desc\":\"old\",\"methods\":[\"GET\",\"POST\"],"
            + "\"upstream\":{\"type\":\"roundrobin\",\"nodes\":{\"127.0.0.1:80\":1}},"
            + "\"create_time\":1000,\"update_time\":1000}");

    Resp r =
        http.patch(
            "/apisix/admin/routes/1",
            "{\"desc\":null,\"methods\":[\"PUT\"],\"upstream\":{\"nodes\":{\"127.0.0.2:80\":2}}}");

    assertEquals(200, r.status(), r.raw());
    JsonNode stored = AdminHttp.parse(rawString(etcd, "/apisix/routes/1"));
    assertFalse(stored.has("desc"));
    assertEquals("[\"PUT\"]", stored.path("methods").toString());
    assertEquals("roundrobin", stored.path("upstream").path("type").asText());
    assertEquals(1, stored.path("upstream").path("nodes").path("127.0.0.1:80").asInt());
    assertEquals(2, stored.path("upstream").path("nodes").path("127.0.0.2:80").asInt());
    assertEquals(1000, stored.path("create_time").asLong());
    assertTrue(stored.path("update_time").asLong() > 1000);
    assertEquals(r.json().path("value"), stored);
  }

  @Test
  void patch_subPath_replacesTheValueAtThatPath() {
    http.put("/apisix/admin/routes/1", ROUTE);

    Resp r = http.patch("/apisix/admin/routes/1/upstream/nodes", "{\"127.0.0.9:81\":5}");
    Resp scalar = http.patch("/apisix/admin/routes/1/desc", "\"hello\"");

    assertEquals(200, r.status(), r.raw());
    assertEquals(200, scalar.status(), scalar.raw());
    JsonNode stored = AdminHttp.parse(rawString(etcd, "/apisix/routes/1"));
    assertEquals("{\"127.0.0.9:81\":5}", stored.path("upstream").path("nodes").toString());
    assertEquals("hello", stored.path("desc").asText());
  }

  @Test
  void patch_missingRoute_is404KeyNotFound_andMissingBodyIsRefused() {
    Resp missing = http.patch("/apisix/admin/routes/9", "{\"desc\":\"x\"}");
    http.put("/apisix/admin/routes/1", ROUTE);
    Resp noBody = http.patch("/apisix/admin/routes/1", "");
    Resp notObject = http.patch("/apisix/admin/routes/1", "[1]");

    assertEquals(404, missing.status());
    assertEquals("Key not found", missing.json().path("message").asText());
    assertEquals("missing new configuration", noBody.errorMsg());
    assertEquals("invalid configuration", notObject.errorMsg());
  }

  @Test
  void patch_resultIsRevalidated_andEtcdIsUnchangedOnFailure() {
    http.put("/apisix/admin/routes/1", ROUTE);
    long before = raw(etcd, "/apisix/routes/1").getModRevision();

    Resp r = http.patch("/apisix/admin/routes/1", "{\"methods\":[\"FETCH\"]}");

    assertEquals(400, r.status());
    assertTrue(r.errorMsg().startsWith("invalid configuration"), r.errorMsg());
    assertTrue(r.errorMsg().contains("methods"), r.errorMsg());
    assertEquals(before, raw(etcd, "/apisix/routes/1").getModRevision());
  }

  @Test
  void patch_concurrentPatchesOfDifferentFields_allSurvive() {
    http.put("/apisix/admin/routes/1", ROUTE);
    List<CompletableFuture<Resp>> inFlight = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      inFlight.add(
          http.sendAsync(
              "PATCH", "/apisix/admin/routes/1", "{\"labels\":{\"k" + i + "\":\"v" + i + "\"}}"));
    }
    for (CompletableFuture<Resp> f : inFlight) {
      assertEquals(200, f.join().status(), f.join().raw());
    }

    JsonNode labels = AdminHttp.parse(rawString(etcd, "/apisix/routes/1")).path("labels");
    assertEquals(8, labels.size(), labels.toString());
  }

  @Test
  void patch_consumer_isMethodNotSupported405() {
    Resp r = http.patch("/apisix/admin/consumers/jack", "{\"desc\":\"x\"}");

    assertEquals(405, r.status());
    assertEquals("not supported `PATCH` method for consumer", r.errorMsg());
  }

  /* ---------------------------------------------------------------- DELETE */

  @Test
  void delete_missingId_is404KeyNotFound_andNoIdIsMissingId() {
    Resp missing = http.delete("/apisix/admin/routes/nope");
    Resp noId = http.delete("/apisix/admin/routes");

    assertEquals(404, missing.status());
    assertEquals("{\"message\":\"Key not found\"}", missing.raw());
    assertEquals(400, noId.status());
    assertEquals("missing route id", noId.errorMsg());
  }

  @Test
  void delete_upstreamUsedByRoute_isRefused_unlessForced() {
    http.put("/apisix/admin/upstreams/u1", "{\"nodes\":{\"127.0.0.1:80\":1}}");
    http.put("/apisix/admin/routes/1", "{\"uri\":\"/a\",\"upstream_id\":\"u1\"}");

    Resp refused = http.delete("/apisix/admin/upstreams/u1");
    Resp forced = http.delete("/apisix/admin/upstreams/u1?force=true");

    assertEquals(400, refused.status());
    assertEquals("can not delete this upstream, route [1] is still using it now", refused.errorMsg());
    assertEquals(200, forced.status(), forced.raw());
    assertNull(raw(etcd, "/apisix/upstreams/u1"));
  }

  @Test
  void delete_upstreamUsedByService_isRefused() {
    http.put("/apisix/admin/upstreams/u1", "{\"nodes\":{\"127.0.0.1:80\":1}}");
    http.put("/apisix/admin/services/s1", "{\"upstream_id\":\"u1\"}");

    Resp refused = http.delete("/apisix/admin/upstreams/u1");

    assertEquals("can not delete this upstream, service [s1] is still using it now", refused.errorMsg());
    assertNotNull(raw(etcd, "/apisix/upstreams/u1"));
  }

  @Test
  void delete_serviceAndPluginConfigUsedByRoute_areRefused() {
    http.put("/apisix/admin/services/s1", "{\"name\":\"s\"}");
    http.put(
        "/apisix/admin/plugin_configs/p1",
        "{\"plugins\":{\"limit-count\":{\"count\":1,\"time_window\":1}}}");
    Resp route =
        http.put("/apisix/admin/routes/1", "{\"uri\":\"/a\",\"service_id\":\"s1\",\"plugin_config_id\":\"p1\"}");
    assertEquals(201, route.status(), route.raw());

    assertEquals(
        "can not delete this service directly, route [1] is still using it now",
        http.delete("/apisix/admin/services/s1").errorMsg());
    assertEquals(
        "can not delete this plugin config, route [1] is still using it now",
        http.delete("/apisix/admin/plugin_configs/p1").errorMsg());
    assertEquals(200, http.delete("/apisix/admin/routes/1").status());
    assertEquals(200, http.delete("/apisix/admin/services/s1").status());
  }

  @Test
  void delete_consumer_removesItsCredentialsToo() {
    http.put("/apisix/admin/consumers", "{\"username\":\"jack\"}");
    AdminFixture.putRaw(etcd, "/apisix/consumers/jack/credentials/c1", "{\"id\":\"c1\"}");

    assertEquals(200, http.delete("/apisix/admin/consumers/jack").status());

    assertNull(raw(etcd, "/apisix/consumers/jack/credentials/c1"));
  }

  /* ---------------------------------------------------------------- validation */

  @Test
  void badJson_is400InvalidRequestBody_echoingTheBody() {
    Resp r = http.put("/apisix/admin/routes/1", "{\"uri\":");

    assertEquals(400, r.status());
    assertTrue(r.errorMsg().startsWith("invalid request body: "), r.errorMsg());
    assertEquals("{\"uri\":", r.json().path("req_body").asText());
  }

  @Test
  void bodyOverOneAndAHalfMebibytes_isRefused() {
    String big = "{\"uri\":\"/a\",\"desc\":\"" + "x".repeat(1_600_000) + "\"}";

    Resp r = http.put("/apisix/admin/routes/1", big);

    assertEquals(400, r.status());
    assertEquals(
        "invalid request body: request size "
            + big.length()
            + " is greater than the maximum size 1572864 allowed",
        r.errorMsg());
    assertNull(raw(etcd, "/apisix/routes/1"));
  }

  @Test
  void schemaError_namesTheField_andLeavesEtcdUnchanged() {
    http.put("/apisix/admin/routes/1", ROUTE);
    String before = rawString(etcd, "/apisix/routes/1");

    Resp r = http.put("/apisix/admin/routes/1", "{\"uri\":\"/a\",\"methods\":[\"FETCH\"]}");

    assertEquals(400, r.status());
    assertTrue(r.errorMsg().startsWith("invalid configuration"), r.errorMsg());
    assertTrue(r.errorMsg().contains("\"methods\""), r.errorMsg());
    assertEquals(before, rawString(etcd, "/apisix/routes/1"));
  }

  @Test
  void referenceToMissingUpstreamServiceOrPluginConfig_isRefused() {
    Resp upstream = http.put("/apisix/admin/routes/1", "{\"uri\":\"/a\",\"upstream_id\":\"nope\"}");
    Resp service = http.put("/apisix/admin/routes/1", "{\"uri\":\"/a\",\"service_id\":2}");
    Resp pluginConfig = http.put("/apisix/admin/routes/1", "{\"uri\":\"/a\",\"plugin_config_id\":\"pc\",\"upstream\":{\"nodes\":{\"127.0.0.1:80\":1}}}");
    Resp serviceUpstream = http.put("/apisix/admin/services/1", "{\"upstream_id\":\"u9\"}");

    assertEquals(400, upstream.status());
    assertEquals("failed to fetch upstream info by upstream id [nope], response code: 404", upstream.errorMsg());
    assertEquals("failed to fetch service info by service id [2], response code: 404", service.errorMsg());
    assertEquals(
        "failed to fetch plugin config info by plugin config id [pc], response code: 404",
        pluginConfig.errorMsg());
    assertEquals("failed to fetch upstream info by upstream id [u9], response code: 404", serviceUpstream.errorMsg());
    assertNull(raw(etcd, "/apisix/routes/1"));
  }

  @Test
  void severalMissingReferences_nameTheUpstreamFirst_thoughTheyAreLookedUpTogether() {
    for (int i = 0; i < 5; i++) {
      Resp r =
          http.put(
              "/apisix/admin/routes/1",
              "{\"uri\":\"/a\",\"upstream_id\":\"u-missing\",\"service_id\":\"s-missing\",\"plugin_config_id\":\"pc\"}");

      assertEquals(400, r.status());
      assertEquals("failed to fetch upstream info by upstream id [u-missing], response code: 404", r.errorMsg());
    }
    Resp service =
        http.put("/apisix/admin/routes/1", "{\"uri\":\"/a\",\"service_id\":\"s-missing\",\"plugin_config_id\":\"pc\"}");
    assertEquals("failed to fetch service info by service id [s-missing], response code: 404", service.errorMsg());
    assertNull(raw(etcd, "/apisix/routes/1"));
  }

  @Test
  void unknownPlugin_isRefusedByValidation() {
    Resp r = http.put("/apisix/admin/routes/1", "{\"uri\":\"/a\",\"plugins\":{\"no-such\":{}}}");

    assertEquals(400, r.status());
    assertTrue(r.errorMsg().contains("no-such"), r.errorMsg());
  }

  @Test
  void idWithCharactersOutsideThePattern_isRefused() {
    Resp r = http.put("/apisix/admin/routes", "{\"id\":\"a/b\",\"uri\":\"/a\"}");

    assertEquals(400, r.status());
    assertTrue(r.errorMsg().contains("\"id\""), r.errorMsg());
    assertNull(raw(etcd, "/apisix/routes/a/b"));
  }

  /* ---------------------------------------------------------------- ttl, misc */

  @Test
  void ttl_attachesALease_andANonNumberIsRefused() {
    Resp ok = http.put("/apisix/admin/routes/1?ttl=60", ROUTE);
    Resp bad = http.put("/apisix/admin/routes/2?ttl=soon", ROUTE);

    assertEquals(201, ok.status(), ok.raw());
    assertNotEquals(0, raw(etcd, "/apisix/routes/1").getLease());
    assertEquals(400, bad.status());
    assertEquals("invalid argument ttl: should be a number", bad.errorMsg());
    assertNull(raw(etcd, "/apisix/routes/2"));
  }

  @Test
  void unknownResourceType_is404Unsupported() {
    Resp r = http.get("/apisix/admin/routs");

    assertEquals(404, r.status());
    assertEquals("Unsupported resource type: routs", r.errorMsg());
  }

  @Test
  void headOnAdminRoot_is200() {
    assertEquals(200, http.send("HEAD", "/apisix/admin", null).status());
  }

  @Test
  void pluginsList_isJsonArrayOfEnabledNames() {
    Resp r = http.get("/apisix/admin/plugins/list");

    assertEquals(200, r.status());
    assertEquals("[\"key-auth\",\"limit-count\",\"proxy-rewrite\"]", r.raw());
  }
}
