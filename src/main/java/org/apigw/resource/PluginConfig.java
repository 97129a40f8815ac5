package org.apigw.resource;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** A reusable plugin set referenced by {@code route.plugin_config_id}. */
public record PluginConfig(String id, String name, Map<String, JsonNode> plugins) implements Resource {

  public PluginConfig {
    plugins = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(plugins));
  }
}
