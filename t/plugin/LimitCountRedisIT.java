package plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import lib.GatewayProcess;
import lib.Http;
import org.apigw.testing.Deadline;
import org.apigw.testing.FreePorts;
import org.apigw.testing.RedisCluster;
import org.apigw.testing.RedisProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * limit-count's redis and redis-cluster policies: two gateway processes on one etcd and one real
 * Redis spend ONE budget between them. Windows are 60 s: nothing depends on the machine's speed.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LimitCountRedisIT extends RedisITBase {

  static void route(String id, String limitCount) {
    route(id, "limit-count", limitCount);
  }

  static String redisConf(int port, String extra) {
    return "{\"count\":5,\"time_window\":60," + redisFields(port) + extra + "}";
  }

  @Test
  void twoGateways_oneRedis_oneBudget() {
    route("lcr-shared", redisConf(redis.port(), ""));
    awaitBoth("/lcr-shared", 200);
    for (int i = 0; i < 5; i++) {
      GatewayProcess gw = i % 2 == 0 ? gw1 : gw2;
      Http.Response r = as(gw, "/lcr-shared", "alice");
      assertEquals(200, r.status(), "request " + (i + 1) + ": " + r);
      assertEquals("5", r.header("X-RateLimit-Limit"));
      assertEquals(Integer.toString(4 - i), r.header("X-RateLimit-Remaining"), "request " + (i + 1));
    }
    for (GatewayProcess gw : List.of(gw1, gw2)) {
      Http.Response refused = as(gw, "/lcr-shared", "alice");
      assertEquals(503, refused.status(), refused.toString());
      assertEquals("0", refused.header("X-RateLimit-Remaining"));
      long reset = Long.parseLong(refused.header("X-RateLimit-Reset"));
      assertTrue(reset >= 1 && reset <= 60, "reset " + reset);
    }
    assertEquals(200, as(gw2, "/lcr-shared", "bob").status(), "another key has its own budget");
    String keys = redis.cli("--scan", "--pattern", "plugin-limit-count:routes/lcr-shared:*:alice");
    assertEquals(1, keys.lines().count(), "one counter in redis for alice: " + keys);
    assertEquals("-2", redis.cli("get", keys.strip()).strip(), "5 allowed, then 2 refused: each refusal still decrements, as in APISIX");
  }

  @Test
  void redisUnreachable_500_orPassWithAllowDegradation() {
    int nothingThere = FreePorts.next();
    route("lcr-down", redisConf(nothingThere, ""));
    route("lcr-degrade", redisConf(nothingThere, ",\"allow_degradation\":true"));
    awaitBoth("/lcr-down", 500);
    Http.Response failed = as(gw1, "/lcr-down", "carol");
    assertEquals(500, failed.status());
    assertEquals("{\"error_msg\":\"failed to limit count\"}", failed.body());
    awaitBoth("/lcr-degrade", 200);
    Http.Response passed = as(gw2, "/lcr-degrade", "carol");
    assertEquals(200, passed.status());
    assertEquals(null, passed.header("X-RateLimit-Limit"), "not counted, so no quota");
  }

  @Test
  void redisKilled_thenBack_countsAgain() {
    try (RedisProcess own = RedisProcess.start()) {
      route("lcr-flap", redisConf(own.port(), ""));
      awaitBoth("/lcr-flap", 200);
      own.kill9();
      Deadline.untilPasses(CONVERGE, () -> {
        Http.Response r = as(gw1, "/lcr-flap", "dave");
        assertEquals(500, r.status(), r.toString());
        return r;
      });
      own.restart();
      Http.Response back = Deadline.untilPasses(CONVERGE, () -> {
        Http.Response r = as(gw1, "/lcr-flap", "dave");
        assertEquals(200, r.status(), r.toString());
        return r;
      });
      assertEquals("4", back.header("X-RateLimit-Remaining"), "the restarted redis is empty: a new window");
    }
  }

  @Test
  void redisCluster_twoGateways_oneBudgetPerKey() {
    try (RedisCluster cluster = RedisCluster.start(3)) {
      String nodes = cluster.addresses().stream().map(a -> "\"" + a + "\"").collect(Collectors.joining(","));
      route("lcr-cluster", "{\"count\":3,\"time_window\":60,\"key\":\"http_x_user\",\"policy\":\"redis-cluster\","
          + "\"redis_cluster_name\":\"test\",\"redis_cluster_nodes\":[" + nodes + "]}");
      awaitBoth("/lcr-cluster", 200);
      // several users: their keys hash to slots on different nodes
      for (String user : List.of("u1", "u2", "u3", "u4", "u5", "u6")) {
        for (int i = 0; i < 3; i++) {
          Http.Response r = as(i % 2 == 0 ? gw1 : gw2, "/lcr-cluster", user);
          assertEquals(200, r.status(), user + " request " + (i + 1) + ": " + r);
          assertEquals(Integer.toString(2 - i), r.header("X-RateLimit-Remaining"), user + " request " + (i + 1));
        }
        assertEquals(503, as(gw2, "/lcr-cluster", user).status(), user);
        assertEquals(503, as(gw1, "/lcr-cluster", user).status(), user);
      }
      long nodesWithKeys =
          cluster.nodes().stream().filter(n -> !n.cli("--scan", "--pattern", "plugin-limit-count:*").isBlank()).count();
      assertTrue(nodesWithKeys >= 2, "counters spread over the cluster, found on " + nodesWithKeys + " node(s)");
    }
  }
}
