package org.apigw.resource;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** A consumer; its id is its username. */
public record Consumer(
    String username, String desc, String groupId, Map<String, JsonNode> plugins, Map<String, String> labels)
    implements Resource {

  public Consumer {
    plugins = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(plugins));
    labels = Map.copyOf(labels);
  }

  @Override
  public String id() {
    return username;
  }
}
