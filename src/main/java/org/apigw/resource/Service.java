package org.apigw.resource;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/** A service: shared upstream, plugins and hosts that routes inherit through service_id. */
public record Service(
    String id,
    String name,
    List<String> hosts,
    String upstreamId,
    Upstream upstream,
    Map<String, JsonNode> plugins,
    Boolean enableWebsocket,
    Map<String, String> labels)
    implements Resource {

  public Service {
    hosts = List.copyOf(hosts);
    plugins = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(plugins));
    labels = Map.copyOf(labels);
  }
}
