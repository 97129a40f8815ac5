package org.apigw.store;

/**
 * One key as a config source delivers it. {@code value} is the raw stored bytes, or null for a
 * delete. Revisions are etcd's (a snapshot file carries them over; a YAML file numbers its own).
 */
public record ConfigEntry(String key, byte[] value, long createRevision, long modRevision) {

  public boolean isDelete() {
    return value == null;
  }

  public static ConfigEntry delete(String key, long modRevision) {
    return new ConfigEntry(key, null, 0, modRevision);
  }
}
