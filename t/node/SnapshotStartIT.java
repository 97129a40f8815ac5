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

  /**
   * A node that starts while nothing listens on etcd's port serves its snapshot at once instead of
   * waiting out startup_timeout (60 s here), and follows etcd once it is back.
   */
  @Test
  void etcdRefusingAtStart_servesTheSnapshot_withoutWaitingOutStartupTimeout() {
    ETCD.etcd().restart(); // whatever the other tests left
    try (GatewayProcess node = withSnapshotOf("/refused", "/apisix-refused", 60)) {
      ETCD.etcd().kill9();
      long t0 = System.nanoTime();
      node.start();
      long startMs = (System.nanoTime() - t0) / 1_000_000;
      System.out.println("[SnapshotStartIT] start with etcd refusing (startup_timeout 60 s) took " + startMs + " ms");
      assertTrue(startMs < 30_000, "served the snapshot without waiting out startup_timeout: " + startMs + " ms");
      assertEquals("snapshot", node.configState().path("source").asText());
      node.awaitServedBy("/refused", "u1", Duration.ofSeconds(5));
      assertTrue(node.log().contains("refused the connection on every endpoint"), "the log says why");

      ETCD.etcd().restart();
      String changed = route("/refused", u2).replace("{\"uri\"", "{\"id\":\"refused\",\"uri\"");
      ETCD.etcd().etcdctl("put", "/apisix-refused/routes/refused", changed);
      node.awaitServedBy("/refused", "u2", Duration.ofSeconds(30));
      assertEquals("etcd", node.configState().path("source").asText());
    } finally {
      ETCD.etcd().restart();
    }
  }

  /**
   * An etcd that accepts connections but does not answer (frozen with SIGSTOP: the kernel still
   * completes handshakes) may be slow rather than down: the node waits the whole startup_timeout
   * for it before falling back to the snapshot.
   */
  @Test
  void etcdFrozenAtStart_waitsStartupTimeout_thenServesTheSnapshot() {
    ETCD.etcd().restart(); // whatever the other tests left
    try (GatewayProcess node = withSnapshotOf("/frozen", "/apisix-frozen", 4)) {
      ETCD.etcd().pause();
      long t0 = System.nanoTime();
      try {
        node.start();
      } finally {
        ETCD.etcd().resume();
      }
      long startMs = (System.nanoTime() - t0) / 1_000_000;
      System.out.println("[SnapshotStartIT] start with etcd frozen (startup_timeout 4 s) took " + startMs + " ms");
      assertTrue(startMs >= 4_000, "waited startup_timeout for a silent etcd: " + startMs + " ms");
      assertTrue(node.log().contains("did not answer within startup_timeout"), "the log says why");
      node.awaitServedBy("/frozen", "u1", Duration.ofSeconds(5));
    } finally {
      ETCD.etcd().restart();
    }
  }

  /**
   * A stopped node with {@code uri} routed to u1 in its snapshot; under its own etcd prefix, so
   * the other tests' route counts do not see it.
   */
  private static GatewayProcess withSnapshotOf(String uri, String etcdPrefix, int startupTimeout) {
    GatewayProcess node =
        GatewayProcess.builder().etcd(ETCD.etcd().endpoint()).etcdPrefix(etcdPrefix)
            .set("deployment.etcd.startup_timeout", startupTimeout).build().start();
    node.put("/routes" + uri, route(uri, u1));
    node.awaitServedBy(uri, "u1", Duration.ofSeconds(10));
    long revision = ETCD.etcd().revision();
    Deadline.untilPasses(Duration.ofSeconds(10), () -> {
      JsonNode s = node.configState();
      assertTrue(s.path("snapshot").path("last_written_revision").asLong() >= revision, "snapshot written: " + s);
      return s;
    });
    node.stop();
    return node;
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
