package org.apigw.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.MultiMap;
import org.apigw.resource.ResourceType;

/** List filters: {@code name} (substring), {@code label} ({@code k} or {@code k:v}), {@code uri} (routes, substring). */
final class Filters {
  private Filters() {}

  static boolean accept(ResourceType type, JsonNode value, MultiMap params) {
    String name = params.get("name");
    if (name != null && !value.path("name").asText("").contains(name)) {
      return false;
    }
    String label = params.get("label");
    if (label != null) {
      int colon = label.indexOf(':');
      String k = colon < 0 ? label : label.substring(0, colon);
      JsonNode v = value.path("labels").get(k);
      if (v == null || (colon >= 0 && !v.asText().equals(label.substring(colon + 1)))) {
        return false;
      }
    }
    String uri = params.get("uri");
    if (uri != null && type == ResourceType.ROUTES) {
      boolean hit = value.path("uri").asText("").contains(uri);
      for (JsonNode u : value.path("uris")) {
        hit |= u.asText("").contains(uri);
      }
      return hit;
    }
    return true;
  }
}
