package plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import lib.Http;
import org.apigw.testing.FreePorts;
import org.apigw.testing.RedisCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * limit-req's redis and redis-cluster policies: two gateways fill ONE leaky bucket per key. Rates
 * are low (one request per 2 or 10 s) so "sent right after" holds on a loaded machine; delays
 * are only checked from below.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LimitReqRedisIT extends RedisITBase {

  static String conf(String rateBurst, int port, String extra) {
    return "{" + rateBurst + "," + redisFields(port) + extra + "}";
  }

  @Test
  void twoGateways_oneBucket() {
    route("lrr-shared", "limit-req", conf("\"rate\":0.1,\"burst\":0,\"rejected_code\":429", redis.port(), ""));
    awaitBoth("/lrr-shared", 200);
    assertEquals(200, as(gw1, "/lrr-shared", "alice").status());
    Http.Response refused = as(gw2, "/lrr-shared", "alice");
    assertEquals(429, refused.status(), "the other gateway's request filled the bucket: " + refused);
    assertEquals(200, as(gw2, "/lrr-shared", "bob").status(), "another key has its own bucket");
    String keys = redis.cli("--scan", "--pattern", "plugin-limit-req:routes/lrr-shared:*:alice");
    assertEquals(1, keys.lines().count(), "one bucket in redis for alice: " + keys);
    assertTrue(Long.parseLong(redis.cli("pttl", keys.strip()).strip()) > 0, "the bucket expires once drained");
  }

  @Test
  void burstOnTheOtherGateway_isDelayed() {
    route("lrr-delay", "limit-req", conf("\"rate\":0.5,\"burst\":1", redis.port(), ""));
    awaitBoth("/lrr-delay", 200);
    long start = System.nanoTime();
    assertEquals(200, as(gw1, "/lrr-delay", "carol").status());
    Http.Response second = as(gw2, "/lrr-delay", "carol");
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertEquals(200, second.status(), second.toString());
    // excess 1 - 0.5 * gap waits (2 s - gap): the second ends at least 2 s after the first arrived
    assertTrue(ms >= 1900, "the burst request was delayed only " + ms + " ms");
  }

  @Test
  void redisUnreachable_500_orPassWithAllowDegradation() {
    int nothingThere = FreePorts.next();
    route("lrr-down", "limit-req", conf("\"rate\":1,\"burst\":0", nothingThere, ""));
    route("lrr-degrade", "limit-req", conf("\"rate\":1,\"burst\":0", nothingThere, ",\"allow_degradation\":true"));
    awaitBoth("/lrr-down", 500);
    awaitBoth("/lrr-degrade", 200);
  }

  @Test
  void redisCluster_twoGateways_oneBucketPerKey() {
    try (RedisCluster cluster = RedisCluster.start(3)) {
      String nodes = cluster.addresses().stream().map(a -> "\"" + a + "\"").collect(Collectors.joining(","));
      route("lrr-cluster", "limit-req", "{\"rate\":0.1,\"burst\":0,\"key\":\"http_x_user\",\"policy\":\"redis-cluster\","
          + "\"redis_cluster_name\":\"test\",\"redis_cluster_nodes\":[" + nodes + "]}");
      awaitBoth("/lrr-cluster", 200);
      for (String user : List.of("u1", "u2", "u3", "u4", "u5", "u6")) {
        assertEquals(200, as(gw1, "/lrr-cluster", user).status(), user);
        assertEquals(503, as(gw2, "/lrr-cluster", user).status(), user);
      }
      long nodesWithKeys =
          cluster.nodes().stream().filter(n -> !n.cli("--scan", "--pattern", "plugin-limit-req:*").isBlank()).count();
      assertTrue(nodesWithKeys >= 2, "buckets spread over the cluster, found on " + nodesWithKeys + " node(s)");
    }
  }
}
