package router;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import lib.GatewayProcess;
import lib.Http;
import lib.Upstream;
import org.apigw.testing.Deadline;
import org.apigw.testing.EtcdExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Route matching through the real gateway (default router radixtree_host_uri, spec §3.1). Each
 * route points at its own named upstream, so the answering server says which route matched.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RouterIT {

  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  static GatewayProcess gw;
  static Upstream a;
  static Upstream b;
  static Upstream c;
  static final Duration CONVERGE = Duration.ofSeconds(10);
  static final String NOT_FOUND = "{\"error_msg\":\"404 Route Not Found\"}";

  @BeforeAll
  static void start() {
    a = Upstream.start("a");
    b = Upstream.start("b");
    c = Upstream.start("c");
    gw = GatewayProcess.builder().etcd(ETCD.etcd().endpoint()).build().start();
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
    a.close();
    b.close();
    c.close();
  }

  static void route(String id, String fields, Upstream to) {
    gw.put("/routes/" + id, "{" + fields + ",\"upstream\":{\"type\":\"roundrobin\",\"nodes\":{\"" + to.node() + "\":1}}}");
  }

  /** Which upstream answered ("404" when nothing matched, with the exact body checked). */
  static String who(Http.Req req) {
    Http.Response r = req.send();
    if (r.status() == 404) {
      assertEquals(NOT_FOUND, r.body().trim(), "no-match body");
      return "404";
    }
    assertEquals(200, r.status(), r.toString());
    return r.header("X-Upstream-Name");
  }

  static String who(String path) {
    return who(gw.proxy(path));
  }

  static String whoHost(String path, String host) {
    return who(gw.proxy(path).host(host));
  }

  static void eventually(Runnable assertions) {
    Deadline.untilPasses(CONVERGE, () -> {
      assertions.run();
      return null;
    });
  }

  @Test
  void exactBeatsPrefix_andStarIsAPrefixOnTheTextBeforeIt() {
    route("ep-exact", "\"uri\":\"/r/ep/foo\"", a);
    route("ep-prefix", "\"uri\":\"/r/ep/foo*\"", b);
    eventually(() -> {
      assertEquals("a", who("/r/ep/foo"));
      assertEquals("b", who("/r/ep/foo/"));
      assertEquals("b", who("/r/ep/foobar"));
      assertEquals("b", who("/r/ep/foo/x/y?q=1"));
      assertEquals("404", who("/r/ep/fo"));
    });
  }

  @Test
  void longestPrefixWins_andSlashStarDoesNotMatchTheBarePath() {
    route("lp-short", "\"uri\":\"/r/lp/*\"", a);
    route("lp-long", "\"uri\":\"/r/lp/deep/*\"", b);
    eventually(() -> {
      assertEquals("b", who("/r/lp/deep/x"));
      assertEquals("a", who("/r/lp/other"));
      assertEquals("a", who("/r/lp/deep"), "/r/lp/deep/* does not match /r/lp/deep; the shorter prefix does");
    });
  }

  @Test
  void higherPriorityWins_onTheSameUri_andAChangeIsFollowed() {
    route("prio-lo", "\"uri\":\"/r/prio\",\"priority\":1", b);
    route("prio-hi", "\"uri\":\"/r/prio\",\"priority\":10", a);
    eventually(() -> assertEquals("a", who("/r/prio")));
    Http.Response p = gw.admin("PATCH", "/routes/prio-lo", "{\"priority\":20}");
    assertEquals(200, p.status(), p.toString());
    eventually(() -> assertEquals("b", who("/r/prio")));
  }

  @Test
  void methods_filterRoutes_andAnUnlistedMethodIs404() {
    route("m-get", "\"uri\":\"/r/m\",\"methods\":[\"GET\"]", a);
    route("m-post", "\"uri\":\"/r/m\",\"methods\":[\"POST\",\"PUT\"]", b);
    eventually(() -> {
      assertEquals("a", who(gw.proxy("/r/m").method("GET")));
      assertEquals("b", who(gw.proxy("/r/m").method("POST").body("x")));
      assertEquals("b", who(gw.proxy("/r/m").method("PUT").body("x")));
      assertEquals("404", who(gw.proxy("/r/m").method("DELETE")));
    });
  }

  @Test
  void hostAndWildcardHosts_matchOnlyTheirHosts() {
    route("h-wild", "\"uri\":\"/r/h\",\"hosts\":[\"*.wild.example\"]", a);
    route("h-exact", "\"uri\":\"/r/h\",\"host\":\"exact.example\"", b);
    eventually(() -> {
      assertEquals("a", whoHost("/r/h", "x.wild.example"));
      assertEquals("a", whoHost("/r/h", "x.y.wild.example"));
      assertEquals("a", whoHost("/r/h", "X.Wild.Example"), "host match is case-insensitive");
      assertEquals("404", whoHost("/r/h", "wild.example"), "*.wild.example does not match wild.example");
      assertEquals("b", whoHost("/r/h", "exact.example"));
      assertEquals("b", whoHost("/r/h", "exact.example:8080"), "the port of the Host header is ignored");
      assertEquals("404", whoHost("/r/h", "sub.exact.example"));
    });
  }

  @Test
  void hostRoutes_beatHostlessOnes_regardlessOfPriority_andFallBackOnMethodMismatch() {
    route("hb-host", "\"uri\":\"/r/hb\",\"hosts\":[\"h.example\"],\"methods\":[\"GET\"],\"priority\":0", a);
    route("hb-any", "\"uri\":\"/r/hb\",\"priority\":100", b);
    eventually(() -> {
      assertEquals("a", whoHost("/r/hb", "h.example"));
      assertEquals("b", whoHost("/r/hb", "other.example"));
      assertEquals("b", who(gw.proxy("/r/hb").host("h.example").method("POST").body("x")),
          "host route failing on method falls back to the host-less route");
    });
  }

  @Test
  void remoteAddrs_cidrFiltersTheClientAddress() {
    route("ra-ten", "\"uri\":\"/r/ra\",\"remote_addrs\":[\"10.0.0.0/8\"],\"priority\":10", b);
    route("ra-lo", "\"uri\":\"/r/ra\",\"remote_addrs\":[\"127.0.0.0/24\",\"::1\"]", a);
    route("ra-only-ten", "\"uri\":\"/r/ra-ten\",\"remote_addr\":\"10.1.2.3\"", c);
    eventually(() -> {
      assertEquals("a", who("/r/ra"), "127.0.0.1 is in 127.0.0.0/24, not in 10.0.0.0/8");
      assertEquals("404", who("/r/ra-ten"));
    });
  }

  @Test
  void vars_withSeveralOperators_selectTheRoute() {
    route("v-eq", "\"uri\":\"/r/v\",\"priority\":3,\"vars\":[[\"arg_env\",\"==\",\"prod\"]]", a);
    route("v-re", "\"uri\":\"/r/v\",\"priority\":2,\"vars\":[[\"http_x_ver\",\"~~\",\"^v[0-9]+$\"]]", b);
    route("v-in", "\"uri\":\"/r/v\",\"priority\":1,\"vars\":[[\"arg_k\",\"in\",[\"x\",\"y\"]],[\"arg_n\",\">\",5]]", c);
    route("v-not", "\"uri\":\"/r/vnot\",\"vars\":[[\"http_user_agent\",\"!\",\"~*\",\"android\"]]", a);
    eventually(() -> {
      assertEquals("a", who("/r/v?env=prod"));
      assertEquals("b", who(gw.proxy("/r/v?env=dev").header("X-Ver", "v12")));
      assertEquals("404", who(gw.proxy("/r/v").header("X-Ver", "version12")));
      assertEquals("c", who("/r/v?k=y&n=6"));
      assertEquals("404", who("/r/v?k=y&n=5"), "n > 5 fails for 5");
      assertEquals("404", who("/r/v?k=z&n=9"));
      assertEquals("404", who("/r/v"), "a missing var fails its comparison");
      assertEquals("a", who(gw.proxy("/r/vnot").header("User-Agent", "curl/8")));
      assertEquals("404", who(gw.proxy("/r/vnot").header("User-Agent", "Mozilla Android 14")));
    });
  }

  @Test
  void statusZero_disablesTheRoute_andStatusOneEnablesIt() {
    route("st", "\"uri\":\"/r/st\",\"status\":0", a);
    route("st-marker", "\"uri\":\"/r/st-marker\"", b);
    eventually(() -> assertEquals("b", who("/r/st-marker")));
    assertEquals("404", who("/r/st"));
    Http.Response p = gw.admin("PATCH", "/routes/st/status", "1");
    assertEquals(200, p.status(), p.toString());
    eventually(() -> assertEquals("a", who("/r/st")));
  }

  @Test
  void uris_listMatchesEachEntry() {
    route("uris", "\"uris\":[\"/r/uris/one\",\"/r/uris/two*\"]", a);
    eventually(() -> {
      assertEquals("a", who("/r/uris/one"));
      assertEquals("a", who("/r/uris/two/more"));
      assertEquals("404", who("/r/uris/three"));
    });
  }

  @Test
  void noMatch_is404_withTheExactApisixBody() {
    Http.Response r = gw.get("/r/nothing/here");
    assertEquals(404, r.status());
    assertEquals(NOT_FOUND, r.body().trim());
  }

  @Test
  void deletedRoute_stopsMatching() {
    route("gone", "\"uri\":\"/r/gone\"", a);
    eventually(() -> assertEquals("a", who("/r/gone")));
    gw.delete("/routes/gone");
    eventually(() -> assertEquals("404", who("/r/gone")));
  }
}
