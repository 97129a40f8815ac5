package router;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
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
 * The other routers and URI options (spec §3.1): radixtree_uri (hosts are only a filter, so
 * priority decides), radixtree_uri_with_parameter ({@code :name}, {@code *name}),
 * delete_uri_tail_slash and path normalisation. Three gateways on one etcd, each with its own prefix.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RouterVariantsIT {

  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  static GatewayProcess uriRouter;
  static GatewayProcess paramRouter;
  static GatewayProcess tailSlash;
  static Upstream a;
  static Upstream b;
  static final Duration CONVERGE = Duration.ofSeconds(10);

  @BeforeAll
  static void start() {
    a = Upstream.start("a");
    b = Upstream.start("b");
    uriRouter = GatewayProcess.builder().etcd(ETCD.etcd().endpoint()).etcdPrefix("/gw-uri")
        .set("apisix.router.http", "radixtree_uri").build().start();
    paramRouter = GatewayProcess.builder().etcd(ETCD.etcd().endpoint()).etcdPrefix("/gw-param")
        .set("apisix.router.http", "radixtree_uri_with_parameter").build().start();
    tailSlash = GatewayProcess.builder().etcd(ETCD.etcd().endpoint()).etcdPrefix("/gw-slash")
        .set("apisix.delete_uri_tail_slash", true).build().start();
  }

  @AfterAll
  static void stop() {
    for (GatewayProcess gw : new GatewayProcess[] {uriRouter, paramRouter, tailSlash}) {
      if (gw != null) {
        gw.close();
      }
    }
    a.close();
    b.close();
  }

  static void route(GatewayProcess gw, String id, String fields, Upstream to) {
    gw.put("/routes/" + id, "{" + fields + ",\"upstream\":{\"nodes\":{\"" + to.node() + "\":1}}}");
  }

  static String who(Http.Req req) {
    Http.Response r = req.send();
    return r.status() == 200 ? r.header("X-Upstream-Name") : Integer.toString(r.status());
  }

  static void eventually(Runnable assertions) {
    Deadline.untilPasses(CONVERGE, () -> {
      assertions.run();
      return null;
    });
  }

  @Test
  void radixtreeUri_hostIsOnlyAFilter_soPriorityDecides() {
    route(uriRouter, "h", "\"uri\":\"/rv/h\",\"hosts\":[\"h.example\"],\"priority\":0", a);
    route(uriRouter, "any", "\"uri\":\"/rv/h\",\"priority\":10", b);
    eventually(() -> {
      assertEquals("b", who(uriRouter.proxy("/rv/h").host("h.example")), "priority beats the host route here");
      assertEquals("b", who(uriRouter.proxy("/rv/h").host("x.example")));
    });
    route(uriRouter, "h2", "\"uri\":\"/rv/h2\",\"hosts\":[\"h.example\"]", a);
    eventually(() -> {
      assertEquals("a", who(uriRouter.proxy("/rv/h2").host("h.example")));
      assertEquals("404", who(uriRouter.proxy("/rv/h2").host("x.example")));
    });
  }

  @Test
  void radixtreeUriWithParameter_matchesColonAndStarSegments() {
    route(paramRouter, "p1", "\"uri\":\"/rv/user/:id/profile\"", a);
    route(paramRouter, "p2", "\"uri\":\"/rv/files/*path\"", b);
    eventually(() -> {
      assertEquals("a", who(paramRouter.proxy("/rv/user/42/profile")));
      assertEquals("404", who(paramRouter.proxy("/rv/user/42/x/profile")), ":id is one segment");
      assertEquals("b", who(paramRouter.proxy("/rv/files/a/b/c.txt")));
    });
    route(uriRouter, "colon", "\"uri\":\"/rv/user/:id\"", a);
    eventually(() -> {
      assertEquals("a", who(uriRouter.proxy("/rv/user/:id")), "radixtree_uri treats ':' literally");
      assertEquals("404", who(uriRouter.proxy("/rv/user/42")));
    });
  }

  @Test
  void deleteUriTailSlash_matchesWithoutTheSlash() {
    route(tailSlash, "ts", "\"uri\":\"/rv/ts\"", a);
    eventually(() -> {
      assertEquals("a", who(tailSlash.proxy("/rv/ts")));
      assertEquals("a", who(tailSlash.proxy("/rv/ts/")));
    });
    route(uriRouter, "ts", "\"uri\":\"/rv/ts\"", a);
    eventually(() -> {
      assertEquals("a", who(uriRouter.proxy("/rv/ts")));
      assertEquals("404", who(uriRouter.proxy("/rv/ts/")), "off by default");
    });
  }

  @Test
  void pathIsNormalisedBeforeMatching() {
    route(uriRouter, "norm", "\"uri\":\"/rv/norm/x\"", b);
    eventually(() -> {
      assertEquals("b", who(uriRouter.proxy("/rv/norm/x")));
      assertEquals("b", who(uriRouter.proxy("/rv/other/../norm/x")), "dot segments resolved");
      assertEquals("b", who(uriRouter.proxy("/rv//norm/x")), "double slashes merged");
      assertEquals("b", who(uriRouter.proxy("/rv/%6Eorm/x")), "percent-decoded");
    });
  }

  @Test
  void eachGatewaySeesOnlyItsOwnPrefix() {
    route(paramRouter, "mine", "\"uri\":\"/rv/mine\"", a);
    eventually(() -> assertEquals("a", who(paramRouter.proxy("/rv/mine"))));
    assertEquals("404", who(uriRouter.proxy("/rv/mine")));
    JsonNode state = paramRouter.configState();
    assertEquals("etcd", state.path("source").asText(), state.toString());
  }
}
