package org.apigw.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apigw.plugin.PluginCatalog;
import org.apigw.resource.ResourceCodec;
import org.apigw.resource.ResourceType;
import org.apigw.store.ConfigEntry;
import org.apigw.store.ConfigOrigin;
import org.apigw.store.ConfigSink;
import org.apigw.store.ConfigStore;
import org.apigw.store.StoredResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The poller stepped by hand ({@link YamlConfigSource#poll()}) against a real store. */
class YamlConfigSourceTest {

  @TempDir Path dir;

  private final ConfigStore store =
      new ConfigStore(YamlConfigSource.PREFIX, new ResourceCodec(PluginCatalog.NONE), "radixtree_host_uri", c -> {});
  private final List<Long> confirms = new ArrayList<>();
  private final ConfigSink sink =
      new ConfigSink() {
        @Override
        public void replaceAll(
            ConfigOrigin origin, long revision, long clusterId, List<ConfigEntry> entries, String reason) {
          store.replaceAll(origin, revision, clusterId, entries, reason);
        }

        @Override
        public void apply(long revision, List<ConfigEntry> changes) {
          store.apply(revision, changes);
        }

        @Override
        public void confirm(ConfigOrigin origin, long revision, long atMillis) {
          confirms.add(revision);
          store.confirm(origin, revision, atMillis);
        }
      };

  private static String route(String id, String uri) {
    return "  - id: " + id + "\n    uri: " + uri + "\n    upstream:\n      nodes:\n        \"127.0.0.1:1980\": 1\n";
  }

  private Path write(String text) throws IOException {
    Path file = dir.resolve("apisix.yaml");
    Files.writeString(file, text);
    return file;
  }

  private YamlConfigSource source() {
    return new YamlConfigSource(dir.resolve("apisix.yaml"), sink, Map.of("R3", "/three"));
  }

  private StoredResource route(String id) {
    return store.current().all(ResourceType.ROUTES).get(id);
  }

  @Test
  void loadAtStart_servesTheFile_asOriginYaml_revision1() throws IOException {
    write("routes:\n" + route("r1", "/one") + route("r3", "${{R3}}") + "#END\n");
    YamlConfigSource source = source();
    source.loadAtStart();
    assertEquals(ConfigOrigin.YAML, store.current().origin());
    assertEquals(1, store.current().revision());
    assertEquals("/apisix/routes/r1", route("r1").key());
    assertEquals("/three", store.current().route("r3").uris().get(0));
    assertEquals("", source.problem());
    assertEquals(1, source.loads());
  }

  @Test
  void loadAtStart_missingFile_fails_namingTheFile() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> source().loadAtStart());
    assertTrue(e.getMessage().contains("apisix.yaml") && e.getMessage().contains("missing"), e.getMessage());
  }

  @Test
  void loadAtStart_incompleteOrRefusedFile_fails_withTheReason() throws IOException {
    write("routes:\n" + route("r1", "/one"));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> source().loadAtStart());
    assertTrue(e.getMessage().contains("#END"), e.getMessage());
    write("routes:\n" + route("r1", "/one") + route("r1", "/two") + "#END\n");
    e = assertThrows(IllegalStateException.class, () -> source().loadAtStart());
    assertTrue(e.getMessage().contains("found duplicate id r1 in routes"), e.getMessage());
  }

  @Test
  void change_isLoaded_atTheNextRevision_unchangedItemsKeepTheirRevision() throws IOException {
    write("routes:\n" + route("r1", "/one") + route("r2", "/two") + "#END\n");
    YamlConfigSource source = source();
    source.loadAtStart();
    StoredResource r1 = route("r1");
    write("routes:\n" + route("r1", "/one") + route("r2", "/two-v2") + route("r4", "/four") + "#END\n");
    source.poll();
    assertEquals(2, store.current().revision());
    assertSame(r1, route("r1"), "unchanged item reused, not decoded again");
    assertEquals(1, route("r1").modRevision());
    assertEquals(2, route("r2").modRevision());
    assertEquals(1, route("r2").createRevision());
    assertEquals("/two-v2", store.current().route("r2").uris().get(0));
    assertNotNull(route("r4"));

    write("routes:\n" + route("r4", "/four") + "#END\n");
    source.poll();
    assertEquals(3, store.current().revision());
    assertNull(route("r1"), "an item gone from the file is gone");
    assertEquals(1, store.current().all(ResourceType.ROUTES).size());
  }

  @Test
  void halfWrittenFile_isIgnored_untilComplete() throws IOException {
    write("routes:\n" + route("r1", "/one") + "#END\n");
    YamlConfigSource source = source();
    source.loadAtStart();
    write("routes:\n" + route("r1", "/one") + route("r2", "/tw"));
    source.poll();
    assertEquals(1, store.current().revision());
    assertNull(route("r2"));
    assertTrue(source.problem().contains("#END"), source.problem());
    assertEquals(0, source.refusals(), "incomplete is not refused, only not yet complete");

    write("routes:\n" + route("r1", "/one") + route("r2", "/two") + "#END\n");
    source.poll();
    assertEquals(2, store.current().revision());
    assertNotNull(route("r2"));
    assertEquals("", source.problem());
  }

  @Test
  void refusedFile_keepsTheRunningConfig_andIsCountedOnce() throws IOException {
    write("routes:\n" + route("r1", "/one") + "#END\n");
    YamlConfigSource source = source();
    source.loadAtStart();
    write("routes:\n" + route("r1", "/one") + "  - id: r2\n    uri: [oops\n#END\n");
    source.poll();
    source.poll();
    assertEquals(1, store.current().revision());
    assertNotNull(route("r1"));
    assertEquals(1, source.refusals());
    assertTrue(source.problem().startsWith("refused: "), source.problem());

    write("routes:\n" + route("r1", "/one") + route("r1", "/dup") + "#END\n");
    source.poll();
    assertEquals(2, source.refusals());
    assertTrue(source.problem().contains("found duplicate id r1 in routes"), source.problem());
    assertEquals("/one", store.current().route("r1").uris().get(0));
  }

  @Test
  void invalidItem_isRejectedAlone_theRestLoads() throws IOException {
    write(
        "routes:\n" + route("r1", "/one") + "  - id: bad\n    uri: 123\n  - just a string\n"
            + "upstreams:\n  - id: u1\n    nodes: {\"127.0.0.1:1980\": 1}\n#END\n");
    YamlConfigSource source = source();
    source.loadAtStart();
    assertNotNull(route("r1"));
    assertNull(route("bad"));
    assertNotNull(store.current().upstreamConfig("u1"));
    assertEquals(List.of("/apisix/routes/arr_3", "/apisix/routes/bad"), List.copyOf(store.rejections().keySet()));
    assertEquals(2L, store.rejectedTotals().get("routes"));
  }

  @Test
  void unchangedFile_confirmsTheServedRevision_refusedFileDoesNot() throws IOException {
    Path file = write("routes:\n" + route("r1", "/one") + "#END\n");
    Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() - 10_000));
    YamlConfigSource source = source();
    source.loadAtStart();
    source.poll();
    source.poll();
    assertEquals(List.of(1L, 1L), confirms);

    write("routes:\n" + route("r1", "/one") + route("r1", "/dup") + "#END\n");
    source.poll();
    source.poll();
    assertEquals(List.of(1L, 1L), confirms, "a refused file does not vouch for what is served");
  }

  @Test
  void commentOnlyChange_confirms_withoutANewRevision() throws IOException {
    write("routes:\n" + route("r1", "/one") + "#END\n");
    YamlConfigSource source = source();
    source.loadAtStart();
    write("# a comment\nroutes:\n" + route("r1", "/one") + "#END\n");
    source.poll();
    assertEquals(1, store.current().revision());
    assertEquals(2, source.loads());
    assertEquals(List.of(1L), confirms);
  }

  @Test
  void sameSizeRewrite_withTheSameMtime_isSeen_whileTheMtimeIsRecent() throws IOException {
    Path file = write("routes:\n" + route("r1", "/aaa") + "#END\n");
    FileTime mtime = FileTime.fromMillis(System.currentTimeMillis());
    Files.setLastModifiedTime(file, mtime);
    YamlConfigSource source = source();
    source.loadAtStart();
    write("routes:\n" + route("r1", "/bbb") + "#END\n");
    Files.setLastModifiedTime(file, mtime);
    source.poll();
    assertEquals("/bbb", store.current().route("r1").uris().get(0));
  }

  @Test
  void fileRemoved_keepsServing_andLoadsAgainWhenBack() throws IOException {
    Path file = write("routes:\n" + route("r1", "/one") + "#END\n");
    YamlConfigSource source = source();
    source.loadAtStart();
    Files.delete(file);
    source.poll();
    assertNotNull(route("r1"));
    assertEquals("missing", source.problem());
    write("routes:\n" + route("r2", "/two") + "#END\n");
    source.poll();
    assertNull(route("r1"));
    assertNotNull(route("r2"));
    assertEquals("", source.problem());
  }
}
