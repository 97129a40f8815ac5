package node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import lib.GatewayProcess;
import lib.Http;
import lib.Upstream;
import org.apigw.testing.Deadline;
import org.apigw.testing.EtcdExtension;
import org.apigw.testing.FreePorts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Upstream object semantics at request time (spec §4.2, §8.4), through the real gateway. */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class UpstreamBehaviourIT {

  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  static GatewayProcess gw;
  static Upstream u1;
  static Upstream u2;
  static Upstream u3;
  static final Duration CONVERGE = Duration.ofSeconds(10);

  @BeforeAll
  static void start() {
    u1 = Upstream.start("u1");
    u2 = Upstream.start("u2");
    u3 = Upstream.start("u3");
    gw = GatewayProcess.builder().etcd(ETCD.etcd().endpoint()).build().start();
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
    u1.close();
    u2.close();
    u3.close();
  }

  static String dead() {
    return "127.0.0.1:" + FreePorts.next();
  }

  static Map<String, Integer> spread(String path, int n) {
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < n; i++) {
      Http.Response r = gw.get(path);
      counts.merge(r.status() == 200 ? r.header("X-Upstream-Name") : Integer.toString(r.status()), 1, Integer::sum);
    }
    return counts;
  }

  @Test
  void upstream5xx_passesThrough_withXApisixUpstreamStatus_andIsNotRetried() {
    gw.put("/routes/5xx", "{\"uri\":\"/up/5xx\",\"upstream\":{\"nodes\":{\"" + u3.node() + "\":1,\"" + u2.node() + "\":1}}}");
    gw.awaitStatus("/up/5xx", 200, CONVERGE);
    u3.resetHits();
    u2.resetHits();
    Http.Response r = gw.proxy("/up/5xx?status=503").method("POST").body("once").send();
    assertEquals(503, r.status(), r.toString());
    assertEquals(1, u2.hits() + u3.hits(), "a 5xx answer is not retried on another node");
    assertEquals("503", r.header("X-APISIX-Upstream-Status"), "spec §8.4: added when the upstream returned 5xx; headers " + r.headers().map());
  }

  @Test
  void retriesZero_disablesRetry_soADeadNodeFails502() {
    gw.put("/routes/r0", "{\"uri\":\"/up/r0\",\"upstream\":{\"retries\":0,\"nodes\":{\"" + dead() + "\":1,\"" + u1.node() + "\":1}}}");
    Deadline.untilPasses(CONVERGE, () -> {
      Map<String, Integer> c = spread("/up/r0", 10);
      assertTrue(c.getOrDefault("502", 0) > 0 && c.getOrDefault("u1", 0) > 0, c.toString());
      return c;
    });
  }

  @Test
  void weightZero_isNeverPicked_andEmptyNodesIs502() {
    gw.put("/routes/w0", "{\"uri\":\"/up/w0\",\"upstream\":{\"nodes\":{\"" + u1.node() + "\":1,\"" + u2.node() + "\":0}}}");
    gw.put("/routes/empty", "{\"uri\":\"/up/empty\",\"upstream\":{\"nodes\":{}}}");
    gw.awaitStatus("/up/w0", 200, CONVERGE);
    assertEquals(Map.of("u1", 30), spread("/up/w0", 30));
    gw.awaitStatus("/up/empty", 502, CONVERGE);
  }

  @Test
  void nodePriority_lowerPriorityOnlyWhenHigherFails() {
    gw.put("/routes/prio", "{\"uri\":\"/up/prio\",\"upstream\":{\"nodes\":["
        + "{\"host\":\"127.0.0.1\",\"port\":" + u2.port() + ",\"weight\":1,\"priority\":1},"
        + "{\"host\":\"127.0.0.1\",\"port\":" + u1.port() + ",\"weight\":1,\"priority\":0}]}}");
    gw.put("/routes/prio-dead", "{\"uri\":\"/up/prio-dead\",\"upstream\":{\"nodes\":["
        + "{\"host\":\"127.0.0.1\",\"port\":" + FreePorts.next() + ",\"weight\":1,\"priority\":1},"
        + "{\"host\":\"127.0.0.1\",\"port\":" + u1.port() + ",\"weight\":1,\"priority\":-1}]}}");
    gw.awaitStatus("/up/prio", 200, CONVERGE);
    assertEquals(Map.of("u2", 20), spread("/up/prio", 20));
    gw.awaitStatus("/up/prio-dead", 200, CONVERGE);
    assertEquals(Map.of("u1", 20), spread("/up/prio-dead", 20), "backup node used when the primary refuses");
  }

  @Test
  void chashOnHeader_sameKeyAlwaysSameNode() {
    gw.put("/routes/chash", "{\"uri\":\"/up/chash\",\"upstream\":{\"type\":\"chash\",\"hash_on\":\"header\",\"key\":\"X-User\",\"nodes\":{\""
        + u1.node() + "\":1,\"" + u2.node() + "\":1,\"" + u3.node() + "\":1}}}");
    gw.awaitStatus("/up/chash", 200, CONVERGE);
    Set<String> servers = new HashSet<>();
    for (int user = 0; user < 30; user++) {
      Set<String> forUser = new HashSet<>();
      for (int i = 0; i < 5; i++) {
        Http.Response r = gw.proxy("/up/chash").header("X-User", "user-" + user).get();
        assertEquals(200, r.status(), r.toString());
        forUser.add(r.header("X-Upstream-Name"));
      }
      assertEquals(1, forUser.size(), "user-" + user + " went to " + forUser);
      servers.addAll(forUser);
    }
    assertTrue(servers.size() >= 2, "30 keys spread over several nodes: " + servers);
  }

  @Test
  void upstreamLevelTimeout_is504_andRouteTimeoutOverridesIt() {
    gw.put("/upstreams/slow-up", "{\"nodes\":{\"" + u1.node() + "\":1},\"timeout\":{\"connect\":1,\"send\":1,\"read\":0.5}}");
    gw.put("/routes/slow-up", "{\"uri\":\"/up/slow\",\"upstream_id\":\"slow-up\"}");
    gw.put("/routes/slow-up-long", "{\"uri\":\"/up/slow-long\",\"upstream_id\":\"slow-up\",\"timeout\":{\"connect\":1,\"send\":1,\"read\":5}}");
    gw.awaitStatus("/up/slow", 200, CONVERGE);
    gw.awaitStatus("/up/slow-long", 200, CONVERGE);
    assertEquals(504, gw.get("/up/slow?delay_ms=2000").status());
    assertEquals(200, gw.get("/up/slow-long?delay_ms=1500").status(), "route timeout (read 5 s) wins");
  }

  @Test
  void upstreamChangedOrDeletedInEtcd_isFollowed() {
    ETCD.etcd().etcdctl("put", "/apisix/upstreams/mut", "{\"id\":\"mut\",\"nodes\":{\"" + u1.node() + "\":1}}");
    ETCD.etcd().etcdctl("put", "/apisix/routes/mut", "{\"id\":\"mut\",\"uri\":\"/up/mut\",\"upstream_id\":\"mut\"}");
    gw.awaitServedBy("/up/mut", "u1", CONVERGE);
    ETCD.etcd().etcdctl("put", "/apisix/upstreams/mut", "{\"id\":\"mut\",\"nodes\":{\"" + u2.node() + "\":1}}");
    gw.awaitServedBy("/up/mut", "u2", CONVERGE);
    ETCD.etcd().etcdctl("del", "/apisix/upstreams/mut");
    gw.awaitStatus("/up/mut", 502, CONVERGE);
  }

  @Test
  void serviceHostsChange_reroutesItsRoutes() {
    gw.put("/services/sh", "{\"hosts\":[\"one.example\"],\"upstream\":{\"nodes\":{\"" + u1.node() + "\":1}}}");
    gw.put("/routes/sh", "{\"uri\":\"/up/sh\",\"service_id\":\"sh\"}");
    Deadline.untilPasses(CONVERGE, () -> {
      assertEquals(200, gw.proxy("/up/sh").host("one.example").get().status());
      return null;
    });
    Http.Response p = gw.admin("PATCH", "/services/sh", "{\"hosts\":[\"two.example\"]}");
    assertEquals(200, p.status(), p.toString());
    Deadline.untilPasses(CONVERGE, () -> {
      assertEquals(200, gw.proxy("/up/sh").host("two.example").get().status());
      assertEquals(404, gw.proxy("/up/sh").host("one.example").get().status());
      return null;
    });
  }

  @Test
  void pluginConfigAppearingLater_turns503Into200() {
    ETCD.etcd().etcdctl("put", "/apisix/routes/pcl", "{\"id\":\"pcl\",\"uri\":\"/up/pcl\",\"plugin_config_id\":\"pcl\",\"upstream\":{\"nodes\":{\"" + u1.node() + "\":1}}}");
    gw.awaitStatus("/up/pcl", 503, CONVERGE);
    ETCD.etcd().etcdctl("put", "/apisix/plugin_configs/pcl", "{\"id\":\"pcl\",\"plugins\":{}}");
    gw.awaitServedBy("/up/pcl", "u1", CONVERGE);
  }

  @Test
  void headRequest_andHopByHopHeaders() {
    gw.put("/routes/hop", "{\"uri\":\"/up/hop\",\"upstream\":{\"nodes\":{\"" + u1.node() + "\":1}}}");
    gw.awaitStatus("/up/hop", 200, CONVERGE);
    Http.Response head = gw.proxy("/up/hop").method("HEAD").send();
    assertEquals(200, head.status(), head.toString());
    assertEquals(0, head.bytes().length);
    Http.Response r = gw.proxy("/up/hop").header("Connection", "keep-alive, X-Drop-Me").header("X-Drop-Me", "1")
        .header("X-Keep-Me", "1").get();
    assertEquals(200, r.status(), r.toString());
    var h = r.json().path("headers");
    assertTrue(!h.has("x-drop-me"), "a header named in Connection is hop-by-hop: " + h);
    assertEquals("1", h.path("x-keep-me").asText(), h.toString());
  }

  @Test
  void concurrentClients_allServed() throws Exception {
    gw.put("/routes/conc", "{\"uri\":\"/up/conc\",\"upstream\":{\"nodes\":{\"" + u1.node() + "\":1,\"" + u2.node() + "\":1}}}");
    gw.awaitStatus("/up/conc", 200, CONVERGE);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> results = new java.util.ArrayList<>();
      for (int t = 0; t < 8; t++) {
        results.add(pool.submit(() -> {
          int ok = 0;
          for (int i = 0; i < 100; i++) {
            if (gw.proxy("/up/conc?i=" + i).method("POST").body("payload-" + i).send().status() == 200) {
              ok++;
            }
          }
          return ok;
        }));
      }
      int ok = 0;
      for (Future<Integer> f : results) {
        ok += f.get(60, TimeUnit.SECONDS);
      }
      assertEquals(800, ok);
    } finally {
      pool.shutdownNow();
    }
  }
}
