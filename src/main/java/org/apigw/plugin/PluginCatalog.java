package org.apigw.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.Set;

/**
 * What the validator needs to know about plugins: which names this node runs (the config's
 * {@code plugins:} list intersected with what the build has) and how to check a plugin's conf.
 */
public interface PluginCatalog {

  /** True when {@code name} is built in and enabled by the {@code plugins:} list. */
  boolean isEnabled(String name);

  /**
   * Checks one plugin conf against the plugin's schema.
   *
   * @return empty when valid, else the reason (without the plugin name prefix)
   */
  Optional<String> check(String name, JsonNode conf);

  /** Names of the enabled plugins. */
  Set<String> enabled();

  /** A catalog with no plugins: every plugin name is unknown. */
  PluginCatalog NONE =
      new PluginCatalog() {
        @Override
        public boolean isEnabled(String name) {
          return false;
        }

        @Override
        public Optional<String> check(String name, JsonNode conf) {
          return Optional.of("unknown plugin [" + name + "]");
        }

        @Override
        public Set<String> enabled() {
          return Set.of();
        }
      };
}
