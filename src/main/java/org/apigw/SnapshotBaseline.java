package org.apigw;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apigw.snapshot.SnapshotData;
import org.apigw.snapshot.SnapshotEntry;
import org.apigw.snapshot.SnapshotException;
import org.apigw.snapshot.SnapshotFile;
import org.apigw.store.ConfigEntry;
import org.apigw.store.LastGoodValues;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's config snapshot file, read at most once and only when first needed: when etcd is
 * down at start, or does not answer within {@code startup_timeout}, or refuses a key's value on
 * its first full read. A start against a healthy etcd then never parses it, which is most of a
 * second at 10,000 routes on one core.
 */
final class SnapshotBaseline implements LastGoodValues {

  private static final Logger log = LoggerFactory.getLogger(SnapshotBaseline.class);

  private final Path file;
  private boolean read;
  private SnapshotFile.Loaded loaded;
  private String problem = "";
  private Map<String, SnapshotEntry> byKey;

  SnapshotBaseline(Path file) {
    this.file = file;
  }

  /** Whether the file or its backup is there to read (says nothing of whether it verifies). */
  boolean present() {
    return Files.exists(file) || Files.exists(SnapshotFile.backupOf(file));
  }

  /** The verified snapshot (or its backup), or null when neither is usable; see {@link #problem()}. */
  synchronized SnapshotFile.Loaded load() {
    if (!read) {
      read = true;
      try {
        loaded = SnapshotFile.read(file);
        for (String p : loaded.problems()) {
          log.warn("config snapshot: {}", p);
        }
      } catch (SnapshotException e) {
        problem = e.getMessage();
      }
    }
    return loaded;
  }

  /** Why {@link #load()} found nothing usable. */
  synchronized String problem() {
    return problem;
  }

  @Override
  public synchronized ConfigEntry find(String key, long clusterId) {
    SnapshotFile.Loaded snapshot = load();
    if (snapshot == null) {
      return null;
    }
    SnapshotData data = snapshot.data();
    if (data.clusterId() != 0 && clusterId != 0 && data.clusterId() != clusterId) {
      return null;
    }
    if (byKey == null) {
      byKey = new HashMap<>();
      for (SnapshotEntry entry : data.entries()) {
        byKey.put(entry.key(), entry);
      }
    }
    SnapshotEntry entry = byKey.get(key);
    return entry == null ? null : toConfigEntry(entry);
  }

  static ConfigEntry toConfigEntry(SnapshotEntry entry) {
    return new ConfigEntry(
        entry.key(), entry.value().getBytes(StandardCharsets.UTF_8), entry.createRevision(), entry.modRevision());
  }
}
