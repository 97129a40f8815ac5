package org.apigw.store;

/** Where the config being served came from; shown by the Control API and exported as a metric. */
public enum ConfigOrigin {
  /** Nothing loaded yet. */
  NONE,
  /** Read from etcd and kept current by its watch. */
  ETCD,
  /** Loaded from the local snapshot file because etcd was unreachable at start. */
  SNAPSHOT,
  /**
   * Loaded from the control plane's copy in object storage ({@code deployment.fallback_cp})
   * because at start etcd was unreachable and no local snapshot was usable.
   */
  FALLBACK,
  /** Standalone mode: read from {@code conf/apisix.yaml} and kept current by polling it. */
  YAML;

  /** A start-up stand-in that etcd replaces as soon as it answers (snapshot or fallback). */
  public boolean isStandIn() {
    return this == SNAPSHOT || this == FALLBACK;
  }

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
