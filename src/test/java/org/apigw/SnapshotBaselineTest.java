package org.apigw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apigw.snapshot.SnapshotData;
import org.apigw.snapshot.SnapshotEntry;
import org.apigw.snapshot.SnapshotFile;
import org.apigw.store.ConfigEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotBaselineTest {

  @TempDir Path dir;

  @Test
  void findsAKeysValue_fromTheSameCluster_only() throws Exception {
    Path file = dir.resolve("config-snapshot.json");
    SnapshotFile.write(
        file, SnapshotData.of(12, 77L, Instant.now(), List.of(new SnapshotEntry("/apisix/routes/1", "{\"uri\":\"/a\"}", 3, 9))));
    SnapshotBaseline baseline = new SnapshotBaseline(file);
    ConfigEntry found = baseline.find("/apisix/routes/1", 77L);
    assertNotNull(found);
    assertEquals("{\"uri\":\"/a\"}", new String(found.value(), StandardCharsets.UTF_8));
    assertEquals(9, found.modRevision());
    assertNull(baseline.find("/apisix/routes/2", 77L));
    assertNull(baseline.find("/apisix/routes/1", 78L), "another cluster's values say nothing about this one's keys");
  }

  @Test
  void aMissingOrCorruptFile_isNoBaseline_andSaysWhy() throws Exception {
    Path file = dir.resolve("config-snapshot.json");
    Files.writeString(file, "{\"format\":1,");
    SnapshotBaseline baseline = new SnapshotBaseline(file);
    assertNull(baseline.load());
    assertNull(baseline.find("/apisix/routes/1", 0));
    assertTrue(baseline.problem().contains(file.toString()), baseline.problem());
  }
}
