package plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import lib.Http;
import org.apigw.testing.Deadline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * limit-conn through the real gateway. A request is held "in flight" by asking the echo upstream
 * to answer late ({@code delay_ms}); the test knows it is in flight once the upstream has seen
 * it. Counting out happens in the log phase, when the response ended or the client went away.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LimitConnIT extends PluginITBase {

  private static int probes;

  static Http.Response as(String path, String user) {
    return gw.proxy(path).header("X-User", user).timeout(Duration.ofSeconds(60)).get();
  }

  static void awaitRoute(String path) {
    Deadline.untilPasses(CONVERGE, () -> {
      Http.Response r = as(path, "probe-" + probes++);
      assertEquals("on", r.header("X-Probe"), r.toString());
      return r;
    });
  }

  static String plugins(String limitConn) {
    return "{\"limit-conn\":" + limitConn + ",\"response-rewrite\":{\"headers\":{\"set\":{\"X-Probe\":\"on\"}}}}";
  }

  /** Sends {@code path} as {@code user} in the background and returns once the upstream has it. */
  static CompletableFuture<Http.Response> inFlight(String path, String user) {
    int seen = up.hits();
    CompletableFuture<Http.Response> r = CompletableFuture.supplyAsync(() -> as(path, user));
    Deadline.await(CONVERGE, "the upstream to receive " + path, () -> up.hits() > seen || r.isDone());
    return r;
  }

  @Test
  void beyondConnPlusBurst_rejected_untilTheResponseEnds() {
    route("lcn-reject", "/lcn-reject",
        plugins("{\"conn\":1,\"burst\":0,\"default_conn_delay\":0.1,\"key\":\"http_x_user\",\"rejected_code\":429,\"rejected_msg\":\"busy\"}"));
    awaitRoute("/lcn-reject");
    CompletableFuture<Http.Response> slow = inFlight("/lcn-reject?delay_ms=3000", "alice");

    Http.Response refused = as("/lcn-reject", "alice");
    assertEquals(429, refused.status(), refused.toString());
    assertEquals("{\"error_msg\":\"busy\"}", refused.body());
    assertEquals(200, as("/lcn-reject", "bob").status(), "another key has its own count");

    assertEquals(200, slow.join().status());
    // counted out in the log phase once the slow response ended
    Deadline.untilPasses(CONVERGE, () -> {
      Http.Response r = as("/lcn-reject", "alice");
      assertEquals(200, r.status(), r.toString());
      return r;
    });
  }

  @Test
  void betweenConnAndBurst_delayed_beyondRejected() {
    route("lcn-burst", "/lcn-burst",
        plugins("{\"conn\":1,\"burst\":1,\"default_conn_delay\":1,\"only_use_default_delay\":true,\"key\":\"http_x_user\"}"));
    awaitRoute("/lcn-burst");
    CompletableFuture<Http.Response> first = inFlight("/lcn-burst?delay_ms=4000", "carol");

    long start = System.nanoTime();
    CompletableFuture<Http.Response> second = inFlight("/lcn-burst?delay_ms=4000", "carol");
    long reachedUpstreamMs = (System.nanoTime() - start) / 1_000_000;
    assertTrue(reachedUpstreamMs >= 950, "the 2nd request was delayed only " + reachedUpstreamMs + " ms, not 1 unit (1 s)");

    assertEquals(503, as("/lcn-burst", "carol").status(), "a 3rd in flight is beyond conn + burst");
    assertEquals(200, first.join().status());
    assertEquals(200, second.join().status());
  }

  @Test
  void clientGoingAway_countsTheRequestOut() throws IOException {
    route("lcn-away", "/lcn-away", plugins("{\"conn\":1,\"burst\":0,\"default_conn_delay\":0.1,\"key\":\"http_x_user\"}"));
    awaitRoute("/lcn-away");
    int seen = up.hits();
    try (Socket s = new Socket("127.0.0.1", gw.proxyPort())) {
      OutputStream out = s.getOutputStream();
      out.write(("GET /lcn-away?delay_ms=30000 HTTP/1.1\r\nHost: x\r\nX-User: dave\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Deadline.await(CONVERGE, "the upstream to receive the request", () -> up.hits() > seen);
      assertEquals(503, as("/lcn-away", "dave").status(), "the abandoned request is still in flight");
    }
    // the client closed its connection long before the upstream's 30 s: the log phase ran anyway
    Deadline.untilPasses(CONVERGE, () -> {
      Http.Response r = as("/lcn-away", "dave");
      assertEquals(200, r.status(), r.toString());
      return r;
    });
  }

  @Test
  void schemaErrors_nameTheField() {
    String prefix = "failed to check the configuration of plugin limit-conn err: ";
    assertAdminError("/routes/lcn-bad", "{\"uri\":\"/b\",\"plugins\":{\"limit-conn\":{\"conn\":1,\"burst\":0}}," + upstream() + "}",
        prefix + "property \"default_conn_delay\" is required");
    assertAdminError("/routes/lcn-bad",
        "{\"uri\":\"/b\",\"plugins\":{\"limit-conn\":{\"conn\":1.5,\"burst\":0,\"default_conn_delay\":1}}," + upstream() + "}",
        prefix + "property \"conn\" validation failed: wrong type: expected integer, got number");
    assertAdminError("/routes/lcn-bad",
        "{\"uri\":\"/b\",\"plugins\":{\"limit-conn\":{\"conn\":1,\"burst\":0,\"default_conn_delay\":1,\"policy\":\"redis-cluster\"}}," + upstream() + "}",
        prefix + "value wasn't supposed to match schema: policy redis and redis-cluster are not supported by limit-conn in this gateway: use local");
  }
}
