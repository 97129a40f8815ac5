package node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import lib.GatewayProcess;
import lib.Http;
import org.apigw.testing.Deadline;
import org.apigw.testing.EtcdExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * "Config age" is the time since the source last confirmed the served config current, not the
 * time since it last changed: it stays small while an idle etcd keeps answering, grows once etcd
 * is gone, and a snapshot start reports the snapshot's own age.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConfigAgeIT {

  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();

  @Test
  void idleEtcd_keepsTheAgeLow_deadEtcd_letsItGrow_snapshotStart_reportsTheSnapshotAge() {
    try (GatewayProcess gw = GatewayProcess.builder().etcd(ETCD.etcd().endpoint()).build().start()) {
      gw.put("/routes/age", "{\"uri\":\"/age\",\"upstream\":{\"nodes\":{\"127.0.0.1:1980\":1}}}");
      // nothing changes for 9 s; the watch's progress reports still vouch for the config
      JsonNode idle =
          Deadline.untilPasses(Duration.ofSeconds(20), () -> {
            JsonNode s = gw.configState();
            assertTrue(s.path("seconds_since_applied").asLong() >= 9, s.toString());
            return s;
          });
      assertEquals("etcd", idle.path("source").asText());
      assertTrue(idle.path("age_seconds").asLong() <= 7, "confirmed by etcd within ~6 s: " + idle);
      String metrics = Http.to("http://127.0.0.1:" + gw.controlPort(), "/apisix/prometheus/metrics").get().body();
      assertTrue(metrics.contains("apisix_config_age_seconds "), metrics);
      assertTrue(metrics.contains("apisix_config_last_applied_seconds "), metrics);
      Deadline.untilPasses(Duration.ofSeconds(10), () -> {
        JsonNode s = gw.configState();
        assertEquals(s.path("revision").asLong(), s.path("snapshot").path("last_written_revision").asLong(), s.toString());
        return s;
      });

      // etcd gone: nothing confirms the config any more
      ETCD.etcd().kill9();
      JsonNode stale =
          Deadline.untilPasses(Duration.ofSeconds(30), () -> {
            JsonNode s = gw.configState();
            assertTrue(s.path("age_seconds").asLong() >= 8, s.toString());
            return s;
          });
      assertEquals(false, stale.path("etcd").path("reachable").asBoolean(), stale.toString());

      // restart with etcd still down: served from the snapshot, aged from when it was written
      gw.stop();
      gw.start();
      JsonNode fromSnapshot = gw.configState();
      assertEquals("snapshot", fromSnapshot.path("source").asText(), fromSnapshot.toString());
      Instant confirmedAt = Instant.parse(fromSnapshot.path("confirmed_at").asText());
      Instant appliedAt = Instant.parse(fromSnapshot.path("applied_at").asText());
      assertTrue(confirmedAt.isBefore(appliedAt.minusSeconds(8)), "dated to the snapshot's write: " + fromSnapshot);
      assertTrue(fromSnapshot.path("age_seconds").asLong() >= 8, fromSnapshot.toString());
    } finally {
      ETCD.etcd().restart();
    }
  }
}
