package node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * etcd dying (kill -9) or stalling (SIGSTOP) under a serving gateway: traffic never notices, and
 * once etcd is back new config is served again.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class EtcdOutageIT {

  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  static Upstream u1;
  static GatewayProcess gw;

  @BeforeAll
  static void start() {
    u1 = Upstream.start("u1");
    gw = GatewayProcess.builder().etcd(ETCD.etcd().endpoint()).build().start();
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
    u1.close();
  }

  static String route(String id, String uri) {
    return "{\"id\":\"" + id + "\",\"uri\":\"" + uri + "\",\"upstream\":{\"type\":\"roundrobin\",\"nodes\":{\"" + u1.node() + "\":1}}}";
  }

  /** Sends requests to {@code path} until {@code untilTrue} holds; returns the failures. */
  static List<String> hammer(String path, Duration atLeast, java.util.function.BooleanSupplier stop) {
    List<String> failures = new ArrayList<>();
    long end = System.nanoTime() + atLeast.toNanos();
    long hard = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    int n = 0;
    while ((System.nanoTime() < end || !stop.getAsBoolean()) && System.nanoTime() < hard) {
      n++;
      try {
        Http.Response r = gw.get(path);
        if (r.status() != 200) {
          failures.add("#" + n + ": " + r);
        }
      } catch (RuntimeException e) {
        failures.add("#" + n + ": " + e);
      }
    }
    System.out.println("[EtcdOutageIT] " + n + " requests to " + path + " during the outage, " + failures.size() + " failed");
    return failures;
  }

  static boolean etcdReachable() {
    return gw.configState().path("etcd").path("reachable").asBoolean();
  }

  @Test
  void etcdKill9_whileServing_zeroFailedRequests_thenNewRouteIsServedAfterRestart() {
    ETCD.etcd().etcdctl("put", "/apisix/routes/k1", route("k1", "/o/kill"));
    gw.awaitServedBy("/o/kill", "u1", Duration.ofSeconds(10));

    ETCD.etcd().kill9();
    // keep the traffic going until the gateway has noticed (and for at least 3 s)
    List<String> failures = hammer("/o/kill", Duration.ofSeconds(3), () -> !etcdReachable());
    assertEquals(List.of(), failures, "requests failed while etcd was down");
    assertEquals(false, etcdReachable(), "/v1/config shows etcd unreachable: " + gw.configState());

    ETCD.etcd().restart();
    long t0 = System.nanoTime();
    ETCD.etcd().etcdctl("put", "/apisix/routes/k2", route("k2", "/o/kill/new"));
    gw.awaitServedBy("/o/kill/new", "u1", Duration.ofSeconds(30));
    System.out.println("[EtcdOutageIT] etcd restarted → new route served after " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    Deadline.await(Duration.ofSeconds(10), "etcd reachable again on /v1/config", EtcdOutageIT::etcdReachable);
    assertEquals(200, gw.get("/o/kill").status());
  }

  @Test
  void etcdStopped_SIGSTOP_whileServing_zeroFailedRequests_thenNewRouteAfterSIGCONT() {
    ETCD.etcd().etcdctl("put", "/apisix/routes/p1", route("p1", "/o/pause"));
    gw.awaitServedBy("/o/pause", "u1", Duration.ofSeconds(10));

    ETCD.etcd().pause();
    List<String> failures;
    try {
      failures = hammer("/o/pause", Duration.ofSeconds(3), () -> true);
    } finally {
      ETCD.etcd().resume();
    }
    assertEquals(List.of(), failures, "requests failed while etcd was stalled");

    long t0 = System.nanoTime();
    ETCD.etcd().etcdctl("put", "/apisix/routes/p2", route("p2", "/o/pause/new"));
    gw.awaitServedBy("/o/pause/new", "u1", Duration.ofSeconds(30));
    System.out.println("[EtcdOutageIT] SIGCONT → new route served after " + (System.nanoTime() - t0) / 1_000_000 + " ms");
  }
}
