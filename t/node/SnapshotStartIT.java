package node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import lib.Converge;
import lib.GatewayProcess;
import lib.Upstream;
import org.apigw.testing.Deadline;
import org.apigw.testing.EtcdExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Starting with etcd down: the gateway falls back to the snapshot it wrote while etcd was up,
 * serves every route it had, says so on /v1/config, and follows etcd once it is back.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class SnapshotStartIT {

  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  static Upstream u1;
  static Upstream u2;
  static GatewayProcess gw;

  @BeforeAll
  static void start() {
    u1 = Upstream.start("u1");
    u2 = Upstream.start("u2");
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
    u1.close();
    u2.close();
  }

  static String route(String uri, Upstream u) {
    return "{\"uri\":\"" + uri + "\",\"upstream\":{\"type\":\"roundrobin\",\"nodes\":{\"" + u.node() + "\":1}}}";
  }

  @Test
  void etcdDownAtStart_servesTheSnapshot_thenFollowsEtcdWhenItReturns() {
    GatewayProcess.Builder config =
        GatewayProcess.builder().etcd(ETCD.etcd().endpoint()).set("deployment.etcd.startup_timeout", 2);
    gw = config.build().start();
    for (int i = 1; i <= 3; i++) {
      gw.put("/routes/s" + i, route("/snap/" + i, u1));
    }
    gw.put("/upstreams/su", "{\"type\":\"roundrobin\",\"nodes\":{\"" + u2.node() + "\":1}}");
    gw.put("/routes/s4", "{\"uri\":\"/snap/4\",\"upstream_id\":\"su\"}");
    long revision = ETCD.etcd().revision();
    for (int i = 1; i <= 3; i++) {
      gw.awaitServedBy("/snap/" + i, "u1", Duration.ofSeconds(10));
    }
    gw.awaitServedBy("/snap/4", "u2", Duration.ofSeconds(10));
    Deadline.untilPasses(Duration.ofSeconds(10), () -> {
      JsonNode s = gw.configState();
      assertTrue(s.path("snapshot").path("last_written_revision").asLong() >= revision, "snapshot written: " + s);
      return s;
    });

    gw.stop();
    ETCD.etcd().kill9();
    long t0 = System.nanoTime();
    gw.start();
    long startMs = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("[SnapshotStartIT] start with etcd down (startup_timeout 2 s) took " + startMs + " ms");

    for (int i = 1; i <= 3; i++) {
      gw.awaitServedBy("/snap/" + i, "u1", Duration.ofSeconds(5));
    }
    gw.awaitServedBy("/snap/4", "u2", Duration.ofSeconds(5));
    JsonNode state = gw.configState();
    assertEquals("snapshot", state.path("source").asText(), state.toString());
    assertEquals(revision, state.path("revision").asLong(), "serves the snapshot's revision: " + state);
    assertEquals(false, state.path("etcd").path("reachable").asBoolean(), state.toString());
    assertEquals(404, gw.get("/snap/none").status());

    ETCD.etcd().restart();
    ETCD.etcd().etcdctl("put", "/apisix/routes/s1", route("/snap/1", u2).replace("{\"uri\"", "{\"id\":\"s1\",\"uri\""));
    long t1 = System.nanoTime();
    gw.awaitServedBy("/snap/1", "u2", Duration.ofSeconds(30));
    System.out.println(
        "[SnapshotStartIT] etcd back → changed route served after " + (System.nanoTime() - t1) / 1_000_000 + " ms");
    JsonNode after =
        Deadline.untilPasses(Duration.ofSeconds(10), () -> {
          JsonNode s = gw.configState();
          assertEquals("etcd", s.path("source").asText(), s.toString());
          assertEquals(true, s.path("etcd").path("reachable").asBoolean(), s.toString());
          return s;
        });
    assertTrue(after.path("revision").asLong() > revision, after.toString());
    Converge.routes(gw, ETCD.etcd(), Duration.ofSeconds(10));
  }

  @Test
  void etcdDownAtStart_withoutASnapshot_refusesToStart_naming_etcd() {
    ETCD.etcd().restart(); // whatever the other test left
    ETCD.etcd().kill9();
    try (GatewayProcess fresh =
        GatewayProcess.builder().etcd(ETCD.etcd().endpoint()).set("deployment.etcd.startup_timeout", 1).build()) {
      GatewayProcess.CliResult r =
          GatewayProcess.cli("start", "-c", fresh.configFile().toString(), "-p", fresh.prefix().toString());
      assertTrue(r.exit() != 0, "must not start with neither etcd nor a snapshot: " + r);
      assertTrue(r.output().contains("etcd"), "the reason names etcd: " + r);
      assertTrue(!fresh.isRunning(), "no process left behind");
    } finally {
      ETCD.etcd().restart();
    }
  }

  @Test
  void kill9DuringAWriteBurst_thenEtcdDown_startsFromACompleteSnapshot() {
    ETCD.etcd().restart(); // whatever the other tests left
    try (GatewayProcess node =
        GatewayProcess.builder().etcd(ETCD.etcd().endpoint()).set("deployment.etcd.startup_timeout", 1)
            .set("deployment.config_snapshot.min_interval_ms", 0).build().start()) {
      node.put("/routes/burst-anchor", route("/burst/anchor", u1));
      node.awaitServedBy("/burst/anchor", "u1", Duration.ofSeconds(10));
      // 2,000 route writes in transactions of 100, and kill -9 while the snapshot mirror keeps up
      for (int t = 0; t < 20; t++) {
        StringBuilder txn = new StringBuilder("\n");
        for (int i = 0; i < 100; i++) {
          int n = t * 100 + i;
          txn.append("put /apisix/routes/burst").append(n % 300).append(' ')
              .append(lib.Json.write("{\"id\":\"burst" + (n % 300) + "\",\"uri\":\"/burst/" + (n % 300)
                  + "\",\"desc\":\"gen " + n + "\",\"upstream\":{\"nodes\":{\"" + u1.node() + "\":1}}}"))
              .append('\n');
        }
        ETCD.etcd().etcdctlWithInput(txn.append("\n\n").toString(), "txn");
        if (t == 12) {
          node.kill9();
        }
      }
      ETCD.etcd().kill9();
      node.start();
      JsonNode state = node.configState();
      assertEquals("snapshot", state.path("source").asText(), state.toString());
      node.awaitServedBy("/burst/anchor", "u1", Duration.ofSeconds(5));
      int routes = state.path("counts").path("routes").asInt();
      assertTrue(routes >= 1 && routes <= 301, "a complete earlier generation: " + state.path("counts"));
      for (JsonNode r : node.control("/v1/routes")) {
        String uri = r.path("value").path("uri").asText();
        assertEquals(200, node.get(uri).status(), "served from the snapshot: " + uri);
      }
      System.out.println("[SnapshotStartIT] after kill -9 mid-burst: snapshot at revision " + state.path("revision")
          + " with " + routes + " routes");
      java.util.Map<String, JsonNode> served = Converge.served(node, "routes");
      node.stop(); // so it does not catch up with etcd while we look at history
      ETCD.etcd().restart();
      assertEquals(
          Converge.inEtcdAt(ETCD.etcd(), "/apisix/routes/", state.path("revision").asLong()), served,
          "the snapshot equals etcd's content at the snapshot's revision");
    } finally {
      ETCD.etcd().restart();
    }
  }
}
