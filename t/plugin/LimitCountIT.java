package plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import lib.Http;
import org.apigw.testing.Deadline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * limit-count with the local policy through the real gateway. Requests are counted by the
 * {@code X-User} header so that the requests that wait for a route to arrive (each with its own
 * user) do not spend the budget the test then checks. Windows are 60 s: nothing here depends on
 * how fast the machine is.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LimitCountIT extends PluginITBase {

  private static int probes;

  static Http.Response as(String path, String user) {
    return gw.proxy(path).header("X-User", user).get();
  }

  /** Waits until {@code path} answers with a header {@code name: value}, each try as a new user. */
  static Http.Response awaitHeader(String path, String name, String value) {
    return Deadline.untilPasses(CONVERGE, () -> {
      Http.Response r = as(path, "probe-" + probes++);
      assertEquals(value, r.header(name), r.toString());
      return r;
    });
  }

  @Test
  void spendsTheBudget_thenRejectsWithCodeMessageAndQuotaHeaders() {
    route("lc-basic", "/lc-basic",
        "{\"limit-count\":{\"count\":2,\"time_window\":60,\"key\":\"http_x_user\",\"rejected_code\":429,\"rejected_msg\":\"slow down\"}}");
    awaitHeader("/lc-basic", "X-RateLimit-Limit", "2");

    Http.Response first = as("/lc-basic", "alice");
    assertEquals(200, first.status(), first.toString());
    assertEquals("2", first.header("X-RateLimit-Limit"));
    assertEquals("1", first.header("X-RateLimit-Remaining"));
    long reset = Long.parseLong(first.header("X-RateLimit-Reset"));
    assertTrue(reset >= 1 && reset <= 60, "reset " + reset);

    Http.Response second = as("/lc-basic", "alice");
    assertEquals(200, second.status());
    assertEquals("0", second.header("X-RateLimit-Remaining"));

    Http.Response third = as("/lc-basic", "alice");
    assertEquals(429, third.status(), third.toString());
    assertEquals("{\"error_msg\":\"slow down\"}", third.body());
    assertEquals("2", third.header("X-RateLimit-Limit"));
    assertEquals("0", third.header("X-RateLimit-Remaining"));
    assertTrue(Long.parseLong(third.header("X-RateLimit-Reset")) <= reset);

    assertEquals(200, as("/lc-basic", "bob").status(), "another key has its own budget");
  }

  @Test
  void defaults_503GatewayPage_andHeadersCanBeHidden() {
    route("lc-quiet", "/lc-quiet",
        "{\"limit-count\":{\"count\":1,\"time_window\":60,\"key\":\"http_x_user\",\"show_limit_quota_header\":false},"
            + "\"response-rewrite\":{\"headers\":{\"set\":{\"X-Probe\":\"quiet\"}}}}");
    awaitHeader("/lc-quiet", "X-Probe", "quiet");
    Http.Response ok = as("/lc-quiet", "carol");
    assertEquals(200, ok.status());
    assertNull(ok.header("X-RateLimit-Remaining"));
    Http.Response refused = as("/lc-quiet", "carol");
    assertEquals(503, refused.status());
    assertNull(refused.header("X-RateLimit-Limit"));
    assertTrue(refused.body().contains("503"), refused.body());
  }

  @Test
  void missingKeyVariable_fallsBackToTheClientAddress() {
    route("lc-fallback", "/lc-fallback", "{\"limit-count\":{\"count\":1,\"time_window\":60,\"key\":\"http_x_absent\"}}");
    // every request here lacks X-Absent, so all of them share the client address's budget:
    // the first that arrives on the new route spends it, the next one is refused
    eventually(() -> gw.get("/lc-fallback"), 503);
    assertEquals("0", gw.get("/lc-fallback").header("X-RateLimit-Remaining"));
  }

  @Test
  void countersSurviveAnUnrelatedRouteChange_butNotAChangeOfTheirConf() {
    String limit = "\"limit-count\":{\"count\":1,\"time_window\":60,\"key\":\"http_x_user\"}";
    route("lc-keep", "/lc-keep", "{" + limit + ",\"response-rewrite\":{\"headers\":{\"set\":{\"X-Rev\":\"1\"}}}}");
    awaitHeader("/lc-keep", "X-Rev", "1");
    assertEquals(200, as("/lc-keep", "dave").status());
    assertEquals(503, as("/lc-keep", "dave").status());

    // another plugin of the same route changes: limit-count's owner and conf stay the same
    route("lc-keep", "/lc-keep", "{" + limit + ",\"response-rewrite\":{\"headers\":{\"set\":{\"X-Rev\":\"2\"}}}}");
    awaitHeader("/lc-keep", "X-Rev", "2");
    assertEquals(503, as("/lc-keep", "dave").status(), "the spent budget survived the new revision");

    // limit-count's own conf changes: APISIX keys counters by conf version, so it starts afresh
    route("lc-keep", "/lc-keep",
        "{\"limit-count\":{\"count\":2,\"time_window\":60,\"key\":\"http_x_user\"},\"response-rewrite\":{\"headers\":{\"set\":{\"X-Rev\":\"3\"}}}}");
    awaitHeader("/lc-keep", "X-Rev", "3");
    Http.Response fresh = as("/lc-keep", "dave");
    assertEquals(200, fresh.status());
    assertEquals("1", fresh.header("X-RateLimit-Remaining"));
  }

  @Test
  void group_routesShareOneCounter() {
    String conf = "{\"limit-count\":{\"count\":2,\"time_window\":60,\"key\":\"http_x_user\",\"group\":\"lc-grp\"}}";
    route("lc-g1", "/lc-g1", conf);
    route("lc-g2", "/lc-g2", conf);
    awaitHeader("/lc-g1", "X-RateLimit-Limit", "2");
    awaitHeader("/lc-g2", "X-RateLimit-Limit", "2");
    assertEquals(200, as("/lc-g1", "erin").status());
    assertEquals(200, as("/lc-g2", "erin").status());
    assertEquals(503, as("/lc-g1", "erin").status());
    assertEquals(503, as("/lc-g2", "erin").status());
  }

  @Test
  void constantKey_oneBudgetForEveryone() {
    route("lc-const", "/lc-const", "{\"limit-count\":{\"count\":1,\"time_window\":60,\"key_type\":\"constant\",\"key\":\"all\"}}");
    eventually(() -> as("/lc-const", "frank"), 503);
    assertEquals(503, as("/lc-const", "grace").status());
  }

  @Test
  void schemaErrors_nameTheField() {
    String prefix = "failed to check the configuration of plugin limit-count err: ";
    assertAdminError("/routes/lc-bad",
        "{\"uri\":\"/b\",\"plugins\":{\"limit-count\":{\"time_window\":60}}," + upstream() + "}",
        prefix + "property \"count\" is required");
    assertAdminError("/routes/lc-bad",
        "{\"uri\":\"/b\",\"plugins\":{\"limit-count\":{\"count\":0,\"time_window\":60}}," + upstream() + "}",
        prefix + "property \"count\" validation failed: expected 0 to be greater than 0");
    assertAdminError("/routes/lc-bad",
        "{\"uri\":\"/b\",\"plugins\":{\"limit-count\":{\"count\":1,\"time_window\":60,\"policy\":\"redis\"}}," + upstream() + "}",
        prefix + "property \"redis_host\" is required");
    assertAdminError("/routes/lc-bad",
        "{\"uri\":\"/b\",\"plugins\":{\"limit-count\":{\"count\":1,\"time_window\":60,\"policy\":\"redis-cluster\","
            + "\"redis_cluster_name\":\"c\",\"redis_cluster_nodes\":[\"nohost\"]}}," + upstream() + "}",
        prefix + "redis_cluster_nodes: expected host:port, got \"nohost\"");
    assertAdminError("/routes/lc-bad",
        "{\"uri\":\"/b\",\"plugins\":{\"limit-count\":{\"count\":1,\"time_window\":60,\"key_type\":\"header\"}}," + upstream() + "}",
        prefix + "property \"key_type\" validation failed: matches none of the enum values");
  }

  @Test
  void group_withAnotherConf_isRefused() {
    gw.put("/routes/lc-gm1", "{\"uri\":\"/lc-gm1\",\"plugins\":{\"limit-count\":{\"count\":1,\"time_window\":60,\"group\":\"lc-mismatch\"}}," + upstream() + "}");
    assertAdminError("/routes/lc-gm2",
        "{\"uri\":\"/lc-gm2\",\"plugins\":{\"limit-count\":{\"count\":5,\"time_window\":60,\"group\":\"lc-mismatch\"}}," + upstream() + "}",
        "failed to check the configuration of plugin limit-count err: group conf mismatched");
  }
}
