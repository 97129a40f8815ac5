package plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.function.Supplier;
import lib.GatewayProcess;
import lib.Http;
import lib.Upstream;
import org.apigw.testing.Deadline;
import org.apigw.testing.EtcdExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One etcd, one gateway (default plugins list) and one echo upstream per plugin suite. */
abstract class PluginITBase {

  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  static GatewayProcess gw;
  static Upstream up;
  static final Duration CONVERGE = Duration.ofSeconds(10);

  @BeforeAll
  static void start(org.junit.jupiter.api.TestInfo info) throws ClassNotFoundException {
    Class<?> suite = info.getTestClass().orElseThrow();
    Class.forName(suite.getName(), true, suite.getClassLoader()); // runs the suite's static config
    up = Upstream.start("up");
    gw = GatewayProcess.builder().etcd(ETCD.etcd().endpoint()).yaml(extraConfig).build().start();
  }

  /** YAML merged into the gateway's config.yaml (set in a subclass's static initialiser). */
  static String extraConfig = "{}";

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
    if (up != null) {
      up.close();
    }
  }

  static String upstream() {
    return "\"upstream\":{\"type\":\"roundrobin\",\"nodes\":{\"" + up.node() + "\":1}}";
  }

  /** PUTs route {@code id} on {@code uri} with {@code plugins} (a JSON object) and the echo upstream. */
  static void route(String id, String uri, String plugins) {
    gw.put("/routes/" + id, "{\"uri\":\"" + uri + "\",\"plugins\":" + plugins + "," + upstream() + "}");
  }

  /** Sends until {@code check} passes (the route may not have arrived yet). */
  static Http.Response eventually(Supplier<Http.Response> send, int status) {
    try {
      return Deadline.untilPasses(CONVERGE, () -> {
        Http.Response r = send.get();
        assertEquals(status, r.status(), r.toString());
        return r;
      });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n--- gateway error.log ---\n" + gw.log(), e);
    }
  }

  static void assertAdminError(String path, String body, String errorMsg) {
    Http.Response r = gw.admin("PUT", path, body);
    assertEquals(400, r.status(), r.toString());
    assertEquals(errorMsg, r.json().path("error_msg").asText(), r.toString());
  }
}
