package org.apigw.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(30)
class SnapshotFileTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T0 = Instant.parse("2026-11-23T10:15:30.123Z");

  @TempDir Path dir;

  static SnapshotData data(long revision, int entries) {
    List<SnapshotEntry> list = new ArrayList<>();
    for (int i = 0; i < entries; i++) {
      list.add(new SnapshotEntry(
          "/apisix/routes/" + i, "{\"uri\":\"/r" + i + "\",\"rev\":" + revision + "}", 2 + i,
          revision));
    }
    return SnapshotData.of(revision, 7_777L, T0, list);
  }

  /* ---------------------------------------------------------------- round trip */

  @Test
  void write_thenRead_roundTrips() throws Exception {
    Path file = dir.resolve("snap.json");
    List<SnapshotEntry> entries = List.of(
        new SnapshotEntry("/apisix/routes/2", "{\"uri\":\"/ä€𝄞\\\"\\n\"}", 3, 9),
        new SnapshotEntry("/apisix/routes/1", "", 2, 2),
        new SnapshotEntry("/apisix/upstreams/1", "{not json at all", 4, 10));
    SnapshotData written = SnapshotData.of(10, -5L, T0, entries);
    SnapshotFile.write(file, written);

    SnapshotFile.Loaded loaded = SnapshotFile.read(file);
    assertEquals(written, loaded.data());
    assertEquals(file, loaded.source());
    assertEquals(List.of(), loaded.problems());
    assertFalse(loaded.fromBackup());
    assertEquals("/apisix/routes/1", loaded.data().entries().get(0).key(), "sorted by key");
    assertEquals(written, SnapshotFile.verify(file));
    assertFalse(Files.exists(SnapshotFile.tempOf(file)), "no temp file left");
  }

  @Test
  void write_producesTheDocumentedLayout() throws Exception {
    Path file = dir.resolve("snap.json");
    SnapshotFile.write(file, data(42, 2));
    ObjectNode root = (ObjectNode) JSON.readTree(file.toFile());
    assertEquals(List.of("format_version", "revision", "cluster_id", "written_at", "entry_count",
        "checksum", "entries"), iterable(root.fieldNames()));
    assertEquals(1, root.get("format_version").intValue());
    assertEquals(42, root.get("revision").longValue());
    assertEquals(7777, root.get("cluster_id").longValue());
    assertEquals("2026-11-23T10:15:30.123Z", root.get("written_at").textValue());
    assertEquals(2, root.get("entry_count").intValue());
    assertTrue(root.get("checksum").textValue().matches("sha256:[0-9a-f]{64}"));
    assertEquals(List.of("key", "value", "create_revision", "mod_revision"),
        iterable(root.get("entries").get(0).fieldNames()));
  }

  private static List<String> iterable(java.util.Iterator<String> it) {
    List<String> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }

  @Test
  void toBytes_isTheFileContent_andParsesBack() throws Exception {
    Path file = dir.resolve("snap.json");
    SnapshotData data = data(42, 3);
    SnapshotFile.write(file, data);
    byte[] bytes = SnapshotFile.toBytes(data);
    assertArrayEquals(Files.readAllBytes(file), bytes);
    assertEquals(data, SnapshotFile.parse(bytes, "mem://copy"));
  }

  @Test
  void parse_damagedBytes_namesTheSourceAndReason() {
    String text = new String(SnapshotFile.toBytes(data(5, 2)), StandardCharsets.UTF_8);
    byte[] tampered = text.replaceFirst("\"mod_revision\" : 5", "\"mod_revision\" : 4")
        .getBytes(StandardCharsets.UTF_8);
    SnapshotException e =
        assertThrows(SnapshotException.class, () -> SnapshotFile.parse(tampered, "s3://b/k"));
    assertTrue(e.getMessage().startsWith("s3://b/k: checksum mismatch"), e.getMessage());
    SnapshotException empty =
        assertThrows(SnapshotException.class, () -> SnapshotFile.parse(new byte[0], "s3://b/k"));
    assertEquals("s3://b/k: empty file (0 bytes)", empty.getMessage());
  }

  @Test
  void emptySnapshot_roundTrips() throws Exception {
    Path file = dir.resolve("snap.json");
    SnapshotFile.write(file, SnapshotData.of(0, 0, T0, List.of()));
    assertEquals(0, SnapshotFile.read(file).data().entries().size());
  }

  @Test
  void secondWrite_rotatesFirstToBak() throws Exception {
    Path file = dir.resolve("snap.json");
    SnapshotFile.write(file, data(1, 3));
    SnapshotFile.write(file, data(2, 3));
    assertEquals(2, SnapshotFile.verify(file).revision());
    assertEquals(1, SnapshotFile.verify(SnapshotFile.backupOf(file)).revision());
  }

  @Test
  void data_rejectsDuplicateKeys() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SnapshotData.of(1, 1, T0, List.of(
            new SnapshotEntry("/a", "1", 1, 1), new SnapshotEntry("/a", "2", 1, 1))));
    assertTrue(e.getMessage().contains("duplicate key '/a'"), e.getMessage());
  }

  /* ----------------------------------------------------- damaged main → .bak */

  /** A good main at revision 2 and a good .bak at revision 1. */
  private Path twoGenerations() throws IOException {
    Path file = dir.resolve("snap.json");
    SnapshotFile.write(file, data(1, 5));
    SnapshotFile.write(file, data(2, 5));
    return file;
  }

  static Stream<Arguments> damages() {
    return Stream.of(
        Arguments.of("zero-byte file", (Damage) bytes -> new byte[0], "empty file (0 bytes)"),
        Arguments.of("truncated", (Damage) bytes -> java.util.Arrays.copyOf(bytes, bytes.length / 2),
            "not valid JSON"),
        Arguments.of("truncated by one byte",
            (Damage) bytes -> java.util.Arrays.copyOf(bytes, bytes.length - 3), "not valid JSON"),
        Arguments.of("value tampered", text(s -> s.replace("\"/r3\\\"", "\"/r9\\\"")),
            "checksum mismatch"),
        Arguments.of("checksum tampered",
            text(s -> s.replaceFirst("sha256:[0-9a-f]", "sha256:x")), "checksum mismatch"),
        Arguments.of("wrong format version",
            text(s -> s.replaceFirst("\"format_version\" : 1", "\"format_version\" : 2")),
            "unsupported format_version 2"),
        Arguments.of("entry_count wrong",
            text(s -> s.replaceFirst("\"entry_count\" : 5", "\"entry_count\" : 4")),
            "entry_count says 4 but 5"),
        Arguments.of("negative revision",
            text(s -> s.replaceFirst("\"revision\" : 2", "\"revision\" : -2")),
            "revision must be >= 0"),
        Arguments.of("revision is a string",
            text(s -> s.replaceFirst("\"revision\" : 2", "\"revision\" : \"2\"")),
            "revision: expected an integer"),
        Arguments.of("not an object", (Damage) bytes -> "[1,2]".getBytes(StandardCharsets.UTF_8),
            "top level is not a JSON object"),
        Arguments.of("trailing garbage", text(s -> s + "{}"), "not valid JSON"),
        Arguments.of("written_at garbage",
            text(s -> s.replaceFirst("2026-11-23T10:15:30.123Z", "yesterday")), "written_at"));
  }

  interface Damage {
    byte[] apply(byte[] bytes);
  }

  private static Damage text(UnaryOperator<String> edit) {
    return bytes -> {
      String before = new String(bytes, StandardCharsets.UTF_8);
      String after = edit.apply(before);
      if (after.equals(before)) {
        throw new AssertionError("damage did not apply; the file layout changed?");
      }
      return after.getBytes(StandardCharsets.UTF_8);
    };
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("damages")
  void damagedMain_fallsBackToBak_withProblem(String name, Damage damage, String reason)
      throws Exception {
    Path file = twoGenerations();
    Files.write(file, damage.apply(Files.readAllBytes(file)));

    SnapshotFile.Loaded loaded = SnapshotFile.read(file);
    assertEquals(1, loaded.data().revision());
    assertEquals(SnapshotFile.backupOf(file), loaded.source());
    assertTrue(loaded.fromBackup());
    assertEquals(1, loaded.problems().size());
    String problem = loaded.problems().get(0);
    assertTrue(problem.startsWith(file + ": "), problem);
    assertTrue(problem.contains(reason), problem);

    SnapshotException e = assertThrows(SnapshotException.class, () -> SnapshotFile.verify(file));
    assertTrue(e.getMessage().contains(reason), e.getMessage());
    assertFalse(e.missing());
  }

  @Test
  void duplicateKeys_withValidChecksum_fallBackToBak() throws Exception {
    Path file = twoGenerations();
    List<SnapshotEntry> dup = List.of(
        new SnapshotEntry("/apisix/routes/1", "a", 1, 1),
        new SnapshotEntry("/apisix/routes/1", "b", 1, 2));
    Files.writeString(file, handcrafted(2, dup, SnapshotFile.checksum(dup)));
    SnapshotFile.Loaded loaded = SnapshotFile.read(file);
    assertEquals(1, loaded.data().revision());
    assertTrue(loaded.problems().get(0).contains("duplicate key '/apisix/routes/1'"),
        loaded.problems().toString());
  }

  @Test
  void unsortedKeys_withValidChecksum_fallBackToBak() throws Exception {
    Path file = twoGenerations();
    List<SnapshotEntry> unsorted = List.of(
        new SnapshotEntry("/b", "b", 1, 1), new SnapshotEntry("/a", "a", 1, 1));
    Files.writeString(file, handcrafted(2, unsorted, SnapshotFile.checksum(unsorted)));
    assertTrue(SnapshotFile.read(file).problems().get(0).contains("not sorted"));
  }

  @Test
  void duplicateJsonField_isRejected() throws Exception {
    Path file = twoGenerations();
    String s = Files.readString(file).replaceFirst("\"revision\" : 2,", "\"revision\" : 2, \"revision\" : 3,");
    Files.writeString(file, s);
    assertTrue(SnapshotFile.read(file).problems().get(0).contains("Duplicate field"));
  }

  private static String handcrafted(long revision, List<SnapshotEntry> entries, String checksum) {
    ObjectNode root = JSON.createObjectNode();
    root.put("format_version", 1).put("revision", revision).put("cluster_id", 1)
        .put("written_at", T0.toString()).put("entry_count", entries.size())
        .put("checksum", checksum);
    ArrayNode arr = root.putArray("entries");
    for (SnapshotEntry e : entries) {
      arr.addObject().put("key", e.key()).put("value", e.value())
          .put("create_revision", e.createRevision()).put("mod_revision", e.modRevision());
    }
    return root.toString();
  }

  @Test
  void missingMain_loadsBak() throws Exception {
    Path file = twoGenerations();
    Files.delete(file);
    SnapshotFile.Loaded loaded = SnapshotFile.read(file);
    assertEquals(1, loaded.data().revision());
    assertEquals(List.of(file + ": missing"), loaded.problems());
  }

  @Test
  void bothBad_throwsNamingEachFileAndReason() throws Exception {
    Path file = twoGenerations();
    Path bak = SnapshotFile.backupOf(file);
    Files.write(file, new byte[0]);
    Files.writeString(bak, "{\"format_version\": 1, \"revision\"");
    SnapshotException e = assertThrows(SnapshotException.class, () -> SnapshotFile.read(file));
    assertFalse(e.missing());
    assertEquals(2, e.problems().size());
    assertTrue(e.getMessage().contains(file + ": empty file (0 bytes)"), e.getMessage());
    assertTrue(e.getMessage().contains(bak + ": not valid JSON"), e.getMessage());
  }

  @Test
  void neitherExists_throwsMissing() {
    Path file = dir.resolve("never-written.json");
    SnapshotException e = assertThrows(SnapshotException.class, () -> SnapshotFile.read(file));
    assertTrue(e.missing());
    assertTrue(e.getMessage().contains(file + ": missing"), e.getMessage());
  }

  /* ------------------------------------------------------------ write failure */

  @Test
  void writeFailure_leavesExistingFilesIntact_andNoTemp() throws Exception {
    Path file = twoGenerations();
    byte[] main = Files.readAllBytes(file);
    byte[] bak = Files.readAllBytes(SnapshotFile.backupOf(file));
    // A non-empty directory where the temp file should go: opening it for writing fails.
    Path tmp = SnapshotFile.tempOf(file);
    Files.createDirectories(tmp.resolve("blocker"));

    assertThrows(IOException.class, () -> SnapshotFile.write(file, data(3, 5)));
    assertArrayEquals(main, Files.readAllBytes(file));
    assertArrayEquals(bak, Files.readAllBytes(SnapshotFile.backupOf(file)));
    assertEquals(2, SnapshotFile.read(file).data().revision());
  }

  @Test
  void writeFailure_atRotation_leavesMainIntact_andNoTemp() throws Exception {
    // The temp file is written and synced, then rotating main to .bak fails because a
    // non-empty directory sits where .bak goes.
    Path file = dir.resolve("snap.json");
    SnapshotFile.write(file, data(1, 5));
    byte[] main = Files.readAllBytes(file);
    Files.createDirectories(SnapshotFile.backupOf(file).resolve("blocker"));

    assertThrows(IOException.class, () -> SnapshotFile.write(file, data(2, 5)));
    assertArrayEquals(main, Files.readAllBytes(file));
    assertFalse(Files.exists(SnapshotFile.tempOf(file)), "temp file removed");
    assertEquals(1, SnapshotFile.read(file).data().revision());
  }

  @Test
  void writeFailure_parentIsAFile() throws Exception {
    Path notADir = Files.writeString(dir.resolve("plain"), "x");
    assertThrows(IOException.class, () -> SnapshotFile.write(notADir.resolve("snap.json"), data(1, 1)));
    assertEquals("x", Files.readString(notADir));
  }

  @Test
  void writeFailure_parentMissing() {
    Path file = dir.resolve("no/such/dir/snap.json");
    assertThrows(IOException.class, () -> SnapshotFile.write(file, data(1, 1)));
  }
}
