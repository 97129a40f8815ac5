package plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import lib.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FaultInjectionIT extends PluginITBase {

  @Test
  void abortWithVars() {
    route("fa", "/fa", "{\"fault-injection\":{\"abort\":{\"http_status\":418,\"body\":\"hello $arg_name\","
        + "\"headers\":{\"X-Fault\":\"yes\"},\"vars\":[[[\"arg_name\",\"==\",\"jack\"]]]}}}");
    eventually(() -> gw.get("/fa?name=bob"), 200);
    Http.Response r = gw.get("/fa?name=jack");
    assertEquals(418, r.status());
    assertEquals("hello jack", r.body());
    assertEquals("yes", r.header("X-Fault"));
  }

  @Test
  void delayThenProxy_otherRequestsNotBlocked() {
    route("fd", "/fd", "{\"fault-injection\":{\"delay\":{\"duration\":1}}}");
    route("fast", "/fast", "{}");
    eventually(() -> gw.get("/fast"), 200);
    eventually(() -> gw.get("/fd"), 200);
    long start = System.nanoTime();
    var slow = java.util.concurrent.CompletableFuture.supplyAsync(() -> gw.get("/fd"));
    Http.Response fast = gw.get("/fast");
    long fastMs = (System.nanoTime() - start) / 1_000_000;
    assertEquals(200, fast.status());
    assertEquals(200, slow.join().status());
    long slowMs = (System.nanoTime() - start) / 1_000_000;
    assertTrue(slowMs >= 1000, "delayed only " + slowMs + " ms");
    assertTrue(fastMs < 900, "an unrelated request waited " + fastMs + " ms");
  }

  @Test
  void schemaError() {
    assertAdminError("/routes/bad", "{\"uri\":\"/b\",\"plugins\":{\"fault-injection\":{\"abort\":{\"http_status\":100}}}," + upstream() + "}",
        "failed to check the configuration of plugin fault-injection err: property \"abort\" validation failed: property \"http_status\" validation failed: expected 100 to be at least 200");
  }
}
