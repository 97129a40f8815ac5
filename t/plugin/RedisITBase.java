package plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import lib.GatewayProcess;
import lib.Http;
import lib.Upstream;
import org.apigw.testing.Deadline;
import org.apigw.testing.EtcdExtension;
import org.apigw.testing.RedisProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two gateway processes on one etcd, one real Redis and one echo upstream: for the limit
 * plugins' redis policies, whose point is that several gateways share one state. Requests are
 * keyed by {@code X-User} so the requests that wait for a route to arrive on both gateways (each
 * with its own user) leave the state under test alone.
 */
abstract class RedisITBase {

  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  static final Duration CONVERGE = Duration.ofSeconds(10);
  static GatewayProcess gw1;
  static GatewayProcess gw2;
  static Upstream up;
  static RedisProcess redis;
  private static int probes;

  @BeforeAll
  static void start() {
    redis = RedisProcess.start();
    up = Upstream.start("up");
    // each builder picks its own free proxy, admin and control ports
    gw1 = GatewayProcess.builder().etcd(ETCD.etcd().endpoint()).build().start();
    gw2 = GatewayProcess.builder().etcd(ETCD.etcd().endpoint()).build().start();
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {gw1, gw2, up, redis}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // keep closing the others
      }
    }
  }

  /** PUTs route {@code id} on {@code /<id>} with one plugin conf and the echo upstream. */
  static void route(String id, String plugin, String conf) {
    gw1.put("/routes/" + id, "{\"uri\":\"/" + id + "\",\"plugins\":{\"" + plugin + "\":" + conf + "},"
        + "\"upstream\":{\"type\":\"roundrobin\",\"nodes\":{\"" + up.node() + "\":1}}}");
  }

  static Http.Response as(GatewayProcess gw, String path, String user) {
    return gw.proxy(path).header("X-User", user).get();
  }

  /** Waits until both gateways answer {@code path} with {@code status}, each try as a new user. */
  static void awaitBoth(String path, int status) {
    for (GatewayProcess gw : List.of(gw1, gw2)) {
      Deadline.untilPasses(CONVERGE, () -> {
        Http.Response r = as(gw, path, "probe-" + probes++);
        assertEquals(status, r.status(), r.toString());
        return r;
      });
    }
  }

  /** The {@code policy: redis} fields for a server on {@code port}, keyed by {@code X-User}. */
  static String redisFields(int port) {
    return "\"key\":\"http_x_user\",\"policy\":\"redis\",\"redis_host\":\"127.0.0.1\",\"redis_port\":" + port
        + ",\"redis_timeout\":1000";
  }
}
