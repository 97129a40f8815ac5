package node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import lib.GatewayProcess;
import lib.Http;
import lib.Upstream;
import org.apigw.testing.Deadline;
import org.apigw.testing.EtcdCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Drill 9 of issue 3: a three-member etcd cluster on loopback, the gateway given all three
 * endpoints. The leader dies under traffic and Admin API writes; later the gateway's member is
 * cut off from the others. Traffic must not notice either, and every acknowledged write must be
 * served once the cluster has a leader.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EtcdClusterDrillIT {

  /** Proxy requests per second and Admin API writes per second during the drill (the figures). */
  private static final int REQUESTS_PER_SECOND = 200;

  private static final int WRITES_PER_SECOND = 50;

  /** Election timeout (1 s, set by the fixture) plus the stall detection's bound, with margin. */
  private static final Duration NOTICE_BOUND = Duration.ofSeconds(25);

  static EtcdCluster cluster;
  static Upstream up;
  static GatewayProcess gw;

  @BeforeAll
  static void start() {
    cluster = EtcdCluster.start();
    up = Upstream.start("u1");
    gw = GatewayProcess.builder().etcd(cluster.endpoints().toArray(String[]::new)).build().start();
    gw.put("/apisix/admin/routes/base", route("/drill/base"));
    gw.awaitStatus("/drill/base", 200, Duration.ofSeconds(10));
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
    if (up != null) {
      up.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void leaderKilledUnderLoad_noProxyRequestFails_andEveryAcknowledgedWriteIsServed() {
    AtomicBoolean running = new AtomicBoolean(true);
    List<String> failed = new CopyOnWriteArrayList<>();
    AtomicInteger sent = new AtomicInteger();
    Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
    AtomicInteger attempted = new AtomicInteger();
    Thread traffic = paced("drill-traffic", REQUESTS_PER_SECOND, running, () -> {
      sent.incrementAndGet();
      Http.Response r = gw.get("/drill/base");
      if (r.status() != 200) {
        failed.add(r.toString());
      }
    });
    Thread writes = paced("drill-writes", WRITES_PER_SECOND, running, () -> {
      int i = attempted.incrementAndGet();
      Http.Response r = gw.admin("PUT", "/apisix/admin/routes/w" + i, route("/drill/w" + i));
      if (r.status() == 200 || r.status() == 201) {
        acknowledged.add(i);
      }
    });
    EtcdCluster.Member leader;
    long killedAt;
    try {
      Deadline.await(Duration.ofSeconds(10), "some writes before the kill", () -> acknowledged.size() >= 50);
      leader = cluster.leader();
      killedAt = System.nanoTime();
      cluster.kill9(leader);
      int atKill = attempted.get();
      Deadline.await(Duration.ofSeconds(30), "writes acknowledged after the leader died",
          () -> acknowledged.stream().filter(i -> i > atKill).count() >= 100);
    } finally {
      running.set(false);
      join(traffic);
      join(writes);
    }
    long lastAcknowledged = acknowledged.stream().mapToInt(Integer::intValue).max().orElseThrow();
    Deadline.untilPasses(Duration.ofSeconds(15), () -> {
      assertEquals(200, gw.get("/drill/w" + lastAcknowledged).status());
      return null;
    });
    long movedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
    JsonNode served = gw.control("/v1/routes");
    Set<String> servedKeys = ConcurrentHashMap.newKeySet();
    served.forEach(r -> servedKeys.add(r.get("key").asText()));
    List<Integer> missing =
        acknowledged.stream().filter(i -> !servedKeys.contains("/apisix/routes/w" + i)).sorted().toList();
    System.out.printf(
        "[EtcdClusterDrillIT] leader %s killed: %d proxy requests, %d failed; %d of %d writes acknowledged,"
            + " %d of them not served; last write served %d ms after the kill%n",
        leader, sent.get(), failed.size(), acknowledged.size(), attempted.get(), missing.size(), movedMillis);
    assertEquals(List.of(), failed.subList(0, Math.min(5, failed.size())), "proxy requests that failed");
    assertEquals(List.of(), missing, "acknowledged writes not served");
    cluster.restart(leader);
    Deadline.await(Duration.ofSeconds(30), "the killed member to rejoin", () -> cluster.leader() != null);
  }

  @Test
  @Order(2)
  void isolatedMember_isNoticed_andTheGatewayFollowsTheClusterWhenItHeals() {
    EtcdCluster.Member leader = cluster.leader();
    List<EtcdCluster.Member> followers = cluster.members().stream().filter(m -> m != leader).toList();
    JsonNode before = gw.configState().get("etcd").get("resyncs");
    long resyncsBefore = total(before);
    long pausedAt = System.nanoTime();
    followers.forEach(cluster::pause);
    try {
      // the leader loses quorum (require-leader cancels its watches); a paused member's stream
      // stalls: either way the gateway must notice, re-read, and keep serving meanwhile
      Deadline.await(NOTICE_BOUND, "the gateway to notice the isolated member",
          () -> !gw.configState().get("etcd").get("reachable").asBoolean()
              || total(gw.configState().get("etcd").get("resyncs")) > resyncsBefore);
      long noticedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - pausedAt);
      assertEquals(200, gw.get("/drill/base").status(), "traffic keeps being served");
      System.out.printf("[EtcdClusterDrillIT] isolation of %s noticed after %d ms%n", leader, noticedMillis);
    } finally {
      followers.forEach(cluster::resume);
    }
    Deadline.await(Duration.ofSeconds(30), "a leader again", () -> cluster.leader() != null);
    cluster.etcdctl("put", "/apisix/routes/healed", route("/drill/healed"));
    gw.awaitStatus("/drill/healed", 200, Duration.ofSeconds(20));
    assertTrue(gw.configState().get("etcd").get("reachable").asBoolean());
  }

  private static long total(JsonNode resyncs) {
    long n = 0;
    for (JsonNode v : resyncs) {
      n += v.asLong();
    }
    return n;
  }

  private static String route(String uri) {
    return "{\"uri\":\"" + uri + "\",\"upstream\":{\"nodes\":{\"" + up.node() + "\":1}}}";
  }

  /** Runs {@code action} {@code perSecond} times a second on its own thread until stopped. */
  private static Thread paced(String name, int perSecond, AtomicBoolean running, Runnable action) {
    long interval = TimeUnit.SECONDS.toNanos(1) / perSecond;
    Thread t = new Thread(() -> {
      long next = System.nanoTime();
      while (running.get()) {
        action.run();
        next += interval;
        long wait = next - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait); // pacing a load, not waiting for a condition
        }
      }
    }, name);
    t.start();
    return t;
  }

  private static void join(Thread t) {
    try {
      t.join(TimeUnit.SECONDS.toMillis(40));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
