package cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import lib.GatewayProcess;
import lib.GatewayProcess.CliResult;
import org.apigw.testing.Deadline;
import org.apigw.testing.EtcdExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/apisix snapshot inspect|verify} against a snapshot written by a real gateway, and
 * against damaged copies of it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SnapshotCliIT {

  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();

  @TempDir static Path dir;
  static Path snapshot;
  static JsonNode state;

  static String route(String uri) {
    return "{\"uri\":\"" + uri + "\",\"upstream_id\":\"cu\"}";
  }

  @BeforeAll
  static void writeASnapshot() throws IOException {
    try (GatewayProcess gw = GatewayProcess.builder().etcd(ETCD.etcd().endpoint()).build()) {
      gw.start();
      gw.put("/upstreams/cu", "{\"nodes\":{\"127.0.0.1:1980\":1}}");
      gw.put("/routes/c1", route("/cli/snap/1"));
      gw.put("/routes/c2", route("/cli/snap/2"));
      long revision = ETCD.etcd().revision();
      state =
          Deadline.untilPasses(Duration.ofSeconds(10), () -> {
            JsonNode s = gw.configState();
            assertTrue(s.path("snapshot").path("last_written_revision").asLong() >= revision, s.toString());
            assertEquals(s.path("revision").asLong(), s.path("snapshot").path("last_written_revision").asLong(), s.toString());
            return s;
          });
      gw.stop();
      snapshot = dir.resolve("config-snapshot.json");
      Files.copy(gw.prefix().resolve("logs/config-snapshot.json"), snapshot);
    }
  }

  @Test
  void verify_aGoodSnapshot_exit0_ok() {
    CliResult r = GatewayProcess.cli("snapshot", "verify", snapshot.toString());
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.stdout().startsWith("ok: " + snapshot), r.toString());
    assertTrue(r.stdout().contains("revision " + state.path("revision").asLong() + ", 3 entries"), r.toString());
  }

  @Test
  void inspect_printsHeaderAgeAndCountsPerType() {
    CliResult r = GatewayProcess.cli("snapshot", "inspect", snapshot.toString());
    assertEquals(0, r.exit(), r.toString());
    String out = r.stdout();
    assertTrue(out.contains("format_version: 1\n"), out);
    assertTrue(out.contains("revision:       " + state.path("revision").asLong() + "\n"), out);
    assertTrue(out.contains("cluster_id:     " + state.path("cluster_id").asText() + "\n"), out);
    assertTrue(out.matches("(?s).*written_at:     \\S+Z \\(\\d+ s ago\\)\n.*"), out);
    assertTrue(out.contains("entries:        3\n"), out);
    assertTrue(out.matches("(?s).*\n  routes +2\n.*\n  upstreams +1\n.*\n  other keys +0\n.*"), out);
  }

  @Test
  void aChangedValue_failsTheChecksum_exit1_withTheReason() throws IOException {
    Path bad = dir.resolve("tampered.json");
    String text = Files.readString(snapshot);
    assertTrue(text.contains("/cli/snap/1"));
    Files.writeString(bad, text.replace("/cli/snap/1", "/cli/snap/X"));
    for (String command : new String[] {"verify", "inspect"}) {
      CliResult r = GatewayProcess.cli("snapshot", command, bad.toString());
      assertEquals(1, r.exit(), command + ": " + r);
      assertTrue(r.stderr().contains(bad.toString()) && r.stderr().contains("checksum mismatch"), command + ": " + r);
      assertTrue(!r.stdout().contains("ok"), command + ": " + r);
    }
  }

  @Test
  void aTruncatedFile_exit1_notValidJson() throws IOException {
    Path cut = dir.resolve("truncated.json");
    byte[] bytes = Files.readAllBytes(snapshot);
    Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
    CliResult r = GatewayProcess.cli("snapshot", "verify", cut.toString());
    assertEquals(1, r.exit(), r.toString());
    assertTrue(r.stderr().contains("not valid JSON"), r.toString());
  }

  @Test
  void aMissingFile_exit1_andNoFile_exit2() {
    CliResult r = GatewayProcess.cli("snapshot", "verify", dir.resolve("nope.json").toString());
    assertEquals(1, r.exit(), r.toString());
    assertTrue(r.stderr().contains("nope.json: missing"), r.toString());
    CliResult usage = GatewayProcess.cli("snapshot", "verify");
    assertEquals(2, usage.exit(), usage.toString());
    CliResult bare = GatewayProcess.cli("snapshot");
    assertEquals(2, bare.exit(), bare.toString());
    assertTrue(bare.stderr().contains("inspect") && bare.stderr().contains("verify"), bare.toString());
  }

  @Test
  void verify_checksOnlyTheNamedFile_notItsBackup() throws IOException {
    Path main = dir.resolve("rotated.json");
    Files.writeString(main, "{");
    Files.copy(snapshot, dir.resolve("rotated.json.bak"));
    CliResult r = GatewayProcess.cli("snapshot", "verify", main.toString());
    assertEquals(1, r.exit(), "a good .bak does not make the named file good: " + r);
  }
}
