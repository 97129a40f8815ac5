package org.apigw.snapshot;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and writes the on-disk config snapshot (failure modes F9 and F11).
 *
 * <h2>Layout</h2>
 *
 * <pre>{@code
 * {"format_version": 1, "revision": 42, "cluster_id": 123, "written_at": "2026-11-23T10:00:00Z",
 *  "entry_count": 2, "checksum": "sha256:<hex>",
 *  "entries": [{"key": "...", "value": "...", "create_revision": 3, "mod_revision": 40}, ...]}
 * }</pre>
 *
 * <p>The checksum covers the entries only, over a canonical byte form that does not depend on how
 * the JSON was formatted or escaped: for each entry in order, the UTF-8 key and value each
 * preceded by their length as a big-endian int32, then create and mod revision as big-endian
 * int64. The header fields are checked for type and range, and {@code entry_count} must match.
 *
 * <h2>Write protocol</h2>
 *
 * Write {@code <file>.tmp} in the same directory (so the rename is atomic), fsync it, rename the
 * current file to {@code <file>.bak}, rename the temp file to {@code <file>}, fsync the
 * directory. A crash at any point leaves either the new file, or the old file, or (between the
 * two renames) only {@code .bak} holding the old generation; {@link #read} handles all three. On
 * failure the temp file is removed and the existing files are left as they were.
 *
 * <p>One writer per file: two processes writing the same path would share the temp file.
 */
public final class SnapshotFile {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotFile.class);

  private static final String CHECKSUM_PREFIX = "sha256:";
  private static final ObjectMapper MAPPER =
      new ObjectMapper(new JsonFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION))
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.USE_LONG_FOR_INTS);

  private SnapshotFile() {}

  /** A snapshot that passed verification, where it came from, and why the main file was skipped. */
  public record Loaded(SnapshotData data, Path source, List<String> problems) {
    public Loaded {
      problems = List.copyOf(problems);
    }

    /** True when the data came from the backup because the main file was unusable. */
    public boolean fromBackup() {
      return !problems.isEmpty();
    }
  }

  /** {@code <file>.bak}: the previous good generation, kept by rotation on every write. */
  public static Path backupOf(Path file) {
    return file.resolveSibling(file.getFileName() + ".bak");
  }

  static Path tempOf(Path file) {
    return file.resolveSibling(file.getFileName() + ".tmp");
  }

  // ---------------------------------------------------------------------------------- write

  /**
   * Writes {@code data} crash-safely to {@code file}, keeping the current file as {@code .bak}.
   *
   * @throws IOException the write failed (disk full, read-only or missing directory, ...); the
   *     existing {@code file} and {@code .bak} are as they were and no temp file is left behind
   * @throws IllegalArgumentException {@code data} has a format version this build does not write
   */
  public static void write(Path file, SnapshotData data) throws IOException {
    write(file, data, true);
  }

  /**
   * As {@link #write(Path, SnapshotData)}; with {@code rotateCurrent == false} the current file is
   * replaced instead of rotated, so a known-bad main file cannot push a good {@code .bak} out.
   */
  static void write(Path file, SnapshotData data, boolean rotateCurrent) throws IOException {
    if (data.formatVersion() != SnapshotData.FORMAT_VERSION) {
      throw new IllegalArgumentException(
          "cannot write format_version " + data.formatVersion() + ", only "
              + SnapshotData.FORMAT_VERSION);
    }
    Path tmp = tempOf(file);
    Path bak = backupOf(file);
    boolean rotated = false;
    try {
      writeAndSync(tmp, data);
      if (rotateCurrent && Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        Files.move(file, bak, StandardCopyOption.ATOMIC_MOVE);
        rotated = true;
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      if (rotated) {
        try {
          Files.move(bak, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException undo) {
          e.addSuppressed(undo);
        }
      }
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
    syncDirectory(file.toAbsolutePath().getParent());
  }

  private static void writeAndSync(Path tmp, SnapshotData data) throws IOException {
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
      writeJson(out, data);
      out.flush();
      ch.force(true);
    }
  }

  /**
   * The document {@link #write} puts in the file, as bytes: for copies kept elsewhere (the
   * object-storage fallback), which {@link #parse} verifies exactly as {@link #read} does.
   *
   * @throws IllegalArgumentException {@code data} has a format version this build does not write
   */
  public static byte[] toBytes(SnapshotData data) {
    if (data.formatVersion() != SnapshotData.FORMAT_VERSION) {
      throw new IllegalArgumentException(
          "cannot write format_version " + data.formatVersion() + ", only "
              + SnapshotData.FORMAT_VERSION);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 12);
    try {
      writeJson(out, data);
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    return out.toByteArray();
  }

  /** Writes the JSON document to {@code out}, leaving {@code out} open (and unflushed). */
  private static void writeJson(OutputStream out, SnapshotData data) throws IOException {
    String checksum = checksum(data.entries());
    JsonGenerator g = MAPPER.getFactory().createGenerator(out);
    g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET); // a file channel must stay open for force()
    g.useDefaultPrettyPrinter();
    g.writeStartObject();
    g.writeNumberField("format_version", data.formatVersion());
    g.writeNumberField("revision", data.revision());
    g.writeNumberField("cluster_id", data.clusterId());
    g.writeStringField("written_at", data.writtenAt().toString());
    g.writeNumberField("entry_count", data.entries().size());
    g.writeStringField("checksum", checksum);
    g.writeArrayFieldStart("entries");
    for (SnapshotEntry e : data.entries()) {
      g.writeStartObject();
      g.writeStringField("key", e.key());
      g.writeStringField("value", e.value());
      g.writeNumberField("create_revision", e.createRevision());
      g.writeNumberField("mod_revision", e.modRevision());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
    g.writeRaw('\n');
    g.close();
  }

  /** fsync the directory so the rename itself is durable; some filesystems refuse, that is fine. */
  private static void syncDirectory(Path dir) {
    if (dir == null) {
      return;
    }
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      LOG.debug("fsync of directory {} not supported: {}", dir, e.toString());
    }
  }

  // ----------------------------------------------------------------------------------- read

  /**
   * Loads {@code file}, or {@code <file>.bak} if the main file is missing or fails verification.
   *
   * @throws SnapshotException neither file is usable; the message names each file and reason
   */
  public static Loaded read(Path file) throws SnapshotException {
    List<String> problems = new ArrayList<>(2);
    boolean mainMissing;
    try {
      return new Loaded(load(file), file, List.of());
    } catch (Invalid e) {
      problems.add(file + ": " + e.getMessage());
      mainMissing = e.missing;
    }
    Path bak = backupOf(file);
    try {
      return new Loaded(load(bak), bak, problems);
    } catch (Invalid e) {
      problems.add(bak + ": " + e.getMessage());
      throw new SnapshotException(
          "no usable snapshot: " + String.join("; ", problems), problems, mainMissing && e.missing);
    }
  }

  /**
   * Loads and verifies exactly {@code file}, with no fallback (for {@code snapshot verify}).
   *
   * @throws SnapshotException the file is missing or fails verification; the message names it
   */
  public static SnapshotData verify(Path file) throws SnapshotException {
    try {
      return load(file);
    } catch (Invalid e) {
      String line = file + ": " + e.getMessage();
      throw new SnapshotException(line, List.of(line), e.missing);
    }
  }

  /**
   * Verifies and decodes a snapshot document held in memory (a copy fetched from elsewhere), with
   * the same checks as {@link #read}.
   *
   * @param source names the copy in the message, e.g. {@code s3://bucket/key}
   * @throws SnapshotException the bytes fail verification; the message is
   *     {@code "<source>: <reason>"}
   */
  public static SnapshotData parse(byte[] bytes, String source) throws SnapshotException {
    try {
      return decode(bytes);
    } catch (Invalid e) {
      String line = source + ": " + e.getMessage();
      throw new SnapshotException(line, List.of(line), false);
    }
  }

  /** Why one file was refused; never escapes this class. */
  private static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;
    final boolean missing;

    Invalid(String reason) {
      this(reason, false);
    }

    Invalid(String reason, boolean missing) {
      super(reason, null, false, false);
      this.missing = missing;
    }
  }

  private static SnapshotData load(Path file) throws Invalid {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new Invalid("missing", true);
    } catch (IOException e) {
      throw new Invalid("unreadable: " + e);
    }
    return decode(bytes);
  }

  private static SnapshotData decode(byte[] bytes) throws Invalid {
    if (bytes.length == 0) {
      throw new Invalid("empty file (0 bytes)");
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new Invalid("not valid JSON (truncated?): " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new Invalid("unreadable: " + e);
    }
    if (root == null || !root.isObject()) {
      throw new Invalid("top level is not a JSON object");
    }
    long version = longField(root, "format_version", "");
    if (version != SnapshotData.FORMAT_VERSION) {
      throw new Invalid(
          "unsupported format_version " + version + " (this build reads "
              + SnapshotData.FORMAT_VERSION + ")");
    }
    long revision = longField(root, "revision", "");
    if (revision < 0) {
      throw new Invalid("revision must be >= 0, got " + revision);
    }
    long clusterId = longField(root, "cluster_id", "");
    Instant writtenAt;
    String writtenAtText = textField(root, "written_at", "");
    try {
      writtenAt = Instant.parse(writtenAtText);
    } catch (DateTimeException e) {
      throw new Invalid("written_at: not an ISO-8601 instant: '" + writtenAtText + "'");
    }
    long entryCount = longField(root, "entry_count", "");
    String checksum = textField(root, "checksum", "");
    JsonNode array = root.get("entries");
    if (array == null || !array.isArray()) {
      throw new Invalid("entries: missing or not an array");
    }
    if (entryCount != array.size()) {
      throw new Invalid(
          "entry_count says " + entryCount + " but " + array.size() + " entries are present");
    }
    List<SnapshotEntry> entries = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      JsonNode n = array.get(i);
      String at = "entries[" + i + "].";
      if (!n.isObject()) {
        throw new Invalid("entries[" + i + "]: not an object");
      }
      String key = textField(n, "key", at);
      String value = textField(n, "value", at);
      long create = longField(n, "create_revision", at);
      long mod = longField(n, "mod_revision", at);
      if (create < 0 || mod < 0) {
        throw new Invalid(at + "create_revision/mod_revision must be >= 0");
      }
      entries.add(new SnapshotEntry(key, value, create, mod));
    }
    String disorder = SnapshotData.firstDisorder(entries);
    if (disorder != null) {
      throw new Invalid(disorder);
    }
    String actual = checksum(entries);
    if (!actual.equals(checksum)) {
      throw new Invalid("checksum mismatch: file says " + checksum + ", entries hash to " + actual);
    }
    return new SnapshotData((int) version, revision, clusterId, writtenAt, entries);
  }

  private static long longField(JsonNode obj, String name, String at) throws Invalid {
    JsonNode n = obj.get(name);
    if (n == null) {
      throw new Invalid(at + name + ": missing");
    }
    if (!n.isIntegralNumber() || !n.canConvertToLong()) {
      throw new Invalid(at + name + ": expected an integer, got " + abbreviate(n));
    }
    return n.longValue();
  }

  private static String textField(JsonNode obj, String name, String at) throws Invalid {
    JsonNode n = obj.get(name);
    if (n == null) {
      throw new Invalid(at + name + ": missing");
    }
    if (!n.isTextual()) {
      throw new Invalid(at + name + ": expected a string, got " + abbreviate(n));
    }
    return n.textValue();
  }

  private static String abbreviate(JsonNode n) {
    String s = n.toString();
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  // ------------------------------------------------------------------------------- checksum

  /** {@code sha256:<hex>} over the canonical entry bytes described in the class javadoc. */
  static String checksum(List<SnapshotEntry> entries) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JRE has SHA-256", e);
    }
    ByteBuffer numbers = ByteBuffer.allocate(16);
    for (SnapshotEntry e : entries) {
      updateLengthPrefixed(sha, numbers, e.key().getBytes(StandardCharsets.UTF_8));
      updateLengthPrefixed(sha, numbers, e.value().getBytes(StandardCharsets.UTF_8));
      numbers.clear();
      numbers.putLong(e.createRevision()).putLong(e.modRevision());
      sha.update(numbers.array(), 0, 16);
    }
    return CHECKSUM_PREFIX + HexFormat.of().formatHex(sha.digest());
  }

  private static void updateLengthPrefixed(MessageDigest sha, ByteBuffer scratch, byte[] bytes) {
    scratch.clear();
    scratch.putInt(bytes.length);
    sha.update(scratch.array(), 0, 4);
    sha.update(bytes);
  }
}
