package node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import lib.GatewayProcess;
import lib.PacedLoad;
import lib.Upstream;
import org.apigw.testing.Deadline;
import org.apigw.testing.EtcdExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 3's drills 1 and 2 at their stated lengths: etcd dying (kill -9) or stalling (SIGSTOP)
 * under a steady 200 req/s: traffic never notices, the outage is reported, and once etcd is back
 * new config is served again.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
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

  static boolean etcdReachable() {
    return gw.configState().path("etcd").path("reachable").asBoolean();
  }

  /** Waits until the load has sent {@code n} requests: the drills' clock is the traffic itself. */
  static void untilSent(PacedLoad load, int n) {
    Deadline.await(Duration.ofSeconds(n / RATE + 30), n + " requests sent", () -> load.sent() >= n);
  }

  static final int RATE = 200;

  /**
   * Drill 1 (issue 3): etcd is killed -9 while 200 req/s flow for 30 s; no request fails, and a
   * route written once etcd is back is served within a second.
   */
  @Test
  void drill1_etcdKill9_200rps_30s_zeroFailures_changeAfterReturnServedWithin1s() {
    ETCD.etcd().etcdctl("put", "/apisix/routes/k1", route("k1", "/o/kill"));
    gw.awaitServedBy("/o/kill", "u1", Duration.ofSeconds(10));

    PacedLoad load = PacedLoad.start(gw.proxyUrl() + "/o/kill", RATE, Duration.ofSeconds(5));
    untilSent(load, 5 * RATE);
    ETCD.etcd().kill9();
    long killed = System.nanoTime();
    Deadline.await(Duration.ofSeconds(20), "/v1/config shows etcd unreachable", () -> !etcdReachable());
    long noticedMs = (System.nanoTime() - killed) / 1_000_000;
    untilSent(load, 15 * RATE);
    ETCD.etcd().restart();
    long back = System.nanoTime();
    ETCD.etcd().etcdctl("put", "/apisix/routes/k2", route("k2", "/o/kill/new"));
    gw.awaitServedBy("/o/kill/new", "u1", Duration.ofSeconds(30));
    long servedMs = (System.nanoTime() - back) / 1_000_000;
    untilSent(load, 30 * RATE);
    PacedLoad.Result result = load.stop(Duration.ofSeconds(10));
    Deadline.await(Duration.ofSeconds(10), "etcd reachable again on /v1/config", EtcdOutageIT::etcdReachable);
    System.out.printf(
        "[EtcdOutageIT] drill 1 (kill -9, %d req/s, 30 s): %s; outage noticed after %d ms; route written when etcd"
            + " came back served after %d ms%n",
        RATE, result, noticedMs, servedMs);
    assertEquals(0, result.failed(), "requests failed while etcd was down: " + result);
    assertTrue(servedMs <= 1000, "a change made once etcd is back is served within 1 s, took " + servedMs + " ms");
  }

  /**
   * Drill 2 (issue 3): etcd is frozen with SIGSTOP for 60 s (the connection stays open, nothing
   * answers) while traffic flows: no request fails, the stall is detected and shown, and after
   * SIGCONT the watch recovers.
   */
  @Test
  void drill2_etcdSIGSTOP_60s_trafficUnaffected_stallReported_watchRecovers() {
    ETCD.etcd().etcdctl("put", "/apisix/routes/p1", route("p1", "/o/pause"));
    gw.awaitServedBy("/o/pause", "u1", Duration.ofSeconds(10));

    PacedLoad load = PacedLoad.start(gw.proxyUrl() + "/o/pause", RATE, Duration.ofSeconds(5));
    untilSent(load, 2 * RATE);
    long noticedMs;
    ETCD.etcd().pause();
    long paused = System.nanoTime();
    try {
      Deadline.await(Duration.ofSeconds(40), "/v1/config shows the stalled etcd unreachable", () -> !etcdReachable());
      noticedMs = (System.nanoTime() - paused) / 1_000_000;
      untilSent(load, 62 * RATE);
    } finally {
      ETCD.etcd().resume();
    }
    long resumed = System.nanoTime();
    ETCD.etcd().etcdctl("put", "/apisix/routes/p2", route("p2", "/o/pause/new"));
    gw.awaitServedBy("/o/pause/new", "u1", Duration.ofSeconds(30));
    long servedMs = (System.nanoTime() - resumed) / 1_000_000;
    PacedLoad.Result result = load.stop(Duration.ofSeconds(10));
    Deadline.await(Duration.ofSeconds(10), "etcd reachable again on /v1/config", EtcdOutageIT::etcdReachable);
    System.out.printf(
        "[EtcdOutageIT] drill 2 (SIGSTOP 60 s, %d req/s): %s; stall reported after %d ms; route written after SIGCONT"
            + " served after %d ms%n",
        RATE, result, noticedMs, servedMs);
    assertEquals(0, result.failed(), "requests failed while etcd was stalled: " + result);
  }
}
