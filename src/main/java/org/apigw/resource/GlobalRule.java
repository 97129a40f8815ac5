package org.apigw.resource;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** Plugins that run on every request. */
public record GlobalRule(String id, Map<String, JsonNode> plugins) implements Resource {

  public GlobalRule {
    plugins = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(plugins));
  }
}
