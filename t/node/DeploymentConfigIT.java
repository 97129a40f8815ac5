package node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lib.GatewayProcess;
import lib.Http;
import org.apigw.testing.EtcdExtension;
import org.apigw.testing.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** deployment.* settings that change how a node comes up (spec §2, §6). One gateway per test. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DeploymentConfigIT {

  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();

  @Test
  void oneOfTwoEtcdEndpointsDown_stillStartsFromEtcd() {
    String dead = "http://127.0.0.1:" + FreePorts.next();
    try (GatewayProcess gw = GatewayProcess.builder().etcd(dead, ETCD.etcd().endpoint()).build().start()) {
      assertEquals("etcd", gw.configState().path("source").asText(), gw.configState().toString());
      gw.put("/routes/two-endpoints", "{\"uri\":\"/two\",\"upstream\":{\"nodes\":{\"127.0.0.1:1980\":1}}}");
    }
  }

  @Test
  void emptyAdminKey_isGeneratedAtStart_writtenBackToConfigYaml_andWorks() throws Exception {
    try (GatewayProcess gw =
        GatewayProcess.builder().etcd(ETCD.etcd().endpoint()).adminKey("admin", "", "admin").build().start()) {
      String yaml = Files.readString(gw.configFile());
      Matcher m = Pattern.compile("key: \"?([A-Za-z]{32})\"?").matcher(yaml);
      assertTrue(m.find(), "a 32-letter key written back into config.yaml:\n" + yaml);
      String key = m.group(1);
      assertEquals(200, gw.adminReq("/routes").header("X-API-KEY", key).get().status());
      assertEquals(401, gw.adminReq("/routes").header("X-API-KEY", "").get().status());
    }
  }

  @Test
  void allowAdmin_refusesOtherClients_with403() {
    try (GatewayProcess gw =
        GatewayProcess.builder().etcd(ETCD.etcd().endpoint())
            .set("deployment.admin.allow_admin", List.of("10.0.0.0/8")).build().start()) {
      Http.Response r = gw.adminReq("/routes").header("X-API-KEY", GatewayProcess.ADMIN_KEY).get();
      assertEquals(403, r.status(), r.toString());
    }
  }

  @Test
  void enableControlFalse_noControlListener_proxyStillServes() {
    try (GatewayProcess gw =
        GatewayProcess.builder().etcd(ETCD.etcd().endpoint()).set("apisix.enable_control", false).build().start()) {
      assertEquals(404, gw.get("/anything").status());
      try {
        Http.Response r = Http.to("http://127.0.0.1:" + gw.controlPort(), "/v1/config").get();
        throw new AssertionError("control API answered although disabled: " + r);
      } catch (java.io.UncheckedIOException expected) {
        // connection refused
      }
    }
  }

  @Test
  void customEtcdPrefix_isWhereAdminWritesAndTheNodeReads() {
    try (GatewayProcess gw =
        GatewayProcess.builder().etcd(ETCD.etcd().endpoint()).etcdPrefix("/custom/prefix").build().start()) {
      var r = gw.put("/routes/cp", "{\"uri\":\"/cp\",\"upstream\":{\"nodes\":{\"127.0.0.1:1980\":1}}}");
      assertEquals("/custom/prefix/routes/cp", r.path("key").asText(), r.toString());
      String v = ETCD.etcd().etcdctl("get", "/custom/prefix/routes/cp", "--print-value-only").trim();
      assertTrue(v.contains("\"/cp\""), v);
      org.apigw.testing.Deadline.untilPasses(java.time.Duration.ofSeconds(10), () -> {
        assertEquals(Map.of("/custom/prefix/routes/cp", true),
            Map.of(gw.control("/v1/routes").get(0).path("key").asText(), true));
        return null;
      });
    }
  }
}
