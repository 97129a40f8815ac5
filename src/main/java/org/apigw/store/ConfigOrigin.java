package org.apigw.store;

/** Where the config being served came from; shown by the Control API and exported as a metric. */
public enum ConfigOrigin {
  /** Nothing loaded yet. */
  NONE,
  /** Read from etcd and kept current by its watch. */
  ETCD,
  /** Loaded from the local snapshot file because etcd was unreachable at start. */
  SNAPSHOT,
  /** Standalone mode: read from {@code conf/apisix.yaml} and kept current by polling it. */
  YAML;

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
