package org.apigw.fallback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apigw.snapshot.SnapshotData;
import org.apigw.snapshot.SnapshotEntry;
import org.junit.jupiter.api.Test;

class FallbackObjectsTest {
  static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

  final MemoryObjectStore store = new MemoryObjectStore();
  final FallbackObjects objects = new FallbackObjects(store, "/apisix");

  static SnapshotData data(long revision, int routes, Instant at) {
    List<SnapshotEntry> entries = new ArrayList<>();
    for (int i = 0; i < routes; i++) {
      entries.add(new SnapshotEntry("/apisix/routes/" + i, "{\"uri\":\"/r" + i + "\"}", 2, revision));
    }
    return SnapshotData.of(revision, 77, at, entries);
  }

  /* ---------------------------------------------------------------- upload */

  @Test
  void upload_writesTheDataObjectFirst_thenThePointer() throws Exception {
    FallbackObjects.Uploaded up = objects.upload(data(42, 3, T0));
    assertEquals("apisix/config-42-" + T0.toEpochMilli() + ".json", up.object());
    assertEquals(List.of(up.object(), "apisix/latest.json"), store.puts, "data before pointer");
    FallbackObjects.Pointer p = objects.readPointer();
    assertEquals(up.object(), p.object());
    assertEquals(42, p.revision());
    assertEquals(77, p.clusterId());
    assertEquals(3, p.entryCount());
  }

  @Test
  void upload_thenDownload_roundTrips() throws Exception {
    SnapshotData written = data(42, 5, T0);
    objects.upload(written);
    FallbackObjects.Fetched fetched = objects.download();
    assertEquals(written, fetched.data());
  }

  @Test
  void upload_keepsTheNewestThreeDataObjects() throws Exception {
    for (int i = 1; i <= 5; i++) {
      objects.upload(data(10 + i, 1, T0.plusSeconds(i)));
    }
    List<String> left = store.list("apisix/config-");
    assertEquals(
        List.of(
            "apisix/config-13-" + T0.plusSeconds(3).toEpochMilli() + ".json",
            "apisix/config-14-" + T0.plusSeconds(4).toEpochMilli() + ".json",
            "apisix/config-15-" + T0.plusSeconds(5).toEpochMilli() + ".json"),
        left);
    assertEquals(15, objects.download().data().revision());
  }

  @Test
  void prefixWithoutLeadingSlash_andNested_mapToObjectKeys() throws Exception {
    FallbackObjects nested = new FallbackObjects(store, "/gw/prod");
    assertEquals("gw/prod/latest.json", nested.pointerKey());
    nested.upload(data(3, 1, T0));
    assertEquals(3, nested.download().data().revision());
    assertNull(objects.readPointer(), "another prefix has its own pointer");
  }

  /* -------------------------------------------------------------- download */

  @Test
  void download_withoutPointer_saysSo() {
    FallbackException e = assertThrows(FallbackException.class, objects::download);
    assertTrue(e.getMessage().startsWith("mem://bucket/apisix/latest.json: no such object"), e.getMessage());
  }

  @Test
  void download_pointerNamingAMissingObject_namesIt() throws Exception {
    FallbackObjects.Uploaded up = objects.upload(data(4, 1, T0));
    store.objects.remove(up.object());
    FallbackException e = assertThrows(FallbackException.class, objects::download);
    assertEquals(
        "mem://bucket/" + up.object() + ", named by apisix/latest.json, does not exist", e.getMessage());
  }

  @Test
  void download_tamperedEntry_failsTheChecksum() throws Exception {
    FallbackObjects.Uploaded up = objects.upload(data(4, 2, T0));
    String text = new String(store.objects.get(up.object()), StandardCharsets.UTF_8);
    store.objects.put(up.object(), text.replace("/r1", "/evil").getBytes(StandardCharsets.UTF_8));
    FallbackException e = assertThrows(FallbackException.class, objects::download);
    assertTrue(e.getMessage().startsWith("mem://bucket/" + up.object() + ": checksum mismatch"), e.getMessage());
  }

  @Test
  void download_truncatedObject_isRefused() throws Exception {
    FallbackObjects.Uploaded up = objects.upload(data(4, 2, T0));
    byte[] full = store.objects.get(up.object());
    store.objects.put(up.object(), java.util.Arrays.copyOf(full, full.length / 2));
    FallbackException e = assertThrows(FallbackException.class, objects::download);
    assertTrue(e.getMessage().contains("not valid JSON (truncated?)"), e.getMessage());
  }

  @Test
  void download_objectReplacedByAnotherValidCopy_failsThePointerHash() throws Exception {
    FallbackObjects.Uploaded up = objects.upload(data(4, 2, T0));
    byte[] other = org.apigw.snapshot.SnapshotFile.toBytes(data(4, 1, T0));
    store.objects.put(up.object(), other);
    FallbackException e = assertThrows(FallbackException.class, objects::download);
    assertTrue(e.getMessage().contains("differs from") && e.getMessage().contains("replaced or damaged"),
        e.getMessage());
  }

  @Test
  void download_malformedPointer_isRefused() throws Exception {
    objects.upload(data(4, 1, T0));
    store.objects.put("apisix/latest.json", "{\"format_version\":1,\"object\":\"../etc/passwd\"}"
        .getBytes(StandardCharsets.UTF_8));
    FallbackException e = assertThrows(FallbackException.class, objects::download);
    assertTrue(e.getMessage().contains("is not a data object under apisix/"), e.getMessage());
    store.objects.put("apisix/latest.json", "{\"format_version\":1,".getBytes(StandardCharsets.UTF_8));
    e = assertThrows(FallbackException.class, objects::download);
    assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
  }

  @Test
  void download_unreachableStore_reportsTheCause() {
    store.failing = true;
    FallbackException e = assertThrows(FallbackException.class, objects::download);
    assertEquals("GET mem://bucket/apisix/latest.json failed: Connection refused", e.getMessage());
  }
}
