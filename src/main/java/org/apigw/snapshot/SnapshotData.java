package org.apigw.snapshot;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * One complete, fully synced config generation as it is written to disk. Value-based: do not
 * synchronise on it or compare with {@code ==}.
 *
 * <p>Only build this from a state that has finished a full sync with etcd (failure mode F9): a
 * snapshot taken half way through a re-list would overwrite a good file with a partial table.
 *
 * @param formatVersion the on-disk layout; this build reads and writes {@link #FORMAT_VERSION}
 * @param revision the etcd revision this generation reflects (header revision, not a key's)
 * @param clusterId the etcd cluster id; a loader discards a snapshot from another cluster
 * @param writtenAt when the generation was handed to the writer (for "config age" reporting)
 * @param entries every key, sorted by {@link String#compareTo} (the same as etcd's byte order for
 *     ASCII keys), keys unique
 */
public record SnapshotData(
    int formatVersion, long revision, long clusterId, Instant writtenAt, List<SnapshotEntry> entries) {

  /** The only format version this build writes and accepts. */
  public static final int FORMAT_VERSION = 1;

  /** Order of {@link #entries()}. */
  static final Comparator<SnapshotEntry> BY_KEY = Comparator.comparing(SnapshotEntry::key);

  /**
   * @throws IllegalArgumentException if the revision is negative or the entries are not strictly
   *     sorted by key (which also rules out duplicates); the message names the first offending key
   */
  public SnapshotData {
    Objects.requireNonNull(writtenAt, "writtenAt");
    entries = List.copyOf(entries);
    if (formatVersion <= 0) {
      throw new IllegalArgumentException("format_version must be positive: " + formatVersion);
    }
    if (revision < 0) {
      throw new IllegalArgumentException("revision must be >= 0: " + revision);
    }
    String disorder = firstDisorder(entries);
    if (disorder != null) {
      throw new IllegalArgumentException(disorder);
    }
  }

  /** Sorts {@code entries} by key; rejects duplicate keys. Uses {@link #FORMAT_VERSION}. */
  public static SnapshotData of(
      long revision, long clusterId, Instant writtenAt, Collection<SnapshotEntry> entries) {
    List<SnapshotEntry> sorted = new ArrayList<>(entries);
    sorted.sort(BY_KEY);
    return new SnapshotData(FORMAT_VERSION, revision, clusterId, writtenAt, sorted);
  }

  /** Describes the first duplicate or out-of-order key, or returns null when the list is fine. */
  static String firstDisorder(List<SnapshotEntry> entries) {
    for (int i = 1; i < entries.size(); i++) {
      String prev = entries.get(i - 1).key();
      String key = entries.get(i).key();
      int c = prev.compareTo(key);
      if (c == 0) {
        return "duplicate key '" + key + "' at entries[" + i + "]";
      }
      if (c > 0) {
        return "entries not sorted by key: '" + key + "' at entries[" + i + "] follows '" + prev + "'";
      }
    }
    return null;
  }
}
