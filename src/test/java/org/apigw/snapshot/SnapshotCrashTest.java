package org.apigw.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failure mode F9 with {@code kill -9}: a child JVM writes snapshots in a loop and is killed at
 * random moments; after every kill the file must load as one complete generation, and the
 * revision must never go backwards. (This covers process crashes; a power loss additionally
 * depends on the fsyncs, which a kill cannot exercise.)
 */
@Timeout(120)
class SnapshotCrashTest {
  private static final int KILLS = 20;

  @TempDir Path dir;

  @Test
  void killedWriter_alwaysLeavesALoadableMonotonicSnapshot() throws Exception {
    Path file = dir.resolve("snap.json");
    long seed = System.nanoTime();
    Random random = new Random(seed);
    long lastRevision = -1;
    int fromBackup = 0;
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    for (int kill = 0; kill < KILLS; kill++) {
      long start = lastRevision + 1;
      Process child = new ProcessBuilder(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1",
              "-XX:+UseSerialGC", "-Xmx64m", "-cp", System.getProperty("java.class.path"),
              SnapshotCrashChild.class.getName(), file.toString(), Long.toString(start))
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
      try (BufferedReader out = new BufferedReader(
          new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        String line = out.readLine();
        if (!"ready".equals(line)) {
          fail("child did not start (exit " + child.waitFor() + "), said: " + line);
        }
        Thread.sleep(random.nextInt(50)); // a random point in the write loop
      } finally {
        child.destroyForcibly();
        assertTrue(child.waitFor(10, TimeUnit.SECONDS), "child did not die");
      }

      SnapshotFile.Loaded loaded = SnapshotFile.read(file);
      SnapshotData d = loaded.data();
      String where = "kill " + kill + " (seed " + seed + ", " + loaded.source().getFileName() + ")";
      assertTrue(d.revision() >= lastRevision && d.revision() >= start,
          where + ": revision went from " + lastRevision + " to " + d.revision());
      assertEquals(SnapshotCrashChild.ENTRIES, d.entries().size(), where);
      List<SnapshotEntry> entries = d.entries();
      for (int i = 0; i < entries.size(); i++) {
        assertEquals(SnapshotCrashChild.value(d.revision(), i), entries.get(i).value(),
            where + ": entry " + i + " is not from generation " + d.revision());
      }
      if (loaded.fromBackup()) {
        fromBackup++;
      }
      lastRevision = d.revision();
    }
    System.out.printf("crash test: %d kills, final revision %d, %d loads from .bak%n",
        KILLS, lastRevision, fromBackup);
  }
}
