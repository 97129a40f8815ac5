package org.apigw.fallback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.apigw.etcd.PrefixReader;
import org.apigw.store.ConfigEntry;
import org.junit.jupiter.api.Test;

class FallbackUploaderTest {
  final MemoryObjectStore store = new MemoryObjectStore();
  final FallbackObjects objects = new FallbackObjects(store, "/apisix");
  PrefixReader.Listing etcd = listing(5, 2);
  Exception etcdDown;

  static PrefixReader.Listing listing(long revision, int routes) {
    List<ConfigEntry> entries = new ArrayList<>();
    for (int i = 0; i < routes; i++) {
      entries.add(new ConfigEntry(
          "/apisix/routes/" + i, ("{\"uri\":\"/r" + i + "\"}").getBytes(StandardCharsets.UTF_8), 2, revision));
    }
    return new PrefixReader.Listing(revision, 9, entries);
  }

  FallbackUploader uploader() {
    return new FallbackUploader(
        objects,
        () -> {
          if (etcdDown != null) {
            throw etcdDown;
          }
          return etcd;
        },
        CronSpec.parse("@every 1m", ZoneOffset.UTC),
        Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC));
  }

  @Test
  void dump_uploadsOnce_thenSkipsWhileTheRevisionIsUnchanged() throws Exception {
    FallbackUploader up = uploader();
    assertEquals(FallbackUploader.Outcome.UPLOADED, up.dumpOnce());
    assertEquals(FallbackUploader.Outcome.UNCHANGED, up.dumpOnce());
    assertEquals(FallbackUploader.Outcome.UNCHANGED, up.dumpOnce());
    assertEquals(2, store.puts.size(), "one data object and one pointer");
    etcd = listing(6, 3);
    assertEquals(FallbackUploader.Outcome.UPLOADED, up.dumpOnce());
    assertEquals(2, up.uploadsTotal());
    assertEquals(2, up.unchangedTotal());
    assertEquals(6, up.lastRevision());
    assertEquals(3, objects.download().data().entries().size());
    assertEquals("{\"uri\":\"/r2\"}", objects.download().data().entries().get(2).value());
  }

  @Test
  void restartedControlPlane_doesNotUploadWhatThePointerAlreadyHolds() {
    assertEquals(FallbackUploader.Outcome.UPLOADED, uploader().dumpOnce());
    FallbackUploader again = uploader();
    assertEquals(FallbackUploader.Outcome.UNCHANGED, again.dumpOnce());
    assertEquals(5, again.lastRevision());
  }

  @Test
  void failures_areCountedWithTheirReason_andTheNextTickRetries() throws Exception {
    FallbackUploader up = uploader();
    etcdDown = new TimeoutException("no answer within 5 s");
    assertEquals(FallbackUploader.Outcome.FAILED, up.dumpOnce());
    assertEquals("reading etcd failed: no answer within 5 s", up.lastError());
    etcdDown = null;
    store.failing = true;
    assertEquals(FallbackUploader.Outcome.FAILED, up.dumpOnce());
    assertTrue(up.lastError().contains("Connection refused"), up.lastError());
    assertEquals(2, up.failuresTotal());
    store.failing = false;
    assertEquals(FallbackUploader.Outcome.UPLOADED, up.dumpOnce());
    assertEquals("", up.lastError());
    assertEquals(5, objects.download().data().revision());
  }

  @Test
  void aFailedPointerWrite_leavesThePreviousCopyServing() throws Exception {
    FallbackUploader up = uploader();
    up.dumpOnce();
    etcd = listing(8, 1);
    MemoryObjectStore flaky = new MemoryObjectStore();
    flaky.failPutsOf = "latest.json";
    flaky.objects.putAll(store.objects);
    FallbackObjects flakyObjects = new FallbackObjects(flaky, "/apisix");
    FallbackUploader second =
        new FallbackUploader(flakyObjects, () -> etcd, CronSpec.parse("@every 1m", java.time.ZoneOffset.UTC), Clock.systemUTC());
    assertEquals(FallbackUploader.Outcome.FAILED, second.dumpOnce());
    assertEquals(5, flakyObjects.download().data().revision(), "readers still get the complete old copy");
  }
}
