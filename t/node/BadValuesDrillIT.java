package node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import lib.BigRequestEtcd;
import lib.GatewayProcess;
import lib.Json;
import lib.Upstream;
import org.apigw.testing.Deadline;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Drill (issue 3, F7 + F10): bad values written straight into etcd in ONE transaction together
 * with a good change. Each bad value is refused on its own (listed in /v1/config "rejected" with a
 * reason naming what is wrong), the good change of the same revision is applied and served, and
 * keys that had a good value keep serving it.
 *
 * <p>etcd runs with {@code --max-request-bytes} 3 MiB so that a 2 MB value gets through etcd (as
 * in the F7 drill: "the same bytes via etcdctl put (server-side max raised to 3 MiB) → DP rejects
 * that key only").
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BadValuesDrillIT {

  static final int BIG_BYTES = 2_000_000;
  static final Duration CONVERGE = Duration.ofSeconds(15);

  static String route(String id, String uri, Upstream u, String extra) {
    return "{\"id\":\"" + id + "\",\"uri\":\"" + uri + "\"" + extra
        + ",\"upstream\":{\"type\":\"roundrobin\",\"nodes\":{\"" + u.node() + "\":1}}}";
  }

  static BigRequestEtcd etcd;
  static Upstream u1;
  static Upstream u2;
  static GatewayProcess gw;
  static long rev;
  static final Map<String, String> bad = new LinkedHashMap<>();
  static final Map<String, String> good = new LinkedHashMap<>();
  static final Map<String, JsonNode> rejected = new LinkedHashMap<>();
  static Map<String, JsonNode> served;
  static int bigStatus;

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {gw, u1, u2, etcd}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // best effort
      }
    }
  }

  /** Good routes, then ONE txn: four bad values + two good changes (an update and a new route). */
  @BeforeAll
  static void oneTxnOfBadAndGoodValues() {
    etcd = new BigRequestEtcd(3L * 1024 * 1024);
    u1 = Upstream.start("u1");
    u2 = Upstream.start("u2");
    gw = GatewayProcess.builder().etcd(etcd.endpoint()).build().start();
    etcd.etcdctl(null, "put", "/apisix/routes/notjson", route("notjson", "/bv/notjson", u1, ""));
    etcd.etcdctl(null, "put", "/apisix/routes/schema", route("schema", "/bv/schema", u1, ""));
    etcd.etcdctl(null, "put", "/apisix/routes/moved", route("moved", "/bv/moved", u1, ""));
    etcd.etcdctl(null, "put", "/apisix/routes/other", route("other", "/bv/other", u1, ""));
    for (String r : List.of("notjson", "schema", "moved", "other")) {
      gw.awaitServedBy("/bv/" + r, "u1", CONVERGE);
    }

    bad.put("/apisix/routes/notjson", "{not json");
    bad.put("/apisix/routes/schema", "{\"id\":\"schema\",\"uri\":123,\"upstream\":{\"nodes\":{\"" + u2.node() + "\":1}}}");
    bad.put("/apisix/routes/big", route("big", "/bv/big", u2, bigLabels()));
    bad.put("/apisix/nonsense/1", route("1", "/bv/nonsense", u2, ""));
    good.put("/apisix/routes/moved", route("moved", "/bv/moved", u2, ""));
    good.put("/apisix/routes/fresh", route("fresh", "/bv/fresh", u2, ""));
    StringBuilder txn = new StringBuilder("\n");
    bad.forEach((k, v) -> txn.append("put ").append(k).append(' ').append(Json.write(v)).append('\n'));
    good.forEach((k, v) -> txn.append("put ").append(k).append(' ').append(Json.write(v)).append('\n'));
    txn.append("\n\n");
    System.out.println("[BadValuesDrillIT] txn request ~" + txn.length() + " bytes (etcd max-request-bytes 3 MiB)");
    String out = etcd.etcdctl(txn.toString(), "txn");
    assertTrue(out.startsWith("SUCCESS"), "txn: " + out.substring(0, Math.min(300, out.length())));
    rev = etcd.revision();

    long t0 = System.nanoTime();
    gw.awaitServedBy("/bv/moved", "u2", CONVERGE);
    gw.awaitServedBy("/bv/fresh", "u2", CONVERGE);
    System.out.println("[BadValuesDrillIT] good changes of revision " + rev + " served after "
        + (System.nanoTime() - t0) / 1_000_000 + " ms");
    JsonNode state = Deadline.untilPasses(CONVERGE, () -> {
      JsonNode s = gw.configState();
      assertTrue(s.path("revision").asLong() >= rev, "at revision " + rev + ": " + s.path("revision"));
      return s;
    });
    for (JsonNode r : state.path("rejected")) {
      rejected.put(r.path("key").asText(), r);
    }
    served = lib.Converge.served(gw, "routes");
    bigStatus = gw.get("/bv/big").status();

    System.out.println("[BadValuesDrillIT] revision " + rev + "; /v1/config rejected_total " + state.path("rejected_total"));
    System.out.printf("[BadValuesDrillIT] %-24s %-10s %-8s %-8s %s%n", "key", "sent", "served", "rejected", "reason");
    List<String> all = new ArrayList<>(bad.keySet());
    all.addAll(good.keySet());
    for (String k : all) {
      String v = bad.containsKey(k) ? bad.get(k) : good.get(k);
      JsonNode rj = rejected.get(k);
      String reason = rj == null ? "-" : rj.path("reason").asText();
      System.out.printf("[BadValuesDrillIT] %-24s %-10s %-8s %-8s %s%n", k, v.length() + " B",
          served.containsKey(k) ? "yes" : "no", rj == null ? "no" : "yes",
          reason.length() > 120 ? reason.substring(0, 120) + "…" : reason);
    }
  }

  /** F10: each bad value alone is refused; the good change of the same revision is served. */
  @Test
  void notJson_schemaError_unknownDir_eachRejectedAlone_goodChangesServed_oldValuesKeepServing() {
    gw.awaitServedBy("/bv/moved", "u2", CONVERGE);
    gw.awaitServedBy("/bv/fresh", "u2", CONVERGE);
    gw.awaitServedBy("/bv/notjson", "u1", CONVERGE);
    gw.awaitServedBy("/bv/schema", "u1", CONVERGE);
    gw.awaitServedBy("/bv/other", "u1", CONVERGE);
    assertEquals(404, gw.get("/bv/nonsense").status(), "a key under an unknown directory is not served");
    List<String> failures = new ArrayList<>();
    for (String k : good.keySet()) {
      if (rejected.containsKey(k)) {
        failures.add("good change " + k + " is listed as rejected: " + rejected.get(k));
      }
    }
    expectRejected(failures, rejected, "/apisix/routes/notjson", rev, "json");
    expectRejected(failures, rejected, "/apisix/routes/schema", rev, "uri");
    expectRejected(failures, rejected, "/apisix/nonsense/1", rev, "");
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  /**
   * F7: a 2 MB route (schema-valid: about 7,800 labels of 250 chars), larger than the Admin
   * API's 1.5 MiB body cap, put straight into etcd → the DP refuses that key only, for its size.
   */
  @Test
  void twoMbRoute_overTheAdminCap_isRejectedForItsSize() {
    List<String> failures = new ArrayList<>();
    expectRejected(failures, rejected, "/apisix/routes/big", rev, "");
    if (served.containsKey("/apisix/routes/big") || bigStatus != 404) {
      failures.add("F7: the " + bad.get("/apisix/routes/big").length() + "-byte route (over the Admin API's"
          + " 1.5 MiB body cap, schema-valid) is served (GET /bv/big → " + bigStatus + "); expected it refused"
          + " for its size, that key only");
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  /** {@code ,"labels":{...}}: about {@link #BIG_BYTES} of labels each valid for the schema (≤ 256 chars). */
  static String bigLabels() {
    StringBuilder sb = new StringBuilder(",\"labels\":{");
    String v = "v".repeat(250);
    for (int i = 0; sb.length() < BIG_BYTES; i++) {
      sb.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"").append(v).append('"');
    }
    return sb.append('}').toString();
  }

  private static void expectRejected(
      List<String> failures, Map<String, JsonNode> rejected, String key, long rev, String reasonMentions) {
    JsonNode r = rejected.get(key);
    if (r == null) {
      failures.add(key + " not listed in /v1/config rejected");
      return;
    }
    if (r.path("revision").asLong() != rev) {
      failures.add(key + " rejected at revision " + r.path("revision") + ", expected " + rev);
    }
    String reason = r.path("reason").asText();
    if (reason.isBlank() || !reason.toLowerCase().contains(reasonMentions)) {
      failures.add(key + ": reason does not name '" + reasonMentions + "': " + reason);
    }
  }
}
