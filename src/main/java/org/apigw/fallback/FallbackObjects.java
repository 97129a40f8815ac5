package org.apigw.fallback;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apigw.snapshot.SnapshotData;
import org.apigw.snapshot.SnapshotException;
import org.apigw.snapshot.SnapshotFile;

/**
 * The layout of the config copy in the bucket, and the two protocols over it.
 *
 * <h2>Layout</h2>
 *
 * For etcd prefix {@code /apisix}, everything lives under {@code apisix/}:
 *
 * <ul>
 *   <li>{@code apisix/config-<revision>-<epoch millis>.json}: one data object per dump, never
 *       overwritten; the same checksummed document as the local snapshot file
 *       ({@link SnapshotFile#toBytes}).
 *   <li>{@code apisix/latest.json}: the pointer, a small JSON document naming the current data
 *       object: {@code {"format_version": 1, "object": "...", "revision": 42, "cluster_id": 7,
 *       "written_at": "...", "entry_count": 12, "sha256": "<hex of the object's bytes>"}}.
 * </ul>
 *
 * <h2>Protocols</h2>
 *
 * Upload: write the data object under its new unique name, then overwrite the pointer. An object
 * PUT replaces a key whole, so a reader sees the old pointer (naming a complete older object) or
 * the new one (naming a complete new object), never a half-written config. The newest
 * {@value #KEEP} data objects are kept; older ones are deleted after the pointer moved, so a
 * reader that fetched the previous pointer a moment ago still finds its object.
 *
 * <p>Download: read the pointer, then the object it names; verify the object as a snapshot file
 * is verified (entry checksum, ordering, header), then that its bytes hash to the pointer's
 * {@code sha256} and that its revision is the pointer's.
 */
public final class FallbackObjects {

  /** Data objects kept in the bucket, the current one included. */
  static final int KEEP = 3;

  private static final int POINTER_VERSION = 1;
  private static final Pattern DATA_NAME = Pattern.compile("config-(\\d+)-(\\d+)\\.json");
  private static final ObjectMapper JSON =
      new ObjectMapper(new JsonFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION))
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final ObjectStore store;
  private final String base;

  /**
   * @param etcdPrefix e.g. {@code /apisix}; object keys go under {@code apisix/}
   */
  public FallbackObjects(ObjectStore store, String etcdPrefix) {
    this.store = store;
    String trimmed = etcdPrefix.replaceAll("^/+", "").replaceAll("/+$", "");
    this.base = trimmed.isEmpty() ? "" : trimmed + "/";
  }

  /** Key of the pointer object. */
  public String pointerKey() {
    return base + "latest.json";
  }

  /** Where {@code key} lives, for messages. */
  public String describe(String key) {
    return store.describe(key);
  }

  /** What the pointer says. */
  public record Pointer(
      String object, long revision, long clusterId, String writtenAt, long entryCount, String sha256) {}

  /** A verified copy and the object it came from. */
  public record Fetched(SnapshotData data, String object) {}

  // ---------------------------------------------------------------------------- upload

  /**
   * Writes {@code data} as a new data object, then points {@code latest.json} at it, then prunes
   * old data objects (a failed prune is returned in the list, not thrown: the upload succeeded).
   *
   * @return the new data object's key
   */
  public Uploaded upload(SnapshotData data) throws ObjectStoreException {
    byte[] bytes = SnapshotFile.toBytes(data);
    String object = base + "config-" + data.revision() + "-" + data.writtenAt().toEpochMilli() + ".json";
    store.put(object, bytes);
    ObjectNode pointer = JSON.createObjectNode();
    pointer.put("format_version", POINTER_VERSION);
    pointer.put("object", object);
    pointer.put("revision", data.revision());
    pointer.put("cluster_id", data.clusterId());
    pointer.put("written_at", data.writtenAt().toString());
    pointer.put("entry_count", data.entries().size());
    pointer.put("sha256", sha256(bytes));
    try {
      store.put(pointerKey(), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(pointer));
    } catch (IOException e) {
      throw new IllegalStateException("serialising a JSON tree cannot fail", e);
    }
    List<String> pruneProblems = prune(object);
    return new Uploaded(object, bytes.length, pruneProblems);
  }

  /** The outcome of {@link #upload}. */
  public record Uploaded(String object, long bytes, List<String> pruneProblems) {}

  /** Deletes all but the newest {@link #KEEP} data objects; never the one just written. */
  private List<String> prune(String current) {
    List<String> problems = new ArrayList<>();
    List<String> data = new ArrayList<>();
    try {
      for (String key : store.list(base + "config-")) {
        if (DATA_NAME.matcher(key.substring(base.length())).matches()) {
          data.add(key);
        }
      }
    } catch (ObjectStoreException e) {
      problems.add(e.getMessage());
      return problems;
    }
    data.sort(Comparator.comparingLong(this::writtenMillis).thenComparing(Comparator.naturalOrder()));
    for (int i = 0; i < data.size() - KEEP; i++) {
      if (data.get(i).equals(current)) {
        continue;
      }
      try {
        store.delete(data.get(i));
      } catch (ObjectStoreException e) {
        problems.add(e.getMessage());
      }
    }
    return problems;
  }

  private long writtenMillis(String key) {
    Matcher m = DATA_NAME.matcher(key.substring(base.length()));
    return m.matches() ? Long.parseLong(m.group(2)) : 0;
  }

  // -------------------------------------------------------------------------- download

  /**
   * Reads the pointer, or returns null when there is none.
   *
   * @throws FallbackException the pointer exists but is unreadable or malformed
   */
  public Pointer readPointer() throws FallbackException {
    byte[] bytes;
    try {
      bytes = store.get(pointerKey());
    } catch (ObjectStoreException e) {
      if (e.missing()) {
        return null;
      }
      throw new FallbackException(e.getMessage(), e);
    }
    String where = describe(pointerKey());
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (IOException e) {
      throw new FallbackException(where + ": not valid JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new FallbackException(where + ": not a JSON object");
    }
    if (root.path("format_version").asLong() != POINTER_VERSION) {
      throw new FallbackException(where + ": unsupported format_version " + root.path("format_version"));
    }
    String object = root.path("object").asText("");
    if (!object.startsWith(base) || !DATA_NAME.matcher(object.substring(base.length())).matches()) {
      throw new FallbackException(where + ": object '" + object + "' is not a data object under " + base);
    }
    String sha = root.path("sha256").asText("");
    if (!sha.matches("[0-9a-f]{64}")) {
      throw new FallbackException(where + ": sha256 is not 64 hex digits: '" + sha + "'");
    }
    for (String field : List.of("revision", "cluster_id", "entry_count")) {
      if (!root.path(field).isIntegralNumber()) {
        throw new FallbackException(where + ": " + field + ": expected an integer");
      }
    }
    return new Pointer(
        object, root.get("revision").asLong(), root.get("cluster_id").asLong(),
        root.path("written_at").asText(""), root.get("entry_count").asLong(), sha);
  }

  /**
   * Fetches and verifies the current copy.
   *
   * @throws FallbackException no pointer, no object, or a copy that fails verification; the
   *     message names the object and the reason
   */
  public Fetched download() throws FallbackException {
    Pointer pointer = readPointer();
    if (pointer == null) {
      throw new FallbackException(
          describe(pointerKey()) + ": no such object (no control plane has dumped this prefix yet?)");
    }
    byte[] bytes;
    try {
      bytes = store.get(pointer.object());
    } catch (ObjectStoreException e) {
      throw new FallbackException(
          e.missing()
              ? describe(pointer.object()) + ", named by " + pointerKey() + ", does not exist"
              : e.getMessage(),
          e);
    }
    SnapshotData data;
    try {
      data = SnapshotFile.parse(bytes, describe(pointer.object()));
    } catch (SnapshotException e) {
      throw new FallbackException(e.getMessage(), e);
    }
    String actual = sha256(bytes);
    if (!actual.equals(pointer.sha256())) {
      throw new FallbackException(
          describe(pointer.object()) + ": sha256 " + actual + " differs from " + pointer.sha256()
              + " in " + pointerKey() + " (the object was replaced or damaged)");
    }
    if (data.revision() != pointer.revision()) {
      throw new FallbackException(
          describe(pointer.object()) + ": revision " + data.revision() + " differs from "
              + pointer.revision() + " in " + pointerKey());
    }
    return new Fetched(data, pointer.object());
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JRE has SHA-256", e);
    }
  }
}
