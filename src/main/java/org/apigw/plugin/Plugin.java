package org.apigw.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.buffer.Buffer;
import java.util.Set;

/**
 * A built-in plugin: a name, APISIX's priority, a JSON schema, a typed conf and phase hooks.
 *
 * <p><b>Conf lifecycle.</b> A conf is checked against {@link #schemaResource()} (draft-07,
 * {@code classpath:plugins/<name>.json}), then {@link #decode} turns it into an immutable typed
 * object: defaults applied, regexes compiled, fixed responses prepared. {@code decode} runs when
 * the Admin API checks a value (its {@link PluginConfigException} message becomes the error text)
 * and once more when a revision's chains are built; the request path only reads the typed conf.
 *
 * <p><b>Hooks</b> run on the request's event loop and must not block. {@link #phases()} lists the
 * hooks a plugin implements so a chain only calls those. {@code rewrite}, {@code access} and
 * {@code before_proxy} may end the request ({@link PhaseResult.Respond}) or suspend it ({@link
 * PhaseResult.Async}); the response phases only shape what is sent.
 *
 * <p>State that must outlive a revision belongs in a {@link PluginState} field of the plugin
 * instance, never in the conf. Instances are shared by all event loops.
 *
 * @param <C> the typed conf
 */
public interface Plugin<C> {

  String name();

  /** APISIX's priority: higher runs first within a phase. */
  int priority();

  Set<Phase> phases();

  /** Classpath location of the conf schema. */
  default String schemaResource() {
    return "plugins/" + name() + ".json";
  }

  /** Classpath location of the consumer conf schema, or null when the plugin has none. */
  default String consumerSchemaResource() {
    return null;
  }

  /**
   * Classpath location of the metadata schema ({@code plugin_metadata/<name>}), or null when the
   * plugin takes no metadata.
   */
  default String metadataSchemaResource() {
    return null;
  }

  /**
   * Turns schema-valid metadata (without {@code id}) into what the plugin reads per request
   * through {@link PluginContext#metadata}. Decoded once per revision.
   *
   * @throws PluginConfigException when a check beyond the schema fails
   */
  default Object decodeMetadata(JsonNode conf) {
    return conf;
  }

  /**
   * Turns a schema-valid conf (without {@code _meta}; schema defaults not applied) into the typed
   * conf.
   *
   * @throws PluginConfigException when a check beyond the schema fails
   */
  C decode(JsonNode conf);

  default PhaseResult rewrite(C conf, PluginContext ctx) {
    return PhaseResult.CONTINUE;
  }

  default PhaseResult access(C conf, PluginContext ctx) {
    return PhaseResult.CONTINUE;
  }

  /** After the upstream node is picked, before each attempt to reach it. */
  default PhaseResult beforeProxy(C conf, PluginContext ctx) {
    return PhaseResult.CONTINUE;
  }

  /** Shapes status and headers of the response (the upstream's or the gateway's own). */
  default void headerFilter(C conf, PluginContext ctx) {}

  /**
   * Transforms the response body one chunk at a time. Called at least once, with {@code last}
   * true on the final call (whose chunk may be empty). Return the bytes to send in its place
   * (an empty buffer to hold back, e.g. while collecting the whole body).
   *
   * <p>A plugin that changes the body length removes {@code Content-Length} in its {@code
   * header_filter}.
   */
  default Buffer bodyFilter(C conf, PluginContext ctx, Buffer chunk, boolean last) {
    return chunk;
  }

  /** After the response is sent (or the client went away). */
  default void log(C conf, PluginContext ctx) {}
}
