package org.apigw.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apigw.expr.Expr;
import org.apigw.resource.SchemaValidator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugins this node runs: the built-in plugins named in the config's {@code plugins:} list,
 * with their schemas compiled once. Checks confs for the Admin API and the data plane ({@link
 * PluginCatalog}) and builds the {@link PluginChain}s of a revision.
 *
 * <p>Immutable and thread-safe after construction.
 */
public final class Plugins implements PluginCatalog {

  private static final Logger log = LoggerFactory.getLogger(Plugins.class);

  /** Confs of one resource, e.g. owner {@code routes/1}. */
  public record Source(String owner, Map<String, JsonNode> confs) {}

  private final Map<String, Plugin<Object>> plugins = new LinkedHashMap<>();
  private final Map<String, SchemaValidator.Check> schemas = new LinkedHashMap<>();
  private final Map<String, SchemaValidator.Check> consumerSchemas = new LinkedHashMap<>();
  private final Map<String, SchemaValidator.Check> metadataSchemas = new LinkedHashMap<>();
  private final Set<String> enabled;

  /**
   * @param builtin every plugin this build has
   * @param enabledNames the {@code plugins:} list; names this build lacks are ignored (the config
   *     loader warns about them)
   */
  @SuppressWarnings("unchecked")
  public Plugins(Collection<? extends Plugin<?>> builtin, Collection<String> enabledNames) {
    Set<String> wanted = Set.copyOf(enabledNames);
    for (Plugin<?> plugin : builtin) {
      if (wanted.contains(plugin.name())) {
        plugins.put(plugin.name(), (Plugin<Object>) plugin);
        schemas.put(plugin.name(), SchemaValidator.compileOnFirstUse(Json.MAPPER, plugin.schemaResource()));
        if (plugin instanceof AuthPlugin<?, ?> auth) {
          consumerSchemas.put(
              plugin.name(), SchemaValidator.compileOnFirstUse(Json.MAPPER, auth.consumerSchemaResource()));
        }
        if (plugin.metadataSchemaResource() != null) {
          metadataSchemas.put(
              plugin.name(), SchemaValidator.compileOnFirstUse(Json.MAPPER, plugin.metadataSchemaResource()));
        }
      }
    }
    this.enabled = Collections.unmodifiableSet(new TreeSet<>(plugins.keySet()));
  }

  @Override
  public boolean isEnabled(String name) {
    return plugins.containsKey(name);
  }

  @Override
  public Set<String> enabled() {
    return enabled;
  }

  public Plugin<Object> plugin(String name) {
    return plugins.get(name);
  }

  @Override
  public Optional<String> check(String name, JsonNode conf) {
    Plugin<Object> plugin = plugins.get(name);
    if (plugin == null) {
      return Optional.of("unknown plugin [" + name + "]");
    }
    Optional<String> error = schemas.get(name).validate(conf);
    if (error.isPresent()) {
      return error;
    }
    try {
      plugin.decode(conf);
      return Optional.empty();
    } catch (PluginConfigException e) {
      return Optional.of(e.getMessage());
    }
  }

  @Override
  public boolean isAuth(String name) {
    return consumerSchemas.containsKey(name);
  }

  /** The enabled auth plugin {@code name}, or null. */
  @SuppressWarnings("unchecked")
  public AuthPlugin<Object, Object> auth(String name) {
    return isAuth(name) ? (AuthPlugin<Object, Object>) (Plugin<?>) plugins.get(name) : null;
  }

  @Override
  public Optional<String> checkConsumer(String name, JsonNode conf) {
    AuthPlugin<Object, Object> auth = auth(name);
    if (auth == null) {
      return Optional.of(plugins.containsKey(name) ? "plugin [" + name + "] is not an auth plugin" : "unknown plugin [" + name + "]");
    }
    Optional<String> error = consumerSchemas.get(name).validate(conf);
    if (error.isPresent()) {
      return error;
    }
    try {
      auth.decodeConsumer(conf);
      return Optional.empty();
    } catch (PluginConfigException e) {
      return Optional.of(e.getMessage());
    }
  }

  @Override
  public Optional<String> checkMetadata(String name, JsonNode conf) {
    Plugin<Object> plugin = plugins.get(name);
    if (plugin == null) {
      return Optional.of("invalid plugin name");
    }
    SchemaValidator.Check schema = metadataSchemas.get(name);
    if (schema == null) {
      return Optional.of("no metadata schema for plugin " + name);
    }
    Optional<String> error = schema.validate(conf);
    if (error.isPresent()) {
      return error;
    }
    try {
      plugin.decodeMetadata(conf);
      return Optional.empty();
    } catch (PluginConfigException e) {
      return Optional.of(e.getMessage());
    }
  }

  @Override
  public Optional<JsonNode> schema(String name, SchemaType type) {
    Plugin<Object> plugin = plugins.get(name);
    if (plugin == null) {
      return Optional.empty();
    }
    String resource =
        switch (type) {
          case CONF -> plugin.schemaResource();
          case CONSUMER -> plugin.consumerSchemaResource();
          case METADATA -> plugin.metadataSchemaResource();
        };
    if (resource == null) {
      return Optional.empty();
    }
    try (java.io.InputStream in = Plugins.class.getResourceAsStream("/" + resource)) {
      if (in == null) {
        return Optional.empty();
      }
      ObjectNode doc = (ObjectNode) Json.MAPPER.readTree(in);
      doc.remove("$schema");
      return Optional.of(doc);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("unreadable schema " + resource, e);
    }
  }

  @Override
  public int priority(String name) {
    Plugin<Object> plugin = plugins.get(name);
    return plugin == null ? 0 : plugin.priority();
  }

  @Override
  public String credentialField(String name) {
    AuthPlugin<Object, Object> auth = auth(name);
    return auth == null ? null : auth.credentialField();
  }

  @Override
  public Set<String> encryptFields(String name) {
    AuthPlugin<Object, Object> auth = auth(name);
    return auth == null ? Set.of() : auth.encryptFields();
  }

  /**
   * Merges the confs of several levels, least specific first (service, plugin_config, route):
   * a name configured at a later level replaces the earlier conf. Disabled entries ({@code
   * _meta.disable}) are left out.
   */
  public PluginChain chain(List<Source> levels) {
    Map<String, Object[]> merged = new LinkedHashMap<>(); // name -> {owner, conf}
    for (Source level : levels) {
      if (level == null) {
        continue;
      }
      level.confs().forEach((name, conf) -> merged.put(name, new Object[] {level.owner(), conf}));
    }
    if (merged.isEmpty()) {
      return PluginChain.EMPTY;
    }
    List<PluginChain.Entry> entries = new ArrayList<>(merged.size());
    merged.forEach((name, at) -> addEntry(entries, name, (String) at[0], (JsonNode) at[1]));
    return PluginChain.of(entries);
  }

  /** Every plugin of every source, none replacing another (global rules). */
  public PluginChain union(List<Source> sources) {
    List<PluginChain.Entry> entries = new ArrayList<>();
    for (Source source : sources) {
      source.confs().forEach((name, conf) -> addEntry(entries, name, source.owner(), conf));
    }
    return PluginChain.of(entries);
  }

  private void addEntry(List<PluginChain.Entry> out, String name, String owner, JsonNode raw) {
    Plugin<Object> plugin = plugins.get(name);
    if (plugin == null || raw == null || !raw.isObject()) {
      // the resource was checked against this catalog: only a bug gets here
      log.error("{}: plugin {} is not available; left out of the chain", owner, name);
      return;
    }
    JsonNode meta = raw.get("_meta");
    if (meta != null && meta.path("disable").asBoolean(false)) {
      return;
    }
    JsonNode conf = Json.without(raw, "_meta");
    Object typed;
    Expr filter = null;
    try {
      typed = plugin.decode(conf);
      if (meta != null && meta.has("filter")) {
        filter = Expr.compile(meta.get("filter"));
      }
    } catch (RuntimeException | org.apigw.expr.ExprException e) {
      log.error("{}: conf of plugin {} does not decode ({}); left out of the chain", owner, name, e.getMessage());
      return;
    }
    int priority = meta != null && meta.has("priority") ? meta.get("priority").asInt() : plugin.priority();
    Buffer errorResponse = null;
    if (meta != null && meta.has("error_response")) {
      JsonNode er = meta.get("error_response");
      errorResponse =
          Buffer.buffer((er.isTextual() ? er.asText() : er.toString()).getBytes(StandardCharsets.UTF_8));
    }
    out.add(new PluginChain.Entry(plugin, typed, priority, filter, errorResponse, new PluginState.Key(owner, conf)));
  }
}
