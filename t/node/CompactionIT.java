package node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import lib.Converge;
import lib.GatewayProcess;
import org.apigw.testing.TcpProxy;
import lib.Upstream;
import org.apigw.testing.Deadline;
import org.apigw.testing.EtcdExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * F1 (compaction while disconnected) and F6 (etcd wiped: revision goes backwards). The gateway
 * reaches etcd through a {@link TcpProxy} that the test cuts; writes, deletes and a compaction
 * go straight to etcd while the gateway cannot see them.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class CompactionIT {

  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  static TcpProxy link;
  static Upstream u1;
  static Upstream u2;
  static GatewayProcess gw;

  @BeforeAll
  static void start() {
    u1 = Upstream.start("u1");
    u2 = Upstream.start("u2");
    link = TcpProxy.to("127.0.0.1", ETCD.etcd().clientPort());
    gw = GatewayProcess.builder().etcd(link.endpoint()).build().start();
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
    link.close();
    u1.close();
    u2.close();
  }

  static String route(String id, String uri, Upstream u) {
    return "{\"id\":\"" + id + "\",\"uri\":\"" + uri + "\",\"upstream\":{\"type\":\"roundrobin\",\"nodes\":{\"" + u.node() + "\":1}}}";
  }

  static void put(String id, String uri, Upstream u) {
    ETCD.etcd().etcdctl("put", "/apisix/routes/" + id, route(id, uri, u));
  }

  @Test
  void compactionWhileCut_gatewayConvergesExactly_deletesIncluded() {
    for (int i = 1; i <= 5; i++) {
      put("c" + i, "/c/" + i, u1);
    }
    gw.awaitServedBy("/c/5", "u1", Duration.ofSeconds(10));
    Converge.routes(gw, ETCD.etcd(), Duration.ofSeconds(10));

    link.cut();
    Deadline.await(Duration.ofSeconds(30), "gateway to see etcd unreachable",
        () -> !gw.configState().path("etcd").path("reachable").asBoolean());
    put("c1", "/c/1", u2); // changed
    ETCD.etcd().etcdctl("del", "/apisix/routes/c2"); // deleted
    ETCD.etcd().etcdctl("del", "/apisix/routes/c3");
    for (int i = 0; i < 50; i++) { // churn, then gone: only the compaction knows it existed
      put("churn", "/c/churn/" + i, u1);
    }
    ETCD.etcd().etcdctl("del", "/apisix/routes/churn");
    put("c6", "/c/6", u2); // new
    ETCD.etcd().compact();
    assertEquals(200, gw.get("/c/2").status(), "the gateway cannot see the writes yet");

    link.restore();
    Duration took = Converge.routes(gw, ETCD.etcd(), Duration.ofSeconds(30));
    System.out.println("[CompactionIT] compaction while cut: converged " + took.toMillis() + " ms after restore");
    gw.awaitServedBy("/c/1", "u2", Duration.ofSeconds(5));
    assertEquals(404, gw.get("/c/2").status());
    assertEquals(404, gw.get("/c/3").status());
    assertEquals(404, gw.get("/c/churn/49").status());
    gw.awaitServedBy("/c/6", "u2", Duration.ofSeconds(5));
    assertEquals(200, gw.get("/c/4").status());
    JsonNode state = gw.configState();
    assertEquals("etcd", state.path("source").asText(), state.toString());
    assertEquals(ETCD.etcd().revision(), state.path("revision").asLong(), "at etcd's revision: " + state);
  }

  @Test
  void etcdWipedAndRefilled_revisionGoesBackwards_gatewayConvergesToTheNewContent() {
    for (int i = 1; i <= 3; i++) {
      put("w" + i, "/w/" + i, u1);
    }
    for (int i = 0; i < 30; i++) { // push the old cluster's revision well above the new one's
      put("w-churn", "/w/churn", u1);
    }
    gw.awaitServedBy("/w/3", "u1", Duration.ofSeconds(10));
    gw.awaitServedBy("/w/churn", "u1", Duration.ofSeconds(10));
    long oldRevision = gw.configState().path("revision").asLong();

    ETCD.etcd().wipeAndRestart();
    put("w1", "/w/1", u2);
    put("w-new", "/w/new", u2);
    long newRevision = ETCD.etcd().revision();
    assertTrue(newRevision < oldRevision, "revision went backwards: " + newRevision + " < " + oldRevision);

    Duration took = Converge.routes(gw, ETCD.etcd(), Duration.ofSeconds(30));
    System.out.println("[CompactionIT] etcd wiped + refilled: converged " + took.toMillis() + " ms after the writes");
    gw.awaitServedBy("/w/1", "u2", Duration.ofSeconds(5));
    gw.awaitServedBy("/w/new", "u2", Duration.ofSeconds(5));
    assertEquals(404, gw.get("/w/2").status());
    assertEquals(404, gw.get("/w/churn").status());
    assertEquals(404, gw.get("/c/4").status(), "everything of the old cluster is gone");
  }

  @Test
  void stalledLink_blackhole_isDetected_andWritesMadeMeanwhileArriveAfterwards() {
    put("bh1", "/bh/1", u1);
    gw.awaitServedBy("/bh/1", "u1", Duration.ofSeconds(10));

    link.blackhole();
    long t0 = System.nanoTime();
    JsonNode state;
    try {
      put("bh1", "/bh/1", u2); // goes straight to etcd; the gateway's link is stalled
      put("bh2", "/bh/2", u2);
      // F2: keepalive (about 10 s + 5 s) must notice a stream that carries no bytes
      state =
          Deadline.untilPasses(Duration.ofSeconds(40), () -> {
            JsonNode s = gw.configState();
            assertEquals(false, s.path("etcd").path("reachable").asBoolean(), "stall detected: " + s.path("etcd"));
            return s;
          });
      System.out.println("[CompactionIT] blackholed link detected after " + (System.nanoTime() - t0) / 1_000_000
          + " ms: " + state.path("etcd"));
      assertEquals(200, gw.get("/bh/1").status(), "keeps serving the last config while stalled");
    } finally {
      link.heal();
    }
    long t1 = System.nanoTime();
    gw.awaitServedBy("/bh/1", "u2", Duration.ofSeconds(30));
    gw.awaitServedBy("/bh/2", "u2", Duration.ofSeconds(10));
    System.out.println("[CompactionIT] after heal, writes made during the stall served in " + (System.nanoTime() - t1) / 1_000_000 + " ms");
    Converge.routes(gw, ETCD.etcd(), Duration.ofSeconds(10));
  }
}
