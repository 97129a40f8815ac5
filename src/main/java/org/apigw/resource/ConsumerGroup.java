package org.apigw.resource;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Plugins shared by the consumers whose {@code group_id} names this group. */
public record ConsumerGroup(String id, String name, Map<String, JsonNode> plugins) implements Resource {

  public ConsumerGroup {
    plugins = Collections.unmodifiableMap(new LinkedHashMap<>(plugins));
  }
}
