package org.apigw.resource;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.Set;
import org.apigw.plugin.PluginCatalog;

/**
 * A catalog with three plugins: {@code key-auth} and {@code proxy-rewrite} accept any object,
 * {@code limit-count} needs an integer {@code count} and refuses {@code _meta} (so tests can see
 * that {@code _meta} never reaches the plugin's own check).
 */
final class TestPlugins implements PluginCatalog {

  static final TestPlugins INSTANCE = new TestPlugins();

  private static final Set<String> ENABLED = Set.of("key-auth", "limit-count", "proxy-rewrite");

  @Override
  public boolean isEnabled(String name) {
    return ENABLED.contains(name);
  }

  @Override
  public Optional<String> check(String name, JsonNode conf) {
    if (name.equals("limit-count")) {
      if (conf.has("_meta")) {
        return Optional.of("_meta leaked into the plugin conf");
      }
      if (!conf.has("count")) {
        return Optional.of("property \"count\" is required");
      }
      if (!conf.get("count").isIntegralNumber()) {
        return Optional.of("property \"count\" validation failed: wrong type: expected integer");
      }
    }
    return Optional.empty();
  }

  @Override
  public Set<String> enabled() {
    return ENABLED;
  }
}
