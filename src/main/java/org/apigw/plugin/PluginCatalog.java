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

  /** True when {@code name} is an enabled auth plugin (it has a consumer conf). */
  default boolean isAuth(String name) {
    return false;
  }

  /**
   * Checks an auth plugin's consumer conf (on a consumer or a credential).
   *
   * @return empty when valid, else the reason
   */
  default Optional<String> checkConsumer(String name, JsonNode conf) {
    return Optional.of("unknown plugin [" + name + "]");
  }

  /**
   * Checks a plugin's metadata ({@code plugin_metadata/<name>}, without {@code id}).
   *
   * @return empty when valid, else the reason
   */
  default Optional<String> checkMetadata(String name, JsonNode conf) {
    return Optional.of("invalid plugin name");
  }

  /** Which of a plugin's schemas {@link #schema} returns. */
  enum SchemaType {
    CONF,
    CONSUMER,
    METADATA
  }

  /**
   * The JSON schema document of an enabled plugin (for {@code GET /apisix/admin/plugins/<name>}),
   * or empty when the plugin is not enabled or has no schema of that type.
   */
  default Optional<JsonNode> schema(String name, SchemaType type) {
    return Optional.empty();
  }

  /** APISIX's priority of an enabled plugin; 0 when unknown. */
  default int priority(String name) {
    return 0;
  }

  /** The consumer conf field identifying a consumer for auth plugin {@code name}, or null. */
  default String credentialField(String name) {
    return null;
  }

  /** The fields of auth plugin {@code name}'s consumer conf that are stored encrypted. */
  default Set<String> encryptFields(String name) {
    return Set.of();
  }

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
