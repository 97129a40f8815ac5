package plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import lib.Http;
import org.apigw.testing.Deadline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * limit-req through the real gateway. Rates are low (one request per 2 or 10 s) so that "sent
 * right after" holds on a loaded machine; each waiting-for-the-route request uses its own {@code
 * X-User}, so it fills no bucket the test then checks. Delays are checked only from below.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LimitReqIT extends PluginITBase {

  private static int probes;

  static Http.Response as(String path, String user) {
    return gw.proxy(path).header("X-User", user).get();
  }

  static void awaitRoute(String path) {
    Deadline.untilPasses(CONVERGE, () -> {
      Http.Response r = as(path, "probe-" + probes++);
      assertEquals("on", r.header("X-Probe"), r.toString());
      return r;
    });
  }

  static String plugins(String limitReq) {
    return "{\"limit-req\":" + limitReq + ",\"response-rewrite\":{\"headers\":{\"set\":{\"X-Probe\":\"on\"}}}}";
  }

  @Test
  void aboveRate_withoutBurst_isRejected_withCodeAndMessage() {
    route("lr-reject", "/lr-reject",
        plugins("{\"rate\":0.1,\"burst\":0,\"key\":\"http_x_user\",\"rejected_code\":429,\"rejected_msg\":\"too fast\"}"));
    awaitRoute("/lr-reject");
    assertEquals(200, as("/lr-reject", "alice").status());
    Http.Response refused = as("/lr-reject", "alice");
    assertEquals(429, refused.status(), refused.toString());
    assertEquals("{\"error_msg\":\"too fast\"}", refused.body());
    assertEquals(200, as("/lr-reject", "bob").status(), "another key has its own bucket");
  }

  @Test
  void withinBurst_isDelayed_onATimer_thatBlocksNoOtherRequest() {
    route("lr-delay", "/lr-delay", plugins("{\"rate\":0.5,\"burst\":1,\"key\":\"http_x_user\"}"));
    route("lr-other", "/lr-other", "{}");
    awaitRoute("/lr-delay");
    eventually(() -> gw.get("/lr-other"), 200);

    long start = System.nanoTime();
    assertEquals(200, as("/lr-delay", "carol").status());
    // the bucket now holds 1 - 0.5 * gap: this one waits (1 - 0.5 gap) / 0.5 = 2 s - gap,
    // so it ends at least 2 s after the first one arrived
    CompletableFuture<Http.Response> delayed = CompletableFuture.supplyAsync(() -> as("/lr-delay", "carol"));
    Http.Response other = gw.get("/lr-other");
    long otherDone = System.nanoTime();
    Http.Response second = delayed.join();
    long secondDone = System.nanoTime();
    assertEquals(200, other.status());
    assertEquals(200, second.status(), second.toString());
    long secondMs = (secondDone - start) / 1_000_000;
    assertTrue(secondMs >= 1900, "the burst request was delayed only " + secondMs + " ms");
    assertTrue(otherDone < secondDone, "a request on another route waited for the delayed one");
  }

  @Test
  void nodelay_letsTheBurstThroughAtOnce_thenRejects() {
    route("lr-nodelay", "/lr-nodelay", plugins("{\"rate\":0.1,\"burst\":1,\"nodelay\":true,\"key\":\"http_x_user\"}"));
    awaitRoute("/lr-nodelay");
    assertEquals(200, as("/lr-nodelay", "dave").status());
    long start = System.nanoTime();
    assertEquals(200, as("/lr-nodelay", "dave").status());
    long ms = (System.nanoTime() - start) / 1_000_000;
    // without nodelay it would wait about 10 s
    assertTrue(ms < 5000, "nodelay request took " + ms + " ms");
    assertEquals(503, as("/lr-nodelay", "dave").status(), "beyond rate + burst");
  }

  @Test
  void varCombinationKey_missingVariables_fallBackToTheClientAddress() {
    route("lr-combo", "/lr-combo", plugins("{\"rate\":0.1,\"burst\":0,\"key_type\":\"var_combination\",\"key\":\"$http_x_a $http_x_b\"}"));
    // every request lacks X-A and X-B: they all share the client address's bucket
    eventually(() -> gw.get("/lr-combo"), 503);
    assertEquals(200, gw.proxy("/lr-combo").header("X-A", "1").get().status(), "a resolved key has its own bucket");
  }

  @Test
  void schemaErrors_nameTheField() {
    String prefix = "failed to check the configuration of plugin limit-req err: ";
    assertAdminError("/routes/lr-bad", "{\"uri\":\"/b\",\"plugins\":{\"limit-req\":{\"rate\":1,\"burst\":0}}," + upstream() + "}",
        prefix + "property \"key\" is required");
    assertAdminError("/routes/lr-bad",
        "{\"uri\":\"/b\",\"plugins\":{\"limit-req\":{\"rate\":0,\"burst\":0,\"key\":\"remote_addr\"}}," + upstream() + "}",
        prefix + "property \"rate\" validation failed: expected 0 to be greater than 0");
    assertAdminError("/routes/lr-bad",
        "{\"uri\":\"/b\",\"plugins\":{\"limit-req\":{\"rate\":1,\"burst\":-1,\"key\":\"remote_addr\"}}," + upstream() + "}",
        prefix + "property \"burst\" validation failed: expected -1 to be at least 0");
    assertAdminError("/routes/lr-bad",
        "{\"uri\":\"/b\",\"plugins\":{\"limit-req\":{\"rate\":1,\"burst\":0,\"key\":\"remote_addr\",\"policy\":\"redis\"}}," + upstream() + "}",
        prefix + "property \"redis_host\" is required");
  }
}
