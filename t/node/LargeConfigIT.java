package node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import lib.GatewayProcess;
import lib.Json;
import lib.Upstream;
import org.apigw.testing.Deadline;
import org.apigw.testing.EtcdExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * F7: a big prefix. 20,000 routes of about 400 bytes (8 MB in all, more than one gRPC message may
 * carry by default) written straight into etcd; a gateway started afterwards loads them all,
 * serves any of them, and still applies a change quickly.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class LargeConfigIT {

  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  static final int ROUTES = 20_000;
  static Upstream u1;
  static GatewayProcess gw;

  @BeforeAll
  static void fill() {
    u1 = Upstream.start("u1");
    String pad = "x".repeat(250);
    long t0 = System.nanoTime();
    StringBuilder txn = new StringBuilder("\n");
    int inTxn = 0;
    for (int i = 0; i < ROUTES; i++) {
      String value =
          "{\"id\":\"big" + i + "\",\"uri\":\"/big/" + i + "\",\"desc\":\"" + pad + "\",\"upstream\":{\"type\":\"roundrobin\",\"nodes\":{\""
              + u1.node() + "\":1}}}";
      txn.append("put /apisix/routes/big").append(i).append(' ').append(Json.write(value)).append('\n');
      if (++inTxn == 100 || i == ROUTES - 1) { // etcd allows 128 operations per txn
        ETCD.etcd().etcdctlWithInput(txn.append("\n\n").toString(), "txn");
        txn = new StringBuilder("\n");
        inTxn = 0;
      }
    }
    System.out.println("[LargeConfigIT] wrote " + ROUTES + " routes in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
    u1.close();
  }

  @Test
  void twentyThousandRoutes_loadAtStart_andAChangeIsStillServedQuickly() {
    long t0 = System.nanoTime();
    gw = GatewayProcess.builder().etcd(ETCD.etcd().endpoint()).build().start();
    System.out.println("[LargeConfigIT] gateway start with " + ROUTES + " routes: " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    JsonNode state = gw.configState();
    assertEquals("etcd", state.path("source").asText(), state.toString());
    assertEquals(ROUTES, state.path("counts").path("routes").asInt(), "every route loaded: " + state.path("counts"));
    assertEquals(200, gw.get("/big/0").status());
    assertEquals(200, gw.get("/big/" + (ROUTES / 2)).status());
    assertEquals(200, gw.get("/big/" + (ROUTES - 1)).status());
    assertEquals(404, gw.get("/big/" + ROUTES).status());

    List<Long> latencies = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String uri = "/big/new/" + i;
      long t1 = System.nanoTime();
      gw.put("/routes/new" + i, "{\"uri\":\"" + uri + "\",\"upstream\":{\"nodes\":{\"" + u1.node() + "\":1}}}");
      gw.awaitStatus(uri, 200, Duration.ofSeconds(10));
      latencies.add((System.nanoTime() - t1) / 1_000_000);
    }
    Collections.sort(latencies);
    System.out.println("[LargeConfigIT] Admin PUT → served with " + ROUTES + " routes present (ms): " + latencies);
    assertTrue(latencies.get(latencies.size() - 1) < 5000, latencies.toString());

    // the snapshot of 8 MB is written too
    Deadline.untilPasses(Duration.ofSeconds(20), () -> {
      JsonNode s = gw.configState();
      assertEquals(s.path("revision").asLong(), s.path("snapshot").path("last_written_revision").asLong(), s.toString());
      return s;
    });
  }
}
