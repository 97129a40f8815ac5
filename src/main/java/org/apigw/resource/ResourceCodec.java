package org.apigw.resource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apigw.expr.Expr;
import org.apigw.expr.ExprException;
import org.apigw.plugin.Json;
import org.apigw.plugin.PluginCatalog;

/**
 * Validates APISIX objects (routes, services, upstreams, consumers, plugin configs, global rules)
 * and decodes them into {@link Resource} records with APISIX's defaults applied.
 *
 * <p>Validation runs in APISIX's order: the checks APISIX makes before the schema ({@code host}
 * with {@code hosts}, {@code remote_addr} with {@code remote_addrs}), the JSON schema under
 * {@code classpath:schema/}, features this gateway refuses by name ({@code filter_func}, {@code
 * script}, service discovery, upstream TLS, health checks, non-HTTP schemes), the upstream checks
 * of {@code apisix/upstream.lua}, plugins against the {@link PluginCatalog}, and finally the
 * {@code vars} expression. Messages follow the Admin API texts, e.g. {@code invalid
 * configuration: property "methods" validation failed: failed to validate item 2: matches none of
 * the enum values}.
 *
 * <p>Thread-safe: the resource schemas are compiled once, on the first validation (or {@link
 * #prepareValidation}), not in the constructor: a node that starts from its snapshot validates
 * nothing, and compiling them was ~90 ms of a cold start on one core. Share one instance.
 */
public final class ResourceCodec {

  /**
   * The largest value accepted from etcd: APISIX's Admin API body limit (1.5 MiB). A bigger
   * value can only have been written around the Admin API, and is refused for its key alone
   * (etcd-failure-modes F7) rather than carried into every rebuild and snapshot.
   */
  public static final int MAX_VALUE_BYTES = 1_572_864;


  /** lua-resty-balancer's chash key when {@code hash_on} is {@code vars}. */
  private static final String HASH_VARS_PATTERN =
      "^((uri|server_name|server_addr|request_uri|remote_port|remote_addr|query_string|host|hostname|mqtt_client_id)|arg_[0-9a-zA-z_-]+)$";

  /** Header or cookie name when {@code hash_on} is {@code header} or {@code cookie}. */
  private static final String HASH_HEADER_PATTERN = "^[a-zA-Z0-9-_]+$";

  private static final Pattern HASH_VARS = Pattern.compile(HASH_VARS_PATTERN);
  private static final Pattern HASH_HEADER = Pattern.compile(HASH_HEADER_PATTERN);
  private static final Pattern IPV6_LITERAL = Pattern.compile("^[0-9a-fA-F:.]+$");
  private static final Pattern HOST_NAME = Pattern.compile("^[0-9a-zA-Z-._]+$");

  private final PluginCatalog plugins;
  private final JsonMapper mapper;
  private volatile SchemaValidator schemas;
  private final FieldCipher cipher;

  public ResourceCodec(PluginCatalog plugins) {
    this(plugins, FieldCipher.OFF);
  }

  /** @param cipher decrypts the encrypted plugin fields of consumers and credentials read from etcd */
  public ResourceCodec(PluginCatalog plugins, FieldCipher cipher) {
    this.plugins = Objects.requireNonNull(plugins, "plugins");
    this.cipher = Objects.requireNonNull(cipher, "cipher");
    this.mapper =
        JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
  }

  /**
   * Compiles the resource schemas now if no validation has yet; a start that is about to read
   * etcd calls it on a spare thread, so the compile overlaps the wait for etcd's answer.
   */
  public void prepareValidation() {
    schemas();
  }

  private SchemaValidator schemas() {
    SchemaValidator compiled = schemas;
    if (compiled == null) {
      synchronized (this) {
        compiled = schemas;
        if (compiled == null) {
          schemas = compiled = new SchemaValidator(mapper);
        }
      }
    }
    return compiled;
  }

  // ---- validation ------------------------------------------------------------------------------

  /**
   * Fully validates a resource body as the Admin API would before storing it.
   *
   * <p>{@code id} is not required for plugin configs and global rules (APISIX's schema requires
   * it because its Admin API injects the path id first; here the etcd key supplies it).
   *
   * @return empty when valid, else an APISIX-style message naming the field at fault
   */
  public Optional<String> validate(ResourceType type, JsonNode body) {
    Objects.requireNonNull(type, "type");
    if (body == null || !body.isObject()) {
      return Optional.of(
          "invalid configuration: expected a JSON object, got " + SchemaValidator.jsonType(body));
    }
    if (type == ResourceType.ROUTES) {
      if (body.has("host") && body.has("hosts")) {
        return Optional.of("only one of host or hosts is allowed");
      }
      if (body.has("remote_addr") && body.has("remote_addrs")) {
        return Optional.of("only one of remote_addr or remote_addrs is allowed");
      }
    }
    Optional<String> schemaError = schemas().validate(type, body);
    if (schemaError.isPresent()) {
      return Optional.of("invalid configuration: " + schemaError.get());
    }
    return switch (type) {
      case ROUTES -> checkRoute(body);
      case SERVICES -> checkService(body);
      case UPSTREAMS -> checkUpstream(body);
      case CONSUMERS -> checkConsumerPlugins(body.get("plugins"), false);
      case CREDENTIALS -> checkConsumerPlugins(body.get("plugins"), true);
      case PLUGIN_CONFIGS, GLOBAL_RULES, CONSUMER_GROUPS -> checkPlugins(body.get("plugins"), "");
      case PLUGIN_METADATA -> checkMetadata(body);
    };
  }

  /**
   * A consumer's (or credential's) plugins: auth plugins carry their consumer conf, checked
   * against the consumer schema; other plugins (consumers only) are checked as on a route.
   */
  private Optional<String> checkConsumerPlugins(JsonNode confs, boolean credential) {
    if (confs == null) {
      return Optional.empty();
    }
    String prefix = "invalid plugins configuration: ";
    for (Iterator<Map.Entry<String, JsonNode>> it = confs.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String name = entry.getKey();
      if (!plugins.isAuth(name)) {
        if (credential) {
          return Optional.of("only supports auth type plugins in consumer credential");
        }
        Optional<String> error = checkPlugin(name, entry.getValue(), prefix);
        if (error.isPresent()) {
          return error;
        }
        continue;
      }
      if (!entry.getValue().isObject()) {
        return Optional.of(prefix + "invalid plugin conf " + entry.getValue() + " for plugin [" + name + "]");
      }
      Optional<String> error = plugins.checkConsumer(name, Json.without(entry.getValue(), "_meta"));
      if (error.isPresent()) {
        return Optional.of(prefix + "failed to check the configuration of plugin " + name + " err: " + error.get());
      }
    }
    return Optional.empty();
  }

  /** {@code plugin_metadata/<name>}: the plugin must exist and accept the fields besides id. */
  private Optional<String> checkMetadata(JsonNode body) {
    String name = body.get("id").asText();
    if (!plugins.isEnabled(name)) {
      return Optional.of("invalid plugin name");
    }
    Optional<String> error = plugins.checkMetadata(name, Json.without(body, "id"));
    return error.map(e -> "invalid configuration: " + e);
  }

  /**
   * A copy of a consumer or credential body whose encrypted plugin fields are decrypted (the
   * same object when nothing is encrypted); other types pass through.
   */
  public JsonNode decrypted(ResourceType type, JsonNode body) {
    return transformed(type, body, false);
  }

  /** As {@link #decrypted}, the other way: what the Admin API stores. */
  public JsonNode encrypted(ResourceType type, JsonNode body) {
    return transformed(type, body, true);
  }

  private JsonNode transformed(ResourceType type, JsonNode body, boolean encrypting) {
    if ((type != ResourceType.CONSUMERS && type != ResourceType.CREDENTIALS) || body == null || !body.isObject()) {
      return body;
    }
    JsonNode confs = body.get("plugins");
    JsonNode changed = cipher.transformPlugins(confs, plugins::encryptFields, encrypting);
    if (changed == confs) {
      return body;
    }
    ObjectNode copy = ((ObjectNode) body).deepCopy();
    copy.set("plugins", changed);
    return copy;
  }

  private Optional<String> checkRoute(JsonNode route) {
    for (String field : List.of("filter_func", "script", "script_id")) {
      if (route.has(field)) {
        return Optional.of(field + " is not supported by this gateway");
      }
    }
    Optional<String> error = checkInlineUpstream(route.get("upstream"));
    if (error.isEmpty()) {
      error = checkPlugins(route.get("plugins"), "");
    }
    if (error.isEmpty() && route.has("vars")) {
      error = compileVars(route.get("vars")).error;
    }
    return error;
  }

  private Optional<String> checkService(JsonNode service) {
    if (service.has("script")) {
      return Optional.of("script is not supported by this gateway");
    }
    Optional<String> error = checkInlineUpstream(service.get("upstream"));
    return error.isPresent() ? error : checkPlugins(service.get("plugins"), "");
  }

  private Optional<String> checkInlineUpstream(JsonNode upstream) {
    return upstream == null ? Optional.empty() : checkUpstream(upstream);
  }

  /** The checks of APISIX's {@code check_upstream_conf} that the schema cannot express. */
  private Optional<String> checkUpstream(JsonNode up) {
    if (up.has("service_name") || up.has("discovery_type") || up.has("discovery_args")) {
      return Optional.of(
          "service discovery (service_name, discovery_type) is not supported by this gateway");
    }
    if (up.has("tls")) {
      return Optional.of("upstream tls is not supported by this gateway");
    }
    if (up.has("checks")) {
      return Optional.of("upstream checks (health checking) is not supported by this gateway");
    }
    String scheme = text(up, "scheme", "http");
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return Optional.of("upstream scheme " + scheme + " is not supported by this gateway");
    }
    JsonNode nodes = up.get("nodes");
    if (nodes != null && nodes.isArray()) {
      for (int i = 0; i < nodes.size(); i++) {
        String host = nodes.get(i).get("host").asText();
        Optional<String> error = checkNodeHost(host, i);
        if (error.isPresent()) {
          return error;
        }
      }
    } else if (nodes != null && nodes.isObject()) {
      Iterator<String> names = nodes.fieldNames();
      while (names.hasNext()) {
        Addr addr = parseAddr(names.next());
        if (addr.error != null) {
          return Optional.of(addr.error);
        }
      }
    }
    if ("rewrite".equals(text(up, "pass_host", "pass"))
        && text(up, "upstream_host", "").isEmpty()) {
      return Optional.of("`upstream_host` can't be empty when `pass_host` is `rewrite`");
    }
    if (!"chash".equals(text(up, "type", "roundrobin"))) {
      return Optional.empty();
    }
    String hashOn = text(up, "hash_on", "vars");
    if (!hashOn.equals("consumer") && !up.has("key")) {
      return Optional.of("missing key");
    }
    String key = text(up, "key", "");
    Pattern pattern = null;
    String patternText = null;
    if (hashOn.equals("vars")) {
      pattern = HASH_VARS;
      patternText = HASH_VARS_PATTERN;
    } else if (hashOn.equals("header") || hashOn.equals("cookie")) {
      pattern = HASH_HEADER;
      patternText = HASH_HEADER_PATTERN;
    }
    if (pattern != null && !pattern.matcher(key).find()) {
      return Optional.of(
          "invalid configuration: failed to match pattern \""
              + patternText
              + "\" with \""
              + key
              + "\" (upstream \"key\" for hash_on "
              + hashOn
              + ")");
    }
    return Optional.empty();
  }

  /** An array node's host: a name, an IPv4 address or a bracketed IPv6 address. */
  private static Optional<String> checkNodeHost(String host, int index) {
    if (host.startsWith("[")) {
      if (!host.endsWith("]") || !IPV6_LITERAL.matcher(inner(host)).matches()) {
        return Optional.of(
            "invalid configuration: property \"nodes\" validation failed: failed to validate item "
                + (index + 1)
                + ": invalid IPv6 address \""
                + host
                + "\"");
      }
      return Optional.empty();
    }
    if (host.indexOf(':') >= 0) {
      if (IPV6_LITERAL.matcher(host).matches()) {
        return Optional.of("invalid configuration: IPv6 address must be enclosed with '[' and ']'");
      }
      return Optional.of(
          "invalid configuration: property \"nodes\" validation failed: failed to validate item "
              + (index + 1)
              + ": invalid host \""
              + host
              + "\" (a port belongs in \"port\")");
    }
    return Optional.empty();
  }

  private static String inner(String bracketed) {
    return bracketed.length() >= 2 ? bracketed.substring(1, bracketed.length() - 1) : "";
  }

  /** A {@code host[:port]} key of the map form of {@code nodes}; port null when absent. */
  private record Addr(String host, Integer port, String error) {
    static Addr failed(String error) {
      return new Addr(null, null, error);
    }
  }

  private static Addr parseAddr(String addr) {
    String host;
    String port = null;
    if (addr.startsWith("[")) {
      int close = addr.indexOf(']');
      if (close < 0) {
        return Addr.failed(nodeAddressError(addr));
      }
      host = addr.substring(1, close);
      String rest = addr.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          return Addr.failed(nodeAddressError(addr));
        }
        port = rest.substring(1);
      }
      if (!IPV6_LITERAL.matcher(host).matches() || host.indexOf(':') < 0) {
        return Addr.failed(nodeAddressError(addr));
      }
    } else {
      int first = addr.indexOf(':');
      if (first >= 0 && addr.indexOf(':', first + 1) >= 0) {
        // bare IPv6: "::1:80" is as much host ::1 port 80 as host ::1:80, so refuse it
        return Addr.failed("invalid configuration: IPv6 address must be enclosed with '[' and ']'");
      }
      host = first < 0 ? addr : addr.substring(0, first);
      port = first < 0 ? null : addr.substring(first + 1);
      if (!HOST_NAME.matcher(host).matches()) {
        return Addr.failed(nodeAddressError(addr));
      }
    }
    if (port == null) {
      return new Addr(host, null, null);
    }
    if (port.isEmpty() || port.length() > 9 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return Addr.failed("invalid port " + port);
    }
    int number = Integer.parseInt(port);
    if (number < 1 || number > 65535) {
      return Addr.failed("invalid port " + number);
    }
    return new Addr(host, number, null);
  }

  private static String nodeAddressError(String addr) {
    return "invalid configuration: property \"nodes\" validation failed: invalid node address \""
        + addr
        + "\"";
  }

  /**
   * APISIX's {@code plugin.check_schema}: each conf must be an object, the plugin enabled, its
   * {@code _meta} well-formed and its conf accepted by the catalog. Plugins are checked in
   * declaration order; the first failure is reported.
   */
  private Optional<String> checkPlugins(JsonNode confs, String prefix) {
    if (confs == null) {
      return Optional.empty();
    }
    Iterator<Map.Entry<String, JsonNode>> it = confs.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> entry = it.next();
      Optional<String> error = checkPlugin(entry.getKey(), entry.getValue(), prefix);
      if (error.isPresent()) {
        return error;
      }
    }
    return Optional.empty();
  }

  /** One plugin conf of {@link #checkPlugins}: empty when valid, else the message with {@code prefix}. */
  private Optional<String> checkPlugin(String name, JsonNode conf, String prefix) {
    if (!conf.isObject()) {
      return Optional.of(
          prefix + "invalid plugin conf " + conf + " for plugin [" + name + "]");
    }
    if (!plugins.isEnabled(name)) {
      return Optional.of(prefix + "unknown plugin [" + name + "]");
    }
    String failed = prefix + "failed to check the configuration of plugin " + name + " err: ";
    JsonNode meta = conf.get("_meta");
    if (meta != null) {
      Optional<String> metaError = schemas().validatePluginMeta(meta);
      if (metaError.isPresent()) {
        return Optional.of(failed + "property \"_meta\" validation failed: " + metaError.get());
      }
      if (meta.has("pre_function")) {
        return Optional.of(failed + "_meta.pre_function is not supported by this gateway");
      }
      if (meta.has("filter")) {
        try {
          Expr.compile(meta.get("filter"));
        } catch (ExprException | RuntimeException e) {
          return Optional.of(
              failed + "failed to validate the '_meta.filter' expression: " + e.getMessage());
        }
      }
    }
    Optional<String> error;
    try {
      error = plugins.check(name, Json.without(conf, "_meta"));
    } catch (RuntimeException e) {
      error = Optional.of(String.valueOf(e.getMessage()));
    }
    return error.map(e -> failed + e);
  }

  private record Compiled(Expr expr, Optional<String> error) {}

  private static Compiled compileVars(JsonNode vars) {
    try {
      return new Compiled(Expr.compile(vars), Optional.empty());
    } catch (ExprException | RuntimeException e) {
      return new Compiled(
          null, Optional.of("failed to validate the 'vars' expression: " + e.getMessage()));
    }
  }

  // ---- decoding --------------------------------------------------------------------------------

  /**
   * Decodes a value read from etcd under {@code <prefix>/<type.dir()>/<id>}. Never throws.
   *
   * @param id the id from the key (for consumers, the username)
   */
  public Decoded decode(ResourceType type, String id, byte[] value) {
    return decode(type, id, value, true);
  }

  /**
   * As {@link #decode(ResourceType, String, byte[])}, for a value this gateway validated when it
   * accepted it and reads back from its own checksummed config snapshot: parsed, decrypted and
   * turned into its record, but not checked against the schemas and plugin checks again, which
   * are most of the cost of a decode (a cold start reads thousands of values). A value that
   * cannot even be turned into its record is still rejected.
   */
  public Decoded decodeAccepted(ResourceType type, String id, byte[] value) {
    return decode(type, id, value, false);
  }

  private Decoded decode(ResourceType type, String id, byte[] value, boolean validate) {
    if (value == null) {
      return new Decoded.Rejected("invalid " + type.kind() + " value: empty");
    }
    if (value.length > MAX_VALUE_BYTES) {
      return new Decoded.Rejected(
          "invalid " + type.kind() + " value: " + value.length + " bytes, over the limit of " + MAX_VALUE_BYTES
              + " bytes for one config value (the Admin API's request limit)");
    }
    JsonNode node;
    try {
      node = mapper.readTree(value);
    } catch (JsonProcessingException e) {
      return new Decoded.Rejected("invalid JSON: " + e.getOriginalMessage());
    } catch (IOException | RuntimeException e) {
      return new Decoded.Rejected("invalid JSON: " + e.getMessage());
    }
    return decode(type, id, node, validate);
  }

  /** As {@link #decode(ResourceType, String, byte[])}, for an already parsed value. */
  public Decoded decode(ResourceType type, String id, JsonNode value) {
    return decode(type, id, value, true);
  }

  private Decoded decode(ResourceType type, String id, JsonNode value, boolean validate) {
    try {
      return decodeChecked(type, id, value, validate);
    } catch (RuntimeException e) {
      // a bug here must cost one object, never the whole load
      return new Decoded.Rejected(
          "failed to decode " + (type == null ? "resource" : type.kind()) + ": " + e);
    }
  }

  private Decoded decodeChecked(ResourceType type, String id, JsonNode value, boolean validate) {
    Objects.requireNonNull(type, "type");
    if (value == null || !value.isObject()) {
      return new Decoded.Rejected(
          "invalid configuration: expected a JSON object, got " + SchemaValidator.jsonType(value));
    }
    if (id == null || id.isEmpty()) {
      return new Decoded.Rejected("missing " + type.kind() + " id");
    }
    value = decrypted(type, value);
    if (type == ResourceType.PLUGIN_METADATA && !value.has("id")) {
      value = ((ObjectNode) value).deepCopy().put("id", id); // the key names the plugin
    }
    if (validate) {
      Optional<String> error = validate(type, value);
      if (error.isPresent()) {
        return new Decoded.Rejected(error.get());
      }
    }
    String keyId = type == ResourceType.CREDENTIALS ? id.substring(id.lastIndexOf('/') + 1) : id;
    JsonNode idNode = type == ResourceType.CONSUMERS ? value.get("username") : value.get("id");
    if (idNode != null && !idNode.asText().equals(keyId) && !idNode.asText().equals(id)) {
      return new Decoded.Rejected("wrong " + type.kind() + " id");
    }
    Resource resource =
        switch (type) {
          case ROUTES -> toRoute(id, value);
          case SERVICES -> toService(id, value);
          case UPSTREAMS -> toUpstream(id, value);
          case CONSUMERS -> toConsumer(value);
          case PLUGIN_CONFIGS ->
              new PluginConfig(id, text(value, "name", null), pluginMap(value));
          case GLOBAL_RULES -> new GlobalRule(id, pluginMap(value));
          case CONSUMER_GROUPS -> new ConsumerGroup(id, text(value, "name", null), pluginMap(value));
          case CREDENTIALS -> new ConsumerCredential(id.substring(0, id.indexOf('/')), keyId, pluginMap(value));
          case PLUGIN_METADATA -> new PluginMetadata(id, Json.without(value, "id"));
        };
    return new Decoded.Accepted(resource);
  }

  private Route toRoute(String id, JsonNode v) {
    List<String> uris = v.has("uri") ? List.of(v.get("uri").asText()) : strings(v.get("uris"));
    List<String> hosts =
        v.has("host") ? List.of(lower(v.get("host").asText())) : lowerAll(strings(v.get("hosts")));
    List<String> remoteAddrs =
        v.has("remote_addr") ? List.of(v.get("remote_addr").asText()) : strings(v.get("remote_addrs"));
    List<String> methods = new ArrayList<>();
    for (String m : strings(v.get("methods"))) {
      methods.add(m.toUpperCase(Locale.ROOT));
    }
    Expr vars = v.has("vars") ? compileVars(v.get("vars")).expr : null;
    return new Route(
        id,
        text(v, "name", null),
        uris,
        methods,
        hosts,
        remoteAddrs,
        vars,
        v.has("priority") ? v.get("priority").asInt() : 0,
        v.has("status") ? v.get("status").asInt() : 1,
        idText(v.get("service_id")),
        idText(v.get("upstream_id")),
        v.has("upstream") ? toUpstream(null, v.get("upstream")) : null,
        idText(v.get("plugin_config_id")),
        pluginMap(v),
        v.has("timeout") ? toTimeout(v.get("timeout")) : null,
        v.has("enable_websocket") ? v.get("enable_websocket").asBoolean() : null,
        labels(v));
  }

  private Service toService(String id, JsonNode v) {
    return new Service(
        id,
        text(v, "name", null),
        lowerAll(strings(v.get("hosts"))),
        idText(v.get("upstream_id")),
        v.has("upstream") ? toUpstream(null, v.get("upstream")) : null,
        pluginMap(v),
        v.has("enable_websocket") ? v.get("enable_websocket").asBoolean() : null,
        labels(v));
  }

  private static Upstream toUpstream(String id, JsonNode v) {
    String type = text(v, "type", "roundrobin");
    String scheme = text(v, "scheme", "http");
    int defaultPort = scheme.equals("https") || scheme.equals("grpcs") ? 443 : 80;
    List<Node> nodes = new ArrayList<>();
    JsonNode raw = v.get("nodes");
    if (raw != null && raw.isArray()) {
      for (JsonNode n : raw) {
        String host = n.get("host").asText();
        nodes.add(
            new Node(
                host.startsWith("[") ? inner(host) : host,
                n.has("port") ? n.get("port").asInt() : defaultPort,
                n.get("weight").asInt(),
                n.has("priority") ? n.get("priority").asInt() : 0));
      }
    } else if (raw != null && raw.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> it = raw.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        Addr addr = parseAddr(e.getKey());
        nodes.add(
            new Node(
                addr.host, addr.port == null ? defaultPort : addr.port, e.getValue().asInt(), 0));
      }
    }
    boolean chash = type.equals("chash");
    JsonNode pool = v.get("keepalive_pool");
    Upstream.KeepalivePool keepalive = Upstream.KeepalivePool.DEFAULT;
    if (pool != null) {
      keepalive =
          new Upstream.KeepalivePool(
              pool.has("size") ? pool.get("size").asInt() : keepalive.size(),
              pool.has("idle_timeout") ? pool.get("idle_timeout").asDouble() : keepalive.idleTimeout(),
              pool.has("requests") ? pool.get("requests").asInt() : keepalive.requests());
    }
    return new Upstream(
        id,
        text(v, "name", null),
        type,
        nodes,
        v.has("retries") ? v.get("retries").asInt() : null,
        v.has("retry_timeout") ? v.get("retry_timeout").asDouble() : 0,
        v.has("timeout") ? toTimeout(v.get("timeout")) : null,
        text(v, "pass_host", "pass"),
        text(v, "upstream_host", null),
        scheme,
        chash ? text(v, "hash_on", "vars") : null,
        chash ? text(v, "key", null) : null,
        keepalive);
  }

  private Consumer toConsumer(JsonNode v) {
    return new Consumer(
        v.get("username").asText(),
        text(v, "desc", null),
        idText(v.get("group_id")),
        pluginMap(v),
        labels(v));
  }

  private static Timeout toTimeout(JsonNode t) {
    return new Timeout(
        t.get("connect").asDouble(), t.get("send").asDouble(), t.get("read").asDouble());
  }

  /** Plugin confs in declaration order, detached from the parsed tree. */
  private static Map<String, JsonNode> pluginMap(JsonNode v) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    JsonNode confs = v.get("plugins");
    if (confs != null) {
      Iterator<Map.Entry<String, JsonNode>> it = confs.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        out.put(e.getKey(), e.getValue().deepCopy());
      }
    }
    return out;
  }

  private static Map<String, String> labels(JsonNode v) {
    Map<String, String> out = new LinkedHashMap<>();
    JsonNode labels = v.get("labels");
    if (labels != null) {
      Iterator<Map.Entry<String, JsonNode>> it = labels.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        out.put(e.getKey(), e.getValue().asText());
      }
    }
    return out;
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    if (array != null) {
      for (JsonNode item : array) {
        out.add(item.asText());
      }
    }
    return out;
  }

  private static List<String> lowerAll(List<String> values) {
    List<String> out = new ArrayList<>(values.size());
    for (String s : values) {
      out.add(lower(s));
    }
    return out;
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  /** A string or integer id as text; null when absent. */
  private static String idText(JsonNode id) {
    return id == null || id.isNull() ? null : id.asText();
  }

  private static String text(JsonNode v, String field, String fallback) {
    JsonNode f = v.get(field);
    return f == null || f.isNull() ? fallback : f.asText();
  }
}
