package node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import lib.Converge;
import lib.GatewayProcess;
import lib.Http;
import lib.Json;
import lib.S3Proxy;
import lib.Upstream;
import org.apigw.testing.Deadline;
import org.apigw.testing.EtcdExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code deployment.fallback_cp} end to end, against a real etcd and a real S3-compatible server
 * (s3proxy as its own process): a control plane dumps the config to a bucket; with etcd down, a
 * data plane that has no local snapshot starts from that copy, serves every route, says so on
 * /v1/config, and follows etcd once it is back. A damaged copy is refused with a message naming
 * every source that failed.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FallbackIT {

  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  static Upstream u1;
  static Upstream u2;
  static S3Proxy s3;

  @BeforeAll
  static void start() {
    u1 = Upstream.start("u1");
    u2 = Upstream.start("u2");
    s3 = S3Proxy.start();
  }

  @AfterAll
  static void stop() {
    s3.close();
    u1.close();
    u2.close();
  }

  @AfterEach
  void etcdBack() {
    if (!ETCD.etcd().isAlive()) {
      ETCD.etcd().restart();
    }
  }

  static String route(String uri, Upstream u) {
    return "{\"uri\":\"" + uri + "\",\"upstream\":{\"type\":\"roundrobin\",\"nodes\":{\"" + u.node() + "\":1}}}";
  }

  static GatewayProcess.Builder controlPlane(String bucket) {
    return GatewayProcess.builder().etcd(ETCD.etcd().endpoint())
        .set("deployment.role", "control_plane")
        .yaml(s3.fallbackYaml(bucket, "@every 1s"));
  }

  static GatewayProcess.Builder dataPlane(String bucket) {
    return GatewayProcess.builder().etcd(ETCD.etcd().endpoint())
        .set("deployment.role", "data_plane")
        .set("deployment.etcd.startup_timeout", 1)
        .yaml(s3.fallbackYaml(bucket, "@every 1s"));
  }

  static JsonNode pointer(String bucket) {
    return Json.parse(new String(s3.get(bucket, "apisix/latest.json"), StandardCharsets.UTF_8));
  }

  /** Waits until the bucket's pointer names a copy at {@code revision} (or later). */
  static JsonNode awaitDump(String bucket, long revision) {
    return Deadline.untilPasses(Duration.ofSeconds(20), () -> {
      JsonNode p = pointer(bucket);
      assertTrue(p.path("revision").asLong() >= revision, "pointer at " + revision + ": " + p);
      return p;
    });
  }

  static long metric(GatewayProcess gw, String name) {
    String text = Http.to("http://127.0.0.1:" + gw.controlPort(), "/apisix/prometheus/metrics").get().body();
    for (String line : text.split("\n")) {
      if (line.startsWith(name + " ")) {
        return (long) Double.parseDouble(line.substring(name.length() + 1).trim());
      }
    }
    throw new AssertionError(name + " not in\n" + text);
  }

  @Test
  void controlPlaneDumps_thenWithEtcdDown_aDataPlaneStartsFromTheCopy_andFollowsEtcdWhenItReturns() {
    String bucket = "gw-config";
    s3.createBucket(bucket);
    long revision;
    try (GatewayProcess cp = controlPlane(bucket).build().start()) {
      for (int i = 1; i <= 3; i++) {
        cp.put("/routes/f" + i, route("/fb/" + i, u1));
      }
      cp.put("/upstreams/fu", "{\"type\":\"roundrobin\",\"nodes\":{\"" + u2.node() + "\":1}}");
      cp.put("/services/fs", "{\"upstream_id\":\"fu\"}");
      cp.put("/routes/f4", "{\"uri\":\"/fb/4\",\"upstream_id\":\"fu\"}");
      cp.put("/routes/f5", "{\"uri\":\"/fb/5\",\"service_id\":\"fs\"}");
      revision = ETCD.etcd().revision();
      JsonNode p = awaitDump(bucket, revision);
      System.out.println("[FallbackIT] etcd at revision " + revision + ", pointer " + p);
      assertEquals(revision, p.path("revision").asLong(), p.toString());
      assertTrue(p.path("object").asText().startsWith("apisix/config-" + revision + "-"), p.toString());
      assertTrue(p.path("entry_count").asLong() >= 7, "routes, upstream, service: " + p);

      // nothing changes in etcd: the next dumps are skipped, not uploaded again. (The counters
      // move once the upload has finished, old copies pruned, a moment after the pointer.)
      long dumped = revision;
      Deadline.await(Duration.ofSeconds(10), "the dump counted",
          () -> metric(cp, "apisix_fallback_cp_revision") == dumped);
      long uploads = metric(cp, "apisix_fallback_cp_uploads_total");
      long skipped = metric(cp, "apisix_fallback_cp_unchanged_total");
      Deadline.await(Duration.ofSeconds(10), "two skipped dumps",
          () -> metric(cp, "apisix_fallback_cp_unchanged_total") >= skipped + 2);
      assertEquals(uploads, metric(cp, "apisix_fallback_cp_uploads_total"), "no upload without a change");
      assertEquals(0, metric(cp, "apisix_fallback_cp_upload_failures_total"));
      assertEquals(p, pointer(bucket), "the pointer did not move");
      assertTrue(cp.log().contains("dumped config at revision " + revision), cp.log());
      List<String> objects = s3.keys(bucket, "apisix/config-");
      assertTrue(objects.contains(p.path("object").asText()) && objects.size() <= 3, objects.toString());
      cp.stop();
    }

    ETCD.etcd().kill9();
    try (GatewayProcess dp = dataPlane(bucket).build()) {
      assertFalse(java.nio.file.Files.exists(dp.prefix().resolve("logs/config-snapshot.json")), "no snapshot");
      long t0 = System.nanoTime();
      dp.start();
      System.out.println("[FallbackIT] data plane start with etcd down, from the fallback: "
          + (System.nanoTime() - t0) / 1_000_000 + " ms");
      for (int i = 1; i <= 3; i++) {
        dp.awaitServedBy("/fb/" + i, "u1", Duration.ofSeconds(5));
      }
      dp.awaitServedBy("/fb/4", "u2", Duration.ofSeconds(5));
      dp.awaitServedBy("/fb/5", "u2", Duration.ofSeconds(5));
      assertEquals(404, dp.get("/fb/none").status());
      JsonNode state = dp.configState();
      assertEquals("fallback", state.path("source").asText(), state.toString());
      assertEquals(revision, state.path("revision").asLong(), state.toString());
      assertEquals(false, state.path("etcd").path("reachable").asBoolean(), state.toString());
      assertEquals(5, state.path("counts").path("routes").asInt(), state.toString());
      assertTrue(dp.log().contains("serving the fallback config"), dp.log());

      ETCD.etcd().restart();
      ETCD.etcd().etcdctl("put", "/apisix/routes/f1",
          route("/fb/1", u2).replace("{\"uri\"", "{\"id\":\"f1\",\"uri\""));
      dp.awaitServedBy("/fb/1", "u2", Duration.ofSeconds(30));
      JsonNode after = Deadline.untilPasses(Duration.ofSeconds(10), () -> {
        JsonNode s = dp.configState();
        assertEquals("etcd", s.path("source").asText(), s.toString());
        assertEquals(true, s.path("etcd").path("reachable").asBoolean(), s.toString());
        return s;
      });
      assertTrue(after.path("revision").asLong() > revision, after.toString());
      Converge.routes(dp, ETCD.etcd(), Duration.ofSeconds(10));
    }
  }

  @Test
  void damagedCopy_orNoCopy_refusesToStart_namingEverySourceThatFailed() {
    String bucket = "gw-damaged";
    s3.createBucket(bucket);
    try (GatewayProcess cp = controlPlane(bucket).build().start()) {
      cp.put("/routes/d1", route("/dmg/1", u1));
      awaitDump(bucket, ETCD.etcd().revision());
      cp.stop();
    }
    String object = pointer(bucket).path("object").asText();
    String text = new String(s3.get(bucket, object), StandardCharsets.UTF_8);
    assertTrue(text.contains("/dmg/1"), text);
    s3.put(bucket, object, text.replace("/dmg/1", "/dmg/X").getBytes(StandardCharsets.UTF_8));

    ETCD.etcd().kill9();
    try (GatewayProcess dp = dataPlane(bucket).build()) {
      GatewayProcess.CliResult r = GatewayProcess.cli("start", "-c", dp.configFile().toString(), "-p", dp.prefix().toString());
      assertTrue(r.exit() != 0, "must not serve a damaged copy: " + r);
      String out = r.output();
      assertTrue(out.contains("etcd [" + ETCD.etcd().endpoint() + "] did not answer"), out);
      assertTrue(out.contains("no usable config snapshot"), out);
      assertTrue(out.contains("no usable fallback config in object storage: s3://" + bucket + "/" + object
          + ": checksum mismatch"), out);
      assertTrue(out.contains("refusing to start"), out);
      assertFalse(dp.isRunning(), "no process left behind");
    }

    s3.createBucket("gw-empty");
    try (GatewayProcess dp = dataPlane("gw-empty").build()) {
      GatewayProcess.CliResult r = GatewayProcess.cli("start", "-c", dp.configFile().toString(), "-p", dp.prefix().toString());
      assertTrue(r.exit() != 0, r.toString());
      assertTrue(r.output().contains("s3://gw-empty/apisix/latest.json: no such object"), r.toString());
    }
  }
}
