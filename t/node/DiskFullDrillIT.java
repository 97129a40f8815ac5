package node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import lib.GatewayProcess;
import lib.Upstream;
import org.apigw.testing.Deadline;
import org.apigw.testing.EtcdExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Drill 7 of issue 3: the snapshot directory runs out of space (a 256 KiB tmpfs). Serving and
 * config changes go on, the failure is logged and counted, the last snapshot stays intact, and
 * once space is freed the next write succeeds by itself.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DiskFullDrillIT {

  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();

  static Path mount;
  static Upstream up;
  static GatewayProcess gw;

  @BeforeAll
  static void start() throws Exception {
    mount = Files.createTempDirectory("apigw-tmpfs-");
    Assumptions.assumeTrue(
        run("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mount.toString()) == 0,
        "mounting a tmpfs needs root (CI and these machines run tests as root)");
    up = Upstream.start("u1");
    gw =
        GatewayProcess.builder()
            .etcd(ETCD.etcd().endpoint())
            .set("deployment.config_snapshot.path", mount.resolve("snapshot.json").toString())
            .set("deployment.config_snapshot.min_interval_ms", 0)
            .build()
            .start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (gw != null) {
      gw.close();
    }
    if (up != null) {
      up.close();
    }
    if (mount != null) {
      run("umount", mount.toString());
      Files.deleteIfExists(mount);
    }
  }

  @Test
  void fullSnapshotDisk_keepsServing_countsTheFailure_keepsTheOldSnapshot_andRecovers() throws Exception {
    for (int i = 0; i < 5; i++) {
      gw.put("/apisix/admin/routes/df" + i, route("/df/" + i));
    }
    gw.awaitStatus("/df/4", 200, Duration.ofSeconds(10));
    long goodRevision = gw.configState().path("revision").asLong();
    Deadline.await(Duration.ofSeconds(10), "the snapshot at revision " + goodRevision,
        () -> snapshot().path("last_written_revision").asLong() == goodRevision);

    Path filler = mount.resolve("filler");
    fill(filler);
    long failuresBefore = snapshot().path("failures").asLong();
    for (int i = 5; i < 60; i++) {
      gw.put("/apisix/admin/routes/df" + i, route("/df/" + i));
    }
    gw.awaitStatus("/df/59", 200, Duration.ofSeconds(10)); // config changes keep being served
    Deadline.await(Duration.ofSeconds(15), "a counted snapshot write failure",
        () -> snapshot().path("failures").asLong() > failuresBefore);
    String lastError = snapshot().path("last_error").asText();
    assertTrue(lastError.contains("No space left on device"), lastError);
    assertTrue(gw.log().contains("No space left on device"), "the failure is in the error log");
    GatewayProcess.CliResult verify = GatewayProcess.cli("snapshot", "inspect", mount.resolve("snapshot.json").toString());
    assertEquals(0, verify.exit(), "the last good snapshot is intact: " + verify);
    assertTrue(
        verify.output().lines().anyMatch(l -> l.matches("revision:\\s+" + goodRevision)),
        "the snapshot still holds revision " + goodRevision + ": " + verify.output());
    for (int i = 0; i < 60; i += 11) {
      assertEquals(200, gw.get("/df/" + i).status(), "served while the disk is full: /df/" + i);
    }

    Files.delete(filler);
    long latest = gw.configState().path("revision").asLong();
    Deadline.await(Duration.ofSeconds(45), "a snapshot write once space is back (writer backoff up to 30 s)",
        () -> snapshot().path("last_written_revision").asLong() == latest);
    System.out.printf(
        "[DiskFullDrillIT] snapshot kept revision %d while the disk was full (%d failures, %s); wrote %d after space came back%n",
        goodRevision, snapshot().path("failures").asLong(), lastError, latest);
  }

  private static JsonNode snapshot() {
    return gw.configState().path("snapshot");
  }

  /** Fills the tmpfs completely; the write stops at ENOSPC. */
  private static void fill(Path filler) {
    byte[] block = new byte[4096];
    try (var out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(block);
      }
    } catch (IOException full) {
      // No space left on device: the disk is full, which is the point
    }
  }

  private static String route(String uri) {
    return "{\"uri\":\"" + uri + "\",\"desc\":\"" + "x".repeat(200) + "\",\"upstream\":{\"nodes\":{\"" + up.node()
        + "\":1}}}";
  }

  private static int run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor(10, TimeUnit.SECONDS) ? p.exitValue() : -1;
  }
}
