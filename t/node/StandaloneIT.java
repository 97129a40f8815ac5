package node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import lib.GatewayProcess;
import lib.Http;
import lib.Upstream;
import org.apigw.testing.Deadline;
import org.apigw.testing.FreePorts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Standalone mode ({@code deployment.role: data_plane}, {@code config_provider: yaml}): the real
 * gateway serves {@code conf/apisix.yaml}, follows edits within about two seconds, ignores a
 * half-written file until its {@code #END}, keeps serving through a broken file, and never
 * talks to etcd (its endpoint here is a port nobody listens on).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StandaloneIT {

  static Upstream u1;
  static Upstream u2;

  @BeforeAll
  static void start() {
    u1 = Upstream.start("u1");
    u2 = Upstream.start("u2");
  }

  @AfterAll
  static void stop() {
    u1.close();
    u2.close();
  }

  static GatewayProcess.Builder standalone() {
    return GatewayProcess.builder()
        .etcd("http://127.0.0.1:" + FreePorts.next()) // nobody there: standalone must not care
        .set("deployment.role", "data_plane")
        .set("deployment.role_data_plane.config_provider", "yaml");
  }

  static String route(String id, String uri, String node) {
    return "  - id: " + id + "\n    uri: " + uri + "\n    upstream:\n      type: roundrobin\n      nodes:\n        \""
        + node + "\": 1\n";
  }

  static Path apisixYaml(GatewayProcess gw) {
    return gw.configFile().resolveSibling("apisix.yaml");
  }

  static void write(GatewayProcess gw, String text) throws IOException {
    Files.writeString(apisixYaml(gw), text);
  }

  @Test
  void servesTheFile_followsEdits_ignoresHalfWrittenAndBrokenFiles() throws IOException {
    try (GatewayProcess gw = standalone().build()) {
      // ${{VAR:=default}} is substituted from the gateway's environment, default here
      write(gw, "routes:\n" + route("1", "/sa/one", "${{APIGW_IT_NOT_SET_NODE:=" + u1.node() + "}}") + "#END\n");
      gw.start();
      gw.awaitServedBy("/sa/one", "u1", Duration.ofSeconds(5));
      assertEquals(404, gw.get("/sa/two").status());

      JsonNode state = gw.configState();
      assertEquals("yaml", state.path("source").asText(), state.toString());
      assertEquals(1, state.path("revision").asLong(), state.toString());
      assertEquals(apisixYaml(gw).toRealPath().toString(), Path.of(state.path("yaml").path("path").asText()).toRealPath().toString());
      assertFalse(state.has("etcd"), "no etcd link in standalone mode: " + state);
      assertFalse(state.has("snapshot"), "no snapshot mirror in standalone mode: " + state);
      assertTrue(state.path("age_seconds").asLong() <= 2, "an unchanged file is confirmed every second: " + state);
      assertFalse(listening(gw.adminPort()), "no Admin API in data_plane mode");

      // an edit is served within about two seconds (1 s poll)
      write(gw, "routes:\n" + route("1", "/sa/one", u2.node()) + route("2", "/sa/two", u1.node()) + "#END\n");
      long t0 = System.nanoTime();
      gw.awaitServedBy("/sa/one", "u2", Duration.ofSeconds(4));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      System.out.println("[StandaloneIT] apisix.yaml edit → served after " + ms + " ms");
      assertTrue(ms <= 2_500, "edit served after " + ms + " ms");
      gw.awaitServedBy("/sa/two", "u1", Duration.ofSeconds(1));
      assertEquals(2, gw.configState().path("revision").asLong());

      // half-written: no #END yet → ignored, the running config keeps serving
      String next = "routes:\n" + route("1", "/sa/one", u1.node()) + route("3", "/sa/three", u2.node());
      write(gw, next);
      Deadline.untilPasses(Duration.ofSeconds(5), () -> {
        JsonNode s = gw.configState();
        assertTrue(s.path("yaml").path("problem").asText().contains("#END"), s.toString());
        return s;
      });
      assertEquals("u2", gw.get("/sa/one").header("X-Upstream-Name"), "half-written file not applied");
      assertEquals(404, gw.get("/sa/three").status());
      assertEquals(2, gw.configState().path("revision").asLong());
      // ... and applied once complete
      Files.writeString(apisixYaml(gw), "#END\n", StandardOpenOption.APPEND);
      gw.awaitServedBy("/sa/one", "u1", Duration.ofSeconds(4));
      gw.awaitServedBy("/sa/three", "u2", Duration.ofSeconds(1));
      assertEquals(3, gw.configState().path("revision").asLong());

      // broken file (complete but unparsable): refused whole, logged naming file and reason
      write(gw, "routes:\n" + route("1", "/sa/one", u2.node()) + "  - id: 9\n    uri: [/sa/nine\n#END\n");
      JsonNode refused =
          Deadline.untilPasses(Duration.ofSeconds(5), () -> {
            JsonNode s = gw.configState();
            assertEquals(1, s.path("yaml").path("refused").asLong(), s.toString());
            return s;
          });
      assertTrue(refused.path("yaml").path("problem").asText().startsWith("refused: "), refused.toString());
      assertEquals("u1", gw.get("/sa/one").header("X-Upstream-Name"), "the running config keeps serving");
      assertEquals(3, refused.path("revision").asLong());
      Deadline.await(Duration.ofSeconds(5), "the refusal in error.log", () -> gw.log().contains("apisix.yaml refused: "));

      // duplicate ids: refused whole as well
      write(gw, "routes:\n" + route("1", "/sa/one", u2.node()) + route("1", "/sa/dup", u2.node()) + "#END\n");
      Deadline.untilPasses(Duration.ofSeconds(5), () -> {
        JsonNode s = gw.configState();
        assertTrue(s.path("yaml").path("problem").asText().contains("found duplicate id 1 in routes"), s.toString());
        return s;
      });
      assertEquals("u1", gw.get("/sa/one").header("X-Upstream-Name"));

      // an invalid item is rejected alone; the rest of the file loads
      write(gw, "routes:\n" + route("1", "/sa/one", u2.node()) + "  - id: bad\n    uri: 42\n#END\n");
      gw.awaitServedBy("/sa/one", "u2", Duration.ofSeconds(4));
      JsonNode after = gw.configState();
      assertEquals("/apisix/routes/bad", after.path("rejected").path(0).path("key").asText(), after.toString());
      assertEquals(1, after.path("rejected_total").path("routes").asLong(), after.toString());
      assertEquals("", after.path("yaml").path("problem").asText(), after.toString());
      assertEquals(404, gw.get("/sa/three").status(), "a route gone from the file is gone");

      String metrics = Http.to("http://127.0.0.1:" + gw.controlPort(), "/apisix/prometheus/metrics").get().body();
      assertTrue(metrics.contains("apisix_config_source{source=\"yaml\",} 1.0"), metrics);
      assertTrue(metrics.contains("apisix_config_yaml_refused_total 2.0"), metrics);
      assertTrue(metrics.contains("apisix_config_age_seconds "), metrics);
      assertFalse(metrics.contains("apisix_etcd_reachable"), metrics);

      assertFalse(gw.log().contains("etcd"), "standalone mode never mentions etcd:\n" + gw.log());
    }
  }

  @Test
  void consumersCredentialsAndGroups_fromTheFile() throws IOException {
    try (GatewayProcess gw = standalone().build()) {
      write(
          gw,
          "routes:\n"
              + "  - id: auth\n    uri: /sa/auth\n    plugins:\n      key-auth: {}\n"
              + "    upstream:\n      nodes:\n        \"" + u1.node() + "\": 1\n"
              + "consumer_groups:\n"
              + "  - id: gold\n    plugins:\n      proxy-rewrite:\n        headers:\n          set:\n            X-Tier: gold\n"
              + "consumers:\n"
              + "  - username: john\n    group_id: gold\n"
              + "  - id: john/credentials/cred1\n    plugins:\n      key-auth:\n        key: john-key\n"
              + "#END\n");
      gw.start();
      Http.Response r =
          Deadline.untilPasses(Duration.ofSeconds(5), () -> {
            Http.Response got = gw.proxy("/sa/auth").header("apikey", "john-key").send();
            assertEquals(200, got.status(), got.toString());
            return got;
          });
      assertEquals("john", r.json().path("headers").path("x-consumer-username").asText());
      assertEquals("cred1", r.json().path("headers").path("x-credential-identifier").asText());
      assertEquals("gold", r.json().path("headers").path("x-tier").asText());
      assertEquals(401, gw.get("/sa/auth").status());
    }
  }

  @Test
  void withoutAUsableApisixYaml_refusesToStart_namingTheFile() throws IOException {
    try (GatewayProcess gw = standalone().build()) {
      GatewayProcess.CliResult r =
          GatewayProcess.cli("start", "-c", gw.configFile().toString(), "-p", gw.prefix().toString());
      assertNotEquals(0, r.exit(), r.toString());
      assertTrue(r.output().contains("apisix.yaml") && r.output().contains("missing"), r.toString());
      assertFalse(gw.isRunning());

      write(gw, "routes:\n" + route("1", "/sa/one", u1.node()));
      r = GatewayProcess.cli("start", "-c", gw.configFile().toString(), "-p", gw.prefix().toString());
      assertNotEquals(0, r.exit(), r.toString());
      assertTrue(r.output().contains("#END"), r.toString());
      assertFalse(gw.isRunning());
    }
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 300);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
