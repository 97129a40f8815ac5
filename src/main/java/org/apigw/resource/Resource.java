package org.apigw.resource;

/** A decoded, validated configuration object. Implementations are immutable records. */
public sealed interface Resource
    permits Route,
        Service,
        Upstream,
        Consumer,
        PluginConfig,
        GlobalRule,
        ConsumerGroup,
        ConsumerCredential,
        PluginMetadata {

  /** The id as it appears in the etcd key (for consumers, the username). */
  String id();
}
