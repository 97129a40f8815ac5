package org.apigw.resource;

import java.util.Optional;

/**
 * The kinds of object stored under the etcd prefix, with APISIX's directory names and the
 * human-readable kind used in Admin API messages ("missing route id", "wrong plugin config id").
 */
public enum ResourceType {
  ROUTES("routes", "route"),
  SERVICES("services", "service"),
  UPSTREAMS("upstreams", "upstream"),
  CONSUMERS("consumers", "consumer"),
  PLUGIN_CONFIGS("plugin_configs", "plugin config"),
  GLOBAL_RULES("global_rules", "global rule"),
  CONSUMER_GROUPS("consumer_groups", "consumer group"),
  PLUGIN_METADATA("plugin_metadata", "plugin metadata"),
  /**
   * {@code consumers/<username>/credentials/<id>}: a sub-resource stored in its consumer's
   * directory; its id is {@code <username>/credentials/<id>}.
   */
  CREDENTIALS("consumers", "credential");

  private final String dir;
  private final String kind;

  ResourceType(String dir, String kind) {
    this.dir = dir;
    this.kind = kind;
  }

  /** Name of the collection in listings and counts: the directory, or {@code credentials}. */
  public String collection() {
    return this == CREDENTIALS ? "credentials" : dir;
  }

  /** Directory under the prefix, e.g. {@code routes} for {@code /apisix/routes/1}. */
  public String dir() {
    return dir;
  }

  /** Name used in error messages, e.g. {@code plugin config}. */
  public String kind() {
    return kind;
  }

  public static Optional<ResourceType> fromDir(String dir) {
    for (ResourceType type : values()) {
      if (type != CREDENTIALS && type.dir.equals(dir)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }
}
