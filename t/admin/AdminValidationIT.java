package admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import lib.GatewayProcess;
import lib.Http;
import org.apigw.testing.Deadline;
import org.apigw.testing.EtcdExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Admin API edges from spec §2: argument checks, exact error texts, and etcd being unreachable. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AdminValidationIT {

  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  static GatewayProcess gw;
  static final String UPSTREAM = "{\"type\":\"roundrobin\",\"nodes\":{\"127.0.0.1:1980\":1}}";

  @BeforeAll
  static void startGateway() {
    // a short etcd request timeout keeps the etcd-down case quick
    gw = GatewayProcess.builder().etcd(ETCD.etcd().endpoint()).set("deployment.etcd.timeout", 3).build().start();
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

  static void assertError(Http.Response r, int status, String errorMsg) {
    assertEquals(status, r.status(), r.toString());
    assertEquals(errorMsg, r.json().path("error_msg").asText(), r.toString());
  }

  @Test
  void putWithoutPathId_usesTheBodyId_andNeitherIs400MissingId() {
    Http.Response r = gw.admin("PUT", "/routes", "{\"id\":\"body-id\",\"uri\":\"/v/body\",\"upstream\":" + UPSTREAM + "}");
    assertEquals(201, r.status(), r.toString());
    assertEquals("/apisix/routes/body-id", r.json().path("key").asText());
    assertError(gw.admin("PUT", "/routes", "{\"uri\":\"/v/none\",\"upstream\":" + UPSTREAM + "}"), 400, "missing route id");
  }

  @Test
  void invalidId_isRefused() {
    Http.Response r = gw.admin("PUT", "/routes/bad%20id", "{\"uri\":\"/v/id\",\"upstream\":" + UPSTREAM + "}");
    assertEquals(400, r.status(), r.toString());
    assertTrue(r.json().path("error_msg").asText().contains("\"id\""), r.toString());
  }

  @Test
  void hostAndHosts_together_isRefused() {
    assertError(
        gw.admin("PUT", "/routes/hh", "{\"uri\":\"/v/hh\",\"host\":\"a.com\",\"hosts\":[\"b.com\"],\"upstream\":" + UPSTREAM + "}"),
        400, "only one of host or hosts is allowed");
    assertError(
        gw.admin("PUT", "/routes/rr", "{\"uri\":\"/v/rr\",\"remote_addr\":\"1.1.1.1\",\"remote_addrs\":[\"2.2.2.2\"],\"upstream\":" + UPSTREAM + "}"),
        400, "only one of remote_addr or remote_addrs is allowed");
  }

  @Test
  void badVarsExpression_isRefused_withTheExprError() {
    Http.Response r = gw.admin("PUT", "/routes/vars", "{\"uri\":\"/v/vars\",\"vars\":[[\"arg_a\",\"=\",\"1\"]],\"upstream\":" + UPSTREAM + "}");
    assertEquals(400, r.status(), r.toString());
    assertTrue(
        r.json().path("error_msg").asText().startsWith("failed to validate the 'vars' expression: "), r.toString());
    assertEquals("", etcdValue("/apisix/routes/vars"));
  }

  @Test
  void passHostRewrite_withoutUpstreamHost_isRefused() {
    assertError(
        gw.admin("PUT", "/upstreams/phr", "{\"nodes\":{\"127.0.0.1:1980\":1},\"pass_host\":\"rewrite\"}"),
        400, "`upstream_host` can't be empty when `pass_host` is `rewrite`");
  }

  @Test
  void unknownPlugin_isRefused() {
    assertError(
        gw.admin("PUT", "/routes/plug", "{\"uri\":\"/v/plug\",\"plugins\":{\"no-such-plugin\":{}},\"upstream\":" + UPSTREAM + "}"),
        400, "unknown plugin [no-such-plugin]");
  }

  @Test
  void ttlMustBeANumber() {
    assertError(
        gw.admin("PUT", "/routes/ttl?ttl=soon", "{\"uri\":\"/v/ttl\",\"upstream\":" + UPSTREAM + "}"),
        400, "invalid argument ttl: should be a number");
  }

  @Test
  void pageSizeOutOfRange_is400() {
    Http.Response r = gw.admin("GET", "/routes?page=1&page_size=5", null);
    assertEquals(400, r.status(), r.toString());
    assertTrue(r.body().contains("page_size must be between 10 and 500"), r.toString());
  }

  @Test
  void bodyOver1_5MiB_isRefused_withTheSizeMessage() {
    String big = "{\"uri\":\"/v/big\",\"desc\":\"" + "x".repeat(1_600_000) + "\",\"upstream\":" + UPSTREAM + "}";
    Http.Response r = gw.admin("PUT", "/routes/big", big);
    assertEquals(400, r.status(), r.toString());
    assertTrue(
        r.json().path("error_msg").asText().startsWith("invalid request body: request size")
            && r.json().path("error_msg").asText().endsWith("is greater than the maximum size 1572864 allowed"),
        r.toString());
    assertEquals("", etcdValue("/apisix/routes/big"));
  }

  @Test
  void consumers_putByUsername_postIs405() {
    Http.Response put = gw.admin("PUT", "/consumers", "{\"username\":\"jack\"}");
    assertEquals(201, put.status(), put.toString());
    assertEquals("/apisix/consumers/jack", put.json().path("key").asText());
    assertError(gw.admin("POST", "/consumers", "{\"username\":\"jill\"}"), 405, "not supported `POST` method for consumer");
  }

  @Test
  void pluginConfigUsedByRoute_cannotBeDeleted() {
    gw.put("/plugin_configs/pc1", "{\"plugins\":{}}");
    gw.put("/routes/pc-user", "{\"uri\":\"/v/pc\",\"plugin_config_id\":\"pc1\",\"upstream\":" + UPSTREAM + "}");
    assertError(gw.admin("DELETE", "/plugin_configs/pc1", null), 400,
        "can not delete this plugin config, route [pc-user] is still using it now");
  }

  @Test
  void patchSubPath_withoutBody_isMissingNewConfiguration() {
    gw.put("/routes/patch-nobody", "{\"uri\":\"/v/pn\",\"upstream\":" + UPSTREAM + "}");
    assertError(gw.admin("PATCH", "/routes/patch-nobody/desc", null), 400, "missing new configuration");
  }

  @Test
  void headOnTheAdminRoot_is200() {
    Http.Response r = gw.adminReq("").header("X-API-KEY", GatewayProcess.ADMIN_KEY).method("HEAD").send();
    assertEquals(200, r.status(), r.toString());
  }

  @Test
  void etcdDown_writeFailsWith5xx_andAClearMessage_thenWorksAgain() {
    ETCD.etcd().kill9();
    try {
      Http.Response r =
          gw.adminReq("/routes/down").header("X-API-KEY", GatewayProcess.ADMIN_KEY).method("PUT")
              .body("{\"uri\":\"/v/down\",\"upstream\":" + UPSTREAM + "}").timeout(Duration.ofSeconds(60)).send();
      System.out.println("[AdminValidationIT] PUT with etcd down → " + r);
      assertTrue(r.status() >= 500 && r.status() <= 504, r.toString());
      assertTrue(r.json().has("error_msg"), "JSON error_msg: " + r);
    } finally {
      ETCD.etcd().restart();
    }
    Deadline.untilPasses(Duration.ofSeconds(30), () -> gw.put("/routes/down", "{\"uri\":\"/v/down\",\"upstream\":" + UPSTREAM + "}"));
  }
}
