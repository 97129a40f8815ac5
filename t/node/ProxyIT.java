package node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import lib.Bytes;
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

/**
 * The data plane through the real gateway: routes written straight into etcd (as APISIX's own
 * tooling or another node would), balancing, retries, timeouts, headers, streaming, and how the
 * route, service, upstream and plugin_config references resolve at request time.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ProxyIT {

  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  static GatewayProcess gw;
  static Upstream u1;
  static Upstream u2;
  static final Duration CONVERGE = Duration.ofSeconds(10);

  @BeforeAll
  static void start() {
    u1 = Upstream.start("u1");
    u2 = Upstream.start("u2");
    gw = GatewayProcess.builder().etcd(ETCD.etcd().endpoint()).build().start();
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
    u1.close();
    u2.close();
  }

  static void etcdPut(String key, String value) {
    ETCD.etcd().etcdctl("put", key, value);
  }

  static String nodes(Object... nodeWeight) {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < nodeWeight.length; i += 2) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append('"').append(nodeWeight[i]).append("\":").append(nodeWeight[i + 1]);
    }
    return sb.append('}').toString();
  }

  static String route(String id, String uri, String rest) {
    return "{\"id\":\"" + id + "\",\"uri\":\"" + uri + "\"" + (rest.isEmpty() ? "" : "," + rest) + "}";
  }

  static String inline(Upstream u) {
    return "\"upstream\":{\"type\":\"roundrobin\",\"nodes\":" + nodes(u.node(), 1) + "}";
  }

  @Test
  void routePutWithEtcdctl_isServed_andInitDirPlaceholdersAreSkipped() {
    etcdPut("/apisix/routes/", "init_dir");
    etcdPut("/apisix/upstreams/", "init_dir");
    etcdPut("/apisix/services/", "init_dir");
    etcdPut("/apisix/routes/etcd1", route("etcd1", "/n/etcdctl", inline(u1)));
    Http.Response r = gw.awaitServedBy("/n/etcdctl", "u1", CONVERGE);
    assertEquals("/n/etcdctl", r.json().path("path").asText());
    JsonNode one = gw.control("/v1/route/etcd1");
    assertEquals("/apisix/routes/etcd1", one.path("key").asText(), one.toString());
    assertEquals("/n/etcdctl", one.path("value").path("uri").asText(), one.toString());
    assertEquals(404, lib.Http.to("http://127.0.0.1:" + gw.controlPort(), "/v1/route/no-such").get().status());
    JsonNode state = gw.configState();
    assertEquals("etcd", state.path("source").asText(), state.toString());
    for (JsonNode rej : state.path("rejected")) {
      assertTrue(!rej.path("key").asText().endsWith("/"), "init_dir placeholder reported as rejected: " + state);
    }
  }

  @Test
  void badValueInEtcd_keepsTheOldVersionServing_andShowsInRejected() {
    etcdPut("/apisix/routes/bad1", route("bad1", "/n/bad1", inline(u1)));
    gw.awaitServedBy("/n/bad1", "u1", CONVERGE);

    etcdPut("/apisix/routes/bad1", "{not json");
    etcdPut("/apisix/routes/bad2", "{\"id\":\"bad2\",\"uri\":123}");
    JsonNode state =
        Deadline.untilPasses(CONVERGE, () -> {
          JsonNode s = gw.configState();
          List<String> keys = new ArrayList<>();
          s.path("rejected").forEach(r -> keys.add(r.path("key").asText()));
          assertTrue(keys.contains("/apisix/routes/bad1") && keys.contains("/apisix/routes/bad2"), s.toString());
          return s;
        });
    for (JsonNode r : state.path("rejected")) {
      if (r.path("key").asText().startsWith("/apisix/routes/bad")) {
        assertTrue(r.path("revision").asLong() > 0, r.toString());
        assertTrue(!r.path("reason").asText().isEmpty(), r.toString());
      }
    }
    assertEquals(200, gw.get("/n/bad1").status(), "old version of bad1 keeps serving");
    assertEquals(404, gw.get("/n/bad2?x").status());

    // a good value again replaces it and clears the rejection
    etcdPut("/apisix/routes/bad1", route("bad1", "/n/bad1", inline(u2)));
    gw.awaitServedBy("/n/bad1", "u2", CONVERGE);
    Deadline.untilPasses(CONVERGE, () -> {
      JsonNode s = gw.configState();
      s.path("rejected").forEach(r -> assertNotEquals("/apisix/routes/bad1", r.path("key").asText(), s.toString()));
      return s;
    });
  }

  @Test
  void roundrobin_weights3to1_splitExactlyOver400Requests() {
    gw.put("/routes/w1", "{\"uri\":\"/n/weights\",\"upstream\":{\"type\":\"roundrobin\",\"nodes\":"
        + nodes(u1.node(), 3, u2.node(), 1) + "}}");
    gw.awaitStatus("/n/weights", 200, CONVERGE);
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 400; i++) {
      Http.Response r = gw.get("/n/weights");
      assertEquals(200, r.status(), r.toString());
      counts.merge(r.header("X-Upstream-Name"), 1, Integer::sum);
    }
    System.out.println("[ProxyIT] weights 3:1 over 400 requests: " + counts);
    // smooth weighted round robin is exact over every full cycle of 4 (one warm-up request above may shift it by 1)
    assertTrue(Math.abs(counts.getOrDefault("u1", 0) - 300) <= 2, counts.toString());
    assertTrue(Math.abs(counts.getOrDefault("u2", 0) - 100) <= 2, counts.toString());
  }

  @Test
  void nodeRefusingConnections_isRetriedOnAnotherNode_allRefusing_is502() {
    int dead1 = FreePorts.next();
    int dead2 = FreePorts.next();
    gw.put("/routes/retry1", "{\"uri\":\"/n/retry\",\"upstream\":{\"type\":\"roundrobin\",\"nodes\":"
        + nodes("127.0.0.1:" + dead1, 1, u1.node(), 1) + "}}");
    gw.awaitStatus("/n/retry", 200, CONVERGE);
    for (int i = 0; i < 20; i++) {
      Http.Response r = gw.get("/n/retry");
      assertEquals(200, r.status(), "request " + i + ": " + r);
      assertEquals("u1", r.header("X-Upstream-Name"));
    }
    gw.put("/routes/retry2", "{\"uri\":\"/n/allrefuse\",\"upstream\":{\"type\":\"roundrobin\",\"nodes\":"
        + nodes("127.0.0.1:" + dead1, 1, "127.0.0.1:" + dead2, 1) + "}}");
    Http.Response r = gw.awaitStatus("/n/allrefuse", 502, CONVERGE);
    assertTrue(r.header("Server") != null && r.header("Server").startsWith("APISIX"), "Server header: " + r.headers());
  }

  @Test
  void readTimeout_fromRouteTimeout_is504() {
    gw.put("/routes/slow", "{\"uri\":\"/n/slow\",\"timeout\":{\"connect\":1,\"send\":1,\"read\":0.5},"
        + inline(u1) + "}");
    gw.awaitStatus("/n/slow", 200, CONVERGE);
    long t0 = System.nanoTime();
    Http.Response r = gw.get("/n/slow?delay_ms=3000");
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(504, r.status(), r.toString());
    assertTrue(ms < 2500, "answered after " + ms + " ms, read timeout was 0.5 s");
  }

  @Test
  void passHost_passNodeRewrite_andForwardedHeaders() {
    gw.put("/routes/ph-pass", "{\"uri\":\"/n/host/pass\",\"upstream\":{\"nodes\":" + nodes(u1.node(), 1) + ",\"pass_host\":\"pass\"}}");
    gw.put("/routes/ph-node", "{\"uri\":\"/n/host/node\",\"upstream\":{\"nodes\":" + nodes(u1.node(), 1) + ",\"pass_host\":\"node\"}}");
    gw.put("/routes/ph-rw", "{\"uri\":\"/n/host/rw\",\"upstream\":{\"nodes\":" + nodes(u1.node(), 1)
        + ",\"pass_host\":\"rewrite\",\"upstream_host\":\"rewritten.example\"}}");
    gw.awaitStatus("/n/host/rw", 200, CONVERGE);
    gw.awaitStatus("/n/host/pass", 200, CONVERGE);
    gw.awaitStatus("/n/host/node", 200, CONVERGE);

    JsonNode pass = gw.proxy("/n/host/pass").host("client.example").get().json().path("headers");
    assertEquals("client.example", pass.path("host").asText(), pass.toString());
    assertEquals("127.0.0.1", pass.path("x-forwarded-for").asText(), pass.toString());
    assertEquals("127.0.0.1", pass.path("x-real-ip").asText(), pass.toString());
    assertEquals("http", pass.path("x-forwarded-proto").asText(), pass.toString());
    assertEquals("client.example", pass.path("x-forwarded-host").asText(), pass.toString());
    assertEquals(Integer.toString(gw.proxyPort()), pass.path("x-forwarded-port").asText(), pass.toString());

    JsonNode node = gw.proxy("/n/host/node").host("client.example").get().json().path("headers");
    assertEquals(u1.node(), node.path("host").asText(), node.toString());

    JsonNode rw = gw.proxy("/n/host/rw").host("client.example").get().json().path("headers");
    assertEquals("rewritten.example", rw.path("host").asText(), rw.toString());

    JsonNode appended =
        gw.proxy("/n/host/pass").header("X-Forwarded-For", "10.9.8.7").get().json().path("headers");
    assertEquals("10.9.8.7, 127.0.0.1", appended.path("x-forwarded-for").asText(), appended.toString());
  }

  @Test
  void methodPathQueryAndBody_reachTheUpstream_andServerHeaderNamesApisix() {
    gw.put("/routes/echo", "{\"uri\":\"/n/echo/*\"," + inline(u1) + "}");
    gw.awaitStatus("/n/echo/x", 200, CONVERGE);
    Http.Response r = gw.proxy("/n/echo/a/b?x=1&y=two").method("POST").header("X-Custom", "abc").body("hello body").send();
    assertEquals(200, r.status(), r.toString());
    JsonNode e = r.json();
    assertEquals("POST", e.path("method").asText());
    assertEquals("/n/echo/a/b", e.path("path").asText());
    assertEquals("x=1&y=two", e.path("query").asText());
    assertEquals("hello body", e.path("body").asText());
    assertEquals("abc", e.path("headers").path("x-custom").asText());
    String version = GatewayProcess.cli("version").stdout().trim();
    assertEquals("APISIX/" + version, r.header("Server"));

    Http.Response status = gw.get("/n/echo/s?status=418");
    assertEquals(418, status.status(), "upstream status passes through: " + status);
  }

  @Test
  void streamed20MiB_requestAndResponseBodies_arriveIntact() throws Exception {
    gw.put("/routes/stream", "{\"uri\":\"/n/stream\"," + inline(u1) + "}");
    gw.awaitStatus("/n/stream", 200, CONVERGE);
    long size = 20L * 1024 * 1024;
    String expected = Bytes.patternSha256(size);
    long t0 = System.nanoTime();
    HttpResponse<InputStream> r =
        gw.proxy("/n/stream?stream_bytes=" + size).method("POST").body(() -> Bytes.pattern(size))
            .timeout(Duration.ofSeconds(60)).sendStreaming();
    assertEquals(200, r.statusCode());
    assertEquals(Long.toString(size), r.headers().firstValue("X-Echo-Body-Length").orElse(null), "request body length at upstream");
    assertEquals(expected, r.headers().firstValue("X-Echo-Body-Sha256").orElse(null), "request body at upstream");
    Bytes.Digest got = Bytes.digest(r.body());
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("[ProxyIT] 20 MiB up + 20 MiB down through the gateway: " + ms + " ms");
    assertEquals(size, got.length(), "response body length");
    assertEquals(expected, got.sha256(), "response body content");
  }

  @Test
  void adminPut_isServedWithinSeconds_changeToServedLatency() {
    List<Long> latencies = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String uri = "/n/latency/" + i;
      long t0 = System.nanoTime();
      gw.put("/routes/lat" + i, "{\"uri\":\"" + uri + "\"," + inline(u2) + "}");
      gw.awaitServedBy(uri, "u2", Duration.ofSeconds(5));
      latencies.add((System.nanoTime() - t0) / 1_000_000);
    }
    Collections.sort(latencies);
    System.out.println("[ProxyIT] Admin PUT → first served request (ms, sorted, 20 ms polling): " + latencies);
    assertTrue(latencies.get(latencies.size() - 1) < 5000, latencies.toString());
  }

  @Test
  void routeAndService_merge_hostsInherited_routeUpstreamWins() {
    gw.put("/services/merge-s", "{\"hosts\":[\"svc.example\"]," + inline(u1) + "}");
    gw.put("/routes/merge-r1", "{\"uri\":\"/n/merge\",\"service_id\":\"merge-s\"}");
    gw.put("/routes/merge-r2", "{\"uri\":\"/n/merge2\",\"service_id\":\"merge-s\"," + inline(u2) + "}");
    Deadline.untilPasses(CONVERGE, () -> {
      Http.Response r = gw.proxy("/n/merge").host("svc.example").get();
      assertEquals("u1", r.header("X-Upstream-Name"), r.toString());
      return r;
    });
    Http.Response otherHost = gw.proxy("/n/merge").host("other.example").get();
    assertEquals(404, otherHost.status(), "hosts inherited from the service: " + otherHost);
    Http.Response r2 =
        Deadline.untilPasses(CONVERGE, () -> {
          Http.Response r = gw.proxy("/n/merge2").host("svc.example").get();
          assertEquals("u2", r.header("X-Upstream-Name"), "route upstream wins over service upstream: " + r);
          return r;
        });
    assertEquals(200, r2.status());
  }

  @Test
  void missingReferences_upstream502_pluginConfig503_service404() {
    etcdPut("/apisix/routes/ref-u", route("ref-u", "/n/ref/upstream", "\"upstream_id\":\"ghost\""));
    etcdPut("/apisix/routes/ref-pc", route("ref-pc", "/n/ref/pc", "\"plugin_config_id\":\"ghost\"," + inline(u1)));
    etcdPut("/apisix/routes/ref-s", route("ref-s", "/n/ref/service", "\"service_id\":\"ghost\""));
    gw.awaitStatus("/n/ref/upstream", 502, CONVERGE);
    gw.awaitStatus("/n/ref/pc", 503, CONVERGE);
    // before ref-s is applied the path is not routed at all, which is a 404 too: wait for the
    // route's own answer, nginx's plain 404 for a missing service
    Deadline.untilPasses(CONVERGE, () -> {
      Http.Response s = gw.get("/n/ref/service");
      if (s.status() != 404 || s.body().contains("Route Not Found")) {
        throw new AssertionError("missing service is nginx's 404, not the route-not-found JSON: " + s);
      }
      return s;
    });

    // the reference appearing later is picked up
    etcdPut("/apisix/upstreams/ghost", "{\"id\":\"ghost\",\"type\":\"roundrobin\",\"nodes\":" + nodes(u2.node(), 1) + "}");
    gw.awaitServedBy("/n/ref/upstream", "u2", CONVERGE);
  }

  @Test
  void noRoute_is404WithExactBody() {
    Http.Response r = gw.get("/n/definitely/not/routed");
    assertEquals(404, r.status());
    assertEquals("{\"error_msg\":\"404 Route Not Found\"}", r.body().trim());
  }
}
