package org.apigw.snapshot;

import static org.apigw.snapshot.SnapshotFileTest.data;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apigw.testing.Deadline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class SnapshotWriterTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;

  /** Records listener calls; start time of each write = completion - duration. */
  static final class Recorder implements SnapshotWriter.Listener {
    final List<Long> revisions = Collections.synchronizedList(new ArrayList<>());
    final List<Long> startNanos = Collections.synchronizedList(new ArrayList<>());
    final List<Exception> failures = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void written(long revision, long durationNanos) {
      revisions.add(revision);
      startNanos.add(System.nanoTime() - durationNanos);
    }

    @Override
    public void failed(Path file, Exception error) {
      failures.add(error);
    }
  }

  @Test
  void submit_isWritten_andCountersMove() throws Exception {
    Path file = dir.resolve("snap.json");
    Recorder rec = new Recorder();
    try (SnapshotWriter w = SnapshotWriter.builder(file).listener(rec).start()) {
      assertEquals(-1, w.lastWrittenRevision());
      w.submit(data(5, 3));
      Deadline.await(WAIT, "first write", () -> w.lastWrittenRevision() == 5);
      assertEquals(1, w.writesTotal());
      assertEquals(0, w.failuresTotal());
      assertNull(w.lastError());
      assertEquals(List.of(5L), rec.revisions);
    }
    assertEquals(data(5, 3), SnapshotFile.verify(file));
  }

  @Test
  void burstOf1000_coalesces_andLastOneWins() throws Exception {
    Path file = dir.resolve("snap.json");
    List<SnapshotData> burst = new ArrayList<>();
    for (int r = 1; r <= 1000; r++) {
      burst.add(data(r, 20));
    }
    Recorder rec = new Recorder();
    long started;
    long elapsedMillis;
    SnapshotWriter w =
        SnapshotWriter.builder(file).minInterval(Duration.ofMillis(50)).listener(rec).start();
    try {
      started = System.nanoTime();
      for (SnapshotData d : burst) {
        w.submit(d);
      }
      Deadline.await(WAIT, "last revision written", () -> w.lastWrittenRevision() == 1000);
      elapsedMillis = (System.nanoTime() - started) / 1_000_000;
    } finally {
      w.close();
    }
    assertEquals(1000, w.submitsTotal());
    long writes = w.writesTotal();
    assertTrue(writes >= 1 && writes <= 2 + elapsedMillis / 50,
        writes + " writes in " + elapsedMillis + " ms");
    assertTrue(writes < 50, "coalescing: " + writes + " writes for 1000 submits");
    assertEquals(1000, rec.revisions.get(rec.revisions.size() - 1));
    assertEquals(1000, SnapshotFile.read(file).data().revision());
  }

  @Test
  void writes_areAtLeastMinIntervalApart() throws Exception {
    Path file = dir.resolve("snap.json");
    Recorder rec = new Recorder();
    long interval = Duration.ofMillis(80).toNanos();
    try (SnapshotWriter w = SnapshotWriter.builder(file)
        .minInterval(Duration.ofNanos(interval)).listener(rec).start()) {
      long end = System.nanoTime() + Duration.ofMillis(400).toNanos();
      long r = 0;
      while (System.nanoTime() < end) {
        w.submit(data(++r, 2));
        Thread.sleep(2);
      }
      long last = r;
      Deadline.await(WAIT, "last write", () -> w.lastWrittenRevision() == last);
    }
    List<Long> starts = new ArrayList<>(rec.startNanos);
    assertTrue(starts.size() >= 2, "writes: " + starts.size());
    for (int i = 1; i < starts.size(); i++) {
      long gap = starts.get(i) - starts.get(i - 1);
      // a little slack: start is reconstructed from completion time minus duration
      assertTrue(gap >= interval - Duration.ofMillis(5).toNanos(), "gap " + gap / 1e6 + " ms");
    }
  }

  @Test
  void close_flushesPendingWrite_withoutWaitingForInterval() throws Exception {
    Path file = dir.resolve("snap.json");
    SnapshotWriter w = SnapshotWriter.builder(file).minInterval(Duration.ofSeconds(20)).start();
    w.submit(data(1, 2));
    Deadline.await(WAIT, "first write", () -> w.lastWrittenRevision() == 1);
    w.submit(data(2, 2)); // held back by the 20 s interval
    long t0 = System.nanoTime();
    w.close();
    assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(5).toNanos(), "close was bounded");
    assertEquals(2, SnapshotFile.read(file).data().revision());
    assertEquals(2, w.lastWrittenRevision());

    w.submit(data(3, 2)); // ignored after close
    w.submit(null); // ignored, never throws
    w.close(); // idempotent
    assertEquals(2, SnapshotFile.read(file).data().revision());
  }

  @Test
  void failure_keepsOldFile_countsAndRetries_thenWritesLatest() throws Exception {
    Path file = dir.resolve("snap.json");
    SnapshotFile.write(file, data(1, 3));
    byte[] good = Files.readAllBytes(file);
    Path blocker = SnapshotFile.tempOf(file).resolve("blocker");
    Files.createDirectories(blocker); // the temp file cannot be created: every write fails

    Recorder rec = new Recorder();
    try (SnapshotWriter w = SnapshotWriter.builder(file).minInterval(Duration.ZERO)
        .backoff(Duration.ofMillis(20), Duration.ofMillis(100)).listener(rec).start()) {
      w.submit(data(2, 3));
      Deadline.await(WAIT, "two failed attempts", () -> w.failuresTotal() >= 2);
      assertArrayEquals(good, Files.readAllBytes(file), "old file intact");
      assertNotNull(w.lastError());
      assertTrue(w.lastError().contains(SnapshotFile.tempOf(file).toString()), w.lastError());
      assertEquals(-1, w.lastWrittenRevision());
      assertTrue(rec.failures.size() >= 2);

      w.submit(data(3, 3)); // newer data replaces the data being retried
      Files.delete(blocker);
      // a retry between the two deletes may already have removed the (now empty) temp directory
      Files.deleteIfExists(SnapshotFile.tempOf(file)); // space is back
      Deadline.await(WAIT, "recovered", () -> w.lastWrittenRevision() == 3);
      assertNull(w.lastError());
      assertEquals(1, w.writesTotal());
    }
    assertEquals(3, SnapshotFile.read(file).data().revision());
    assertEquals(1, SnapshotFile.verify(SnapshotFile.backupOf(file)).revision());
  }

  @Test
  void missingDirectory_failsUntilItExists() throws Exception {
    Path sub = dir.resolve("later");
    Path file = sub.resolve("snap.json");
    try (SnapshotWriter w = SnapshotWriter.builder(file).minInterval(Duration.ZERO)
        .backoff(Duration.ofMillis(10), Duration.ofMillis(50)).start()) {
      w.submit(data(7, 1));
      Deadline.await(WAIT, "a failure", () -> w.failuresTotal() >= 1);
      Files.createDirectories(sub);
      Deadline.await(WAIT, "written", () -> w.lastWrittenRevision() == 7);
    }
    assertEquals(7, SnapshotFile.read(file).data().revision());
  }

  @Test
  void close_withWriteStillFailing_returnsPromptly() throws Exception {
    Path file = dir.resolve("missing-dir/snap.json");
    SnapshotWriter w = SnapshotWriter.builder(file)
        .backoff(Duration.ofSeconds(30), Duration.ofSeconds(30)).start();
    w.submit(data(1, 1));
    Deadline.await(WAIT, "a failure", () -> w.failuresTotal() >= 1);
    long t0 = System.nanoTime();
    w.close(); // one last attempt, which fails; must not wait out the 30 s backoff
    assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(5).toNanos());
    assertEquals(2, w.failuresTotal());
  }

  @Test
  void damagedMainAtStart_doesNotPushGoodBakOut() throws Exception {
    Path file = dir.resolve("snap.json");
    SnapshotFile.write(file, data(1, 3));
    SnapshotFile.write(file, data(2, 3)); // .bak = 1
    Files.write(file, new byte[0]); // main damaged, e.g. by a power loss on an earlier run
    byte[] goodBak = Files.readAllBytes(SnapshotFile.backupOf(file));

    try (SnapshotWriter w = SnapshotWriter.builder(file).start()) {
      w.submit(data(3, 3));
      Deadline.await(WAIT, "written", () -> w.lastWrittenRevision() == 3);
    }
    assertEquals(3, SnapshotFile.verify(file).revision());
    assertArrayEquals(goodBak, Files.readAllBytes(SnapshotFile.backupOf(file)));
  }

  @Test
  void listenerThrowing_doesNotStopTheWriter() throws Exception {
    Path file = dir.resolve("snap.json");
    SnapshotWriter.Listener bad = new SnapshotWriter.Listener() {
      @Override
      public void written(long revision, long durationNanos) {
        throw new IllegalStateException("metrics broke");
      }
    };
    try (SnapshotWriter w = SnapshotWriter.builder(file).minInterval(Duration.ZERO)
        .listener(bad).start()) {
      w.submit(data(1, 1));
      Deadline.await(WAIT, "first", () -> w.lastWrittenRevision() == 1);
      w.submit(data(2, 1));
      Deadline.await(WAIT, "second", () -> w.lastWrittenRevision() == 2);
    }
  }
}
