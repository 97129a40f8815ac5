package org.apigw.snapshot;

import java.util.Objects;

/**
 * One etcd key as persisted in the snapshot file. Value-based: do not synchronise on it or
 * compare with {@code ==}.
 *
 * @param key the full etcd key, e.g. {@code /apisix/routes/1}
 * @param value the raw etcd value text, exactly as read (not re-encoded), so a value that a
 *     later build decodes differently is still restored byte for byte
 * @param createRevision etcd {@code create_revision} of the key
 * @param modRevision etcd {@code mod_revision} of the key
 */
public record SnapshotEntry(String key, String value, long createRevision, long modRevision) {

  public SnapshotEntry {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    if (createRevision < 0 || modRevision < 0) {
      throw new IllegalArgumentException(
          "negative revision for " + key + ": create=" + createRevision + " mod=" + modRevision);
    }
  }
}
