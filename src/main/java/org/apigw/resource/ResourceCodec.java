package org.apigw.resource;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apigw.plugin.PluginCatalog;

/**
 * Interim stand-in so the admin branch compiles and tests before the real codec (branch
 * {@code resource}) is merged; the merge replaces this file wholesale. It checks only what the
 * admin tests touch: object shape, route uri/methods, consumer username, plugin names.
 */
public final class ResourceCodec {
  private static final Set<String> METHODS =
      Set.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "CONNECT", "TRACE", "PURGE");

  private final PluginCatalog plugins;

  public ResourceCodec(PluginCatalog plugins) {
    this.plugins = plugins;
  }

  public Optional<String> validate(ResourceType type, JsonNode body) {
    if (body == null || !body.isObject()) {
      return Optional.of("invalid configuration: wrong type: expected object");
    }
    if (type == ResourceType.ROUTES) {
      if (!body.has("uri") && !body.has("uris")) {
        return Optional.of(
            "invalid configuration: allOf 1 failed: value should match only one schema, but matches none");
      }
      if (body.has("uri") && !body.get("uri").isTextual()) {
        return Optional.of(
            "invalid configuration: property \"uri\" validation failed: wrong type: expected string");
      }
      JsonNode methods = body.get("methods");
      if (methods != null) {
        for (int i = 0; i < methods.size(); i++) {
          if (!METHODS.contains(methods.get(i).asText())) {
            return Optional.of(
                "invalid configuration: property \"methods\" validation failed: failed to validate item "
                    + (i + 1)
                    + ": matches none of the enum values");
          }
        }
      }
    }
    if (type == ResourceType.CONSUMERS && !body.path("username").isTextual()) {
      return Optional.of("invalid configuration: property \"username\" is required");
    }
    JsonNode conf = body.get("plugins");
    if (conf != null) {
      for (Iterator<Map.Entry<String, JsonNode>> it = conf.fields(); it.hasNext(); ) {
        String name = it.next().getKey();
        if (!plugins.isEnabled(name)) {
          return Optional.of("unknown plugin [" + name + "]");
        }
      }
    }
    return Optional.empty();
  }

  public Decoded decode(ResourceType type, String id, byte[] value) {
    throw new UnsupportedOperationException("interim ResourceCodec: decode not available");
  }
}
