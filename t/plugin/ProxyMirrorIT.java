package plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import lib.Bytes;
import lib.Http;
import lib.Upstream;
import org.apigw.testing.Deadline;
import org.apigw.testing.FreePorts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** proxy-mirror: a second echo server gets the same request; the client never depends on it. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProxyMirrorIT extends PluginITBase {

  static Upstream mirror;

  @BeforeAll
  static void startMirror() {
    mirror = Upstream.start("mirror");
  }

  @AfterAll
  static void stopMirror() {
    if (mirror != null) {
      mirror.close();
    }
  }

  private static String mirrorTo(String host, String extra) {
    return "{\"proxy-mirror\":{\"host\":\"" + host + "\"" + extra + "}}";
  }

  /** Waits for the mirror to have answered the request whose query carries {@code marker}. */
  private static ObjectNode mirrored(String marker) {
    return Deadline.untilPasses(CONVERGE, () -> {
      ObjectNode last = mirror.lastRequest();
      assertTrue(last != null && last.path("query").asText().contains(marker), "mirror got: " + last);
      return last;
    });
  }

  @Test
  void sameMethodUriHeadersAndBody_reachTheMirror() {
    route("m1", "/m1*", mirrorTo("http://" + mirror.node(), ""));
    eventually(() -> gw.get("/m1?warmup=1"), 200);
    Http.Response r = gw.proxy("/m1/a%20b?marker=m1&x=1").method("PATCH").header("X-Trace", "t-1").body("the body").send();
    assertEquals(200, r.status(), r.toString());
    assertEquals("up", r.json().path("server").asText(), "the client gets the real upstream's answer");
    ObjectNode seen = mirrored("marker=m1");
    assertEquals("PATCH", seen.path("method").asText());
    assertEquals("/m1/a%20b", seen.path("path").asText());
    assertEquals("marker=m1&x=1", seen.path("query").asText());
    assertEquals("the body", seen.path("body").asText());
    assertEquals("t-1", seen.path("headers").path("x-trace").asText());
    assertEquals(r.json().path("headers").path("host").asText(), seen.path("headers").path("host").asText(),
        "the mirror gets the Host the upstream got");
  }

  @Test
  void pathReplaceAndPrefix() {
    route("m2", "/m2", mirrorTo("http://" + mirror.node(), ",\"path\":\"/copy\""));
    route("m3", "/m3", mirrorTo("http://" + mirror.node(), ",\"path\":\"/copy\",\"path_concat_mode\":\"prefix\""));
    eventually(() -> gw.get("/m2?marker=m2"), 200);
    ObjectNode replaced = mirrored("marker=m2");
    assertEquals("/copy", replaced.path("path").asText());
    assertEquals("GET", replaced.path("method").asText());
    eventually(() -> gw.get("/m3?marker=m3"), 200);
    assertEquals("/copy/m3", mirrored("marker=m3").path("path").asText());
  }

  @Test
  void largeBody_streamedToBoth() {
    long size = 3_000_000;
    route("m4", "/m4", mirrorTo("http://" + mirror.node(), ""));
    eventually(() -> gw.get("/m4?warmup=1"), 200);
    Http.Response r = gw.proxy("/m4?marker=m4").method("POST").body(() -> Bytes.pattern(size)).send();
    assertEquals(200, r.status(), r.toString());
    String sha = Bytes.patternSha256(size);
    assertEquals(sha, r.json().path("body_sha256").asText());
    ObjectNode seen = mirrored("marker=m4");
    assertEquals(size, seen.path("body_length").asLong());
    assertEquals(sha, seen.path("body_sha256").asText());
  }

  @Test
  void mirrorDown_doesNotAffectTheClient() {
    int closedPort = FreePorts.next();
    route("m5", "/m5", mirrorTo("http://127.0.0.1:" + closedPort, ""));
    eventually(() -> gw.get("/m5"), 200);
    for (int i = 0; i < 5; i++) {
      Http.Response r = gw.proxy("/m5?i=" + i).method("POST").body("payload " + i).send();
      assertEquals(200, r.status(), r.toString());
      assertEquals("payload " + i, r.json().path("body").asText());
    }
  }

  @Test
  void mirrorThatNeverReads_isGivenUp_whileTheClientGetsItsAnswer() throws IOException {
    List<Socket> held = new CopyOnWriteArrayList<>();
    try (ServerSocket stalled = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread acceptor = new Thread(() -> {
        try {
          while (true) {
            held.add(stalled.accept()); // accept, then never read nor answer
          }
        } catch (IOException e) {
          // closed at the end of the test
        }
      }, "stalled-mirror");
      acceptor.setDaemon(true);
      acceptor.start();
      long size = 32L * 1024 * 1024; // far beyond what socket buffers and the 1 MiB allowance absorb
      route("m6", "/m6", mirrorTo("http://127.0.0.1:" + stalled.getLocalPort(), ""));
      eventually(() -> gw.get("/m6?warmup=1"), 200);
      Http.Response r = gw.proxy("/m6").method("PUT").body(() -> Bytes.pattern(size)).timeout(Duration.ofSeconds(60)).send();
      assertEquals(200, r.status(), r.toString());
      assertEquals(Bytes.patternSha256(size), r.json().path("body_sha256").asText());
      Deadline.await(CONVERGE, "the gateway to log that it gave the mirror up",
          () -> gw.log().contains("fell more than 1048576 bytes behind"));
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
  }

  @Test
  void schemaErrors() {
    assertAdminError("/routes/bad", "{\"uri\":\"/b\",\"plugins\":" + mirrorTo("http://127.0.0.1:1980/path", "") + "," + upstream() + "}",
        "failed to check the configuration of plugin proxy-mirror err: property \"host\" validation failed: failed to match pattern "
            + "\"^(http(s)?|grpc(s)?):\\/\\/([\\da-zA-Z.-]+|\\[[\\da-fA-F:]+\\])(:\\d+)?$\" with \"http://127.0.0.1:1980/path\"");
    assertAdminError("/routes/bad", "{\"uri\":\"/b\",\"plugins\":" + mirrorTo("http://127.0.0.1:70000", "") + "," + upstream() + "}",
        "failed to check the configuration of plugin proxy-mirror err: property \"host\" has an invalid port: 70000");
    assertAdminError("/routes/bad", "{\"uri\":\"/b\",\"plugins\":{\"proxy-mirror\":{}}," + upstream() + "}",
        "failed to check the configuration of plugin proxy-mirror err: property \"host\" is required");
    Http.Response r = gw.admin("PUT", "/routes/bad",
        "{\"uri\":\"/b\",\"plugins\":" + mirrorTo("http://h", ",\"sample_ratio\":0") + "," + upstream() + "}");
    assertEquals(400, r.status(), r.toString());
    assertTrue(r.json().path("error_msg").asText().contains("\"sample_ratio\""), r.toString());
  }
}
