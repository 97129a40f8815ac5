package org.apigw.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.SocketAddress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apigw.config.GatewayConfig;
import org.apigw.expr.CidrMatcher;
import org.apigw.plugin.PluginCatalog;
import org.apigw.resource.ResourceCodec;
import org.apigw.resource.ResourceType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Admin API, compatible with APISIX 3.x ({@code /apisix/admin/<type>[/<id>[/<sub/path>]]}):
 * validates with {@link ResourceCodec} and writes APISIX-format JSON to etcd. It never changes
 * the data plane directly; the data plane picks changes up by watching etcd.
 *
 * <p>Threading: the handler runs on the event loop of the HTTP server that calls it and never
 * blocks it. etcd calls complete on jetcd threads and are hopped back to the request's context
 * (see {@link EtcdStore}) before the response is touched. Writes that depend on the previous
 * value (PUT keeping {@code create_time}, PATCH) compare-and-swap on the mod revision and retry,
 * so a concurrent write is never silently lost. The class holds no mutable state except the
 * server started by {@link #listen()}.
 */
public final class AdminApi {
  private static final Logger LOG = LoggerFactory.getLogger(AdminApi.class);

  static final String BASE = "/apisix/admin";
  /** APISIX's {@code client_max_body_size} for the admin API: 1.5 MiB. */
  static final int MAX_BODY = ResourceCodec.MAX_VALUE_BYTES;
  /** Attempts of a read-modify-write before giving up under sustained concurrent writes. */
  private static final int CAS_ATTEMPTS = 8;
  private static final Pattern ID = Pattern.compile("^[a-zA-Z0-9-_.]{1,64}$");
  private static final Pattern USERNAME = Pattern.compile("^[a-zA-Z0-9_\\-]{1,256}$");
  private static final String POST_ID_PLACEHOLDER = "00000000000000000000";

  private static final JsonMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final Vertx vertx;
  private final GatewayConfig.Admin settings;
  private final String prefix;
  private final EtcdStore etcd;
  private final ResourceCodec codec;
  private final PluginCatalog plugins;
  private final CidrMatcher allowAdmin; // null: every client may connect
  private final String apiVersion;
  private volatile HttpServer server;

  /**
   * @param etcdPrefix e.g. {@code /apisix}; keys are {@code <prefix>/<dir>/<id>}
   * @param etcdTimeout deadline of every single etcd call; past it the request gets a 503
   * @throws IllegalArgumentException when an {@code allow_admin} entry is not an IP or CIDR
   */
  public AdminApi(
      Vertx vertx,
      GatewayConfig.Admin settings,
      String etcdPrefix,
      Client etcd,
      ResourceCodec codec,
      PluginCatalog plugins,
      Duration etcdTimeout) {
    this.vertx = vertx;
    this.settings = settings;
    this.prefix = etcdPrefix.endsWith("/") ? etcdPrefix.substring(0, etcdPrefix.length() - 1) : etcdPrefix;
    this.etcd = new EtcdStore(etcd, etcdTimeout);
    this.codec = codec;
    this.plugins = plugins;
    List<String> allow = settings.allowAdmin();
    this.allowAdmin = allow == null || allow.isEmpty() ? null : CidrMatcher.parse(allow);
    String version = settings.adminApiVersion();
    this.apiVersion = version == null || version.isBlank() ? "v3" : version;
  }

  /** Starts an HTTP server on {@code adminListen} (port 0 picks a free port). */
  public Future<HttpServer> listen() {
    GatewayConfig.Listen at = settings.adminListen();
    HttpServerOptions options = new HttpServerOptions().setHost(at.ip()).setPort(at.port()).setReusePort(true); // reload starts a new node beside this one
    return vertx
        .createHttpServer(options)
        .requestHandler(handler())
        .listen()
        .onSuccess(s -> server = s);
  }

  /** The bound port once {@link #listen()} succeeded, else -1. */
  public int actualPort() {
    HttpServer s = server;
    return s == null ? -1 : s.actualPort();
  }

  public Future<Void> close() {
    HttpServer s = server;
    server = null;
    return s == null ? Future.succeededFuture() : s.close();
  }

  /** The request handler alone, to mount on another server. Must be called on a Vert.x context. */
  public Handler<HttpServerRequest> handler() {
    return this::handle;
  }

  // ---------------------------------------------------------------- request entry

  private void handle(HttpServerRequest req) {
    Context ctx = vertx.getOrCreateContext();
    if (allowAdmin != null && !clientAllowed(req)) {
      send(req, AdminError.of(403, "403 Forbidden"));
      return;
    }
    String path = req.path();
    String method = req.method().name();
    if ((path.equals(BASE) || path.equals(BASE + "/")) && method.equals("HEAD")) {
      send(req, 200, null);
      return;
    }
    if (!path.startsWith(BASE + "/")) {
      send(req, AdminError.of(404, "not found"));
      return;
    }
    Optional<String> denied = checkToken(req, method);
    if (denied.isPresent()) {
      ObjectNode body = NODES.objectNode();
      body.put("error_msg", "failed to check token");
      body.put("description", denied.get());
      send(req, 401, body);
      return;
    }
    readBody(
        req,
        body -> {
          Future<Reply> reply;
          try {
            reply = dispatch(ctx, req, method, path.substring(BASE.length() + 1), body);
          } catch (AdminError e) {
            reply = Future.failedFuture(e);
          } catch (RuntimeException e) {
            reply = Future.failedFuture(e);
          }
          reply.onComplete(
              ar -> {
                assert Vertx.currentContext() == ctx : "admin reply off the request's context";
                if (ar.succeeded()) {
                  send(req, ar.result().status(), ar.result().body());
                } else if (ar.cause() instanceof AdminError e) {
                  send(req, e);
                } else {
                  LOG.error("admin {} {} failed", method, path, ar.cause());
                  send(req, AdminError.of(500, "internal error: " + ar.cause()));
                }
              });
        });
  }

  private boolean clientAllowed(HttpServerRequest req) {
    SocketAddress remote = req.remoteAddress();
    return remote != null && remote.hostAddress() != null && allowAdmin.matches(remote.hostAddress());
  }

  /** APISIX's check_token: empty when the request may proceed, else the 401 description. */
  private Optional<String> checkToken(HttpServerRequest req, String method) {
    List<GatewayConfig.AdminKey> keys = settings.adminKeys();
    if (!settings.adminKeyRequired() || keys == null || keys.isEmpty()) {
      return Optional.empty();
    }
    String token = req.getParam("api_key");
    if (token == null) {
      token = req.getHeader("X-API-KEY");
    }
    if (token == null) {
      Cookie cookie = req.getCookie("x_api_key");
      token = cookie == null ? null : cookie.getValue();
    }
    if (token == null) {
      return Optional.of("missing apikey");
    }
    GatewayConfig.AdminKey match = null;
    for (GatewayConfig.AdminKey key : keys) {
      if (key.key() != null && !key.key().isEmpty() && key.key().equals(token)) {
        match = key;
        break;
      }
    }
    if (match == null) {
      return Optional.of("wrong apikey");
    }
    if ("viewer".equals(match.role()) && !method.equals("GET")) {
      return Optional.of("invalid method for role viewer");
    }
    return Optional.empty();
  }

  /** Reads the body up to {@link #MAX_BODY}; a larger one is drained and refused with 400. */
  private void readBody(HttpServerRequest req, Handler<Buffer> then) {
    Buffer body = Buffer.buffer();
    long[] size = {0};
    req.handler(
        chunk -> {
          size[0] += chunk.length();
          if (size[0] <= MAX_BODY) {
            body.appendBuffer(chunk);
          }
        });
    req.exceptionHandler(e -> LOG.debug("admin request body failed: {}", e.toString()));
    req.endHandler(
        v -> {
          if (size[0] > MAX_BODY) {
            send(
                req,
                AdminError.badRequest(
                    "invalid request body: request size "
                        + size[0]
                        + " is greater than the maximum size "
                        + MAX_BODY
                        + " allowed"));
          } else {
            then.handle(body);
          }
        });
  }

  private void send(HttpServerRequest req, AdminError e) {
    send(req, e.status(), e.body());
  }

  private void send(HttpServerRequest req, int status, JsonNode body) {
    HttpServerResponse resp = req.response();
    if (resp.ended() || resp.closed()) {
      return;
    }
    resp.setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .putHeader("X-API-VERSION", apiVersion);
    if (body == null) {
      resp.end();
    } else if (body.isTextual()) {
      resp.end(body.textValue()); // APISIX answers a few errors with a bare string
    } else {
      resp.end(body.toString());
    }
  }

  record Reply(int status, JsonNode body) {}

  // ---------------------------------------------------------------- routing

  private Future<Reply> dispatch(
      Context ctx, HttpServerRequest req, String method, String rest, Buffer rawBody) {
    String[] seg = rest.split("/", 3);
    String typeName = seg[0];
    String id = seg.length > 1 && !seg[1].isEmpty() ? seg[1] : null;
    String sub = seg.length > 2 && !seg[2].isEmpty() ? seg[2] : null;
    if (sub != null && sub.endsWith("/")) {
      sub = sub.substring(0, sub.length() - 1);
    }
    if (typeName.equals("plugins")) {
      return Future.succeededFuture(plugins(method, id, sub, req.params()));
    }
    MultiMap params = req.params();
    if (typeName.equals("consumers") && id != null && sub != null && (sub.equals("credentials") || sub.startsWith("credentials/"))) {
      return credentials(ctx, method, id, sub.equals("credentials") ? null : sub.substring("credentials/".length()), params, rawBody);
    }
    ResourceType type =
        ResourceType.fromDir(typeName)
            .orElseThrow(() -> AdminError.of(404, "Unsupported resource type: " + typeName));
    if (type == ResourceType.PLUGIN_METADATA && (method.equals("POST") || method.equals("PATCH"))) {
      throw AdminError.of(405, "not supported `" + method + "` method for " + type.kind());
    }
    switch (method) {
      case "GET":
        if (sub != null) {
          throw AdminError.of(404, "not found");
        }
        return id == null ? list(ctx, type, params) : getOne(ctx, type, id);
      case "PUT":
        if (sub != null) {
          throw AdminError.of(404, "not found");
        }
        return put(ctx, type, id, params, rawBody);
      case "POST":
        return post(ctx, type, id, params, rawBody);
      case "PATCH":
        return patch(ctx, type, id, sub, params, rawBody);
      case "DELETE":
        if (sub != null) {
          throw AdminError.of(404, "not found");
        }
        return delete(ctx, type, id, params);
      default:
        throw AdminError.of(404, "not found");
    }
  }

  // ---------------------------------------------------------------- plugins

  /**
   * APISIX's {@code /apisix/admin/plugins}: {@code /list} (names), {@code ?all=true} (every
   * plugin's priority and schemas), {@code /<name>} (its schema; {@code ?schema_type=consumer} or
   * {@code metadata} for the others).
   */
  private Reply plugins(String method, String name, String sub, MultiMap params) {
    if (!method.equals("GET") || sub != null) {
      throw AdminError.of(404, "not found");
    }
    String subsystem = params.get("subsystem") == null ? "http" : params.get("subsystem");
    if (!subsystem.equals("http") && !subsystem.equals("stream")) {
      throw AdminError.badRequest("unsupported subsystem: " + subsystem);
    }
    if ("list".equals(name)) {
      ArrayNode names = NODES.arrayNode();
      if (subsystem.equals("http")) {
        new TreeSet<>(plugins.enabled()).forEach(names::add);
      }
      return new Reply(200, names);
    }
    if (name == null) {
      if (!"true".equals(params.get("all"))) {
        throw AdminError.of(404, "not found");
      }
      ObjectNode all = NODES.objectNode();
      if (subsystem.equals("http")) {
        for (String plugin : new TreeSet<>(plugins.enabled())) {
          ObjectNode attrs = all.putObject(plugin);
          attrs.put("priority", plugins.priority(plugin));
          attrs.put("version", 0.1);
          plugins.schema(plugin, PluginCatalog.SchemaType.CONF).ifPresent(s -> attrs.set("schema", s));
          plugins.schema(plugin, PluginCatalog.SchemaType.CONSUMER).ifPresent(s -> {
            attrs.set("consumer_schema", s);
            attrs.put("type", "auth");
          });
          plugins.schema(plugin, PluginCatalog.SchemaType.METADATA).ifPresent(s -> attrs.set("metadata_schema", s));
        }
      }
      return new Reply(200, all);
    }
    if (!subsystem.equals("http") || !plugins.isEnabled(name)) {
      throw AdminError.of(404, "plugin not found in subsystem " + subsystem);
    }
    String schemaType = params.get("schema_type");
    PluginCatalog.SchemaType type =
        "consumer".equals(schemaType)
            ? PluginCatalog.SchemaType.CONSUMER
            : "metadata".equals(schemaType) ? PluginCatalog.SchemaType.METADATA : PluginCatalog.SchemaType.CONF;
    return new Reply(200, plugins.schema(name, type).orElseThrow(() -> AdminError.badRequest("not found schema")));
  }

  // ---------------------------------------------------------------- GET

  private Future<Reply> getOne(Context ctx, ResourceType type, String id) {
    String key = key(type, id);
    return etcd.get(ctx, key)
        .map(
            kv -> {
              if (kv == null) {
                throw AdminError.keyNotFound();
              }
              return new Reply(200, item(key, kv, codec.decrypted(type, parseStored(kv))));
            });
  }

  private Future<Reply> list(Context ctx, ResourceType type, MultiMap params) {
    return list(ctx, type, prefix + "/" + type.dir() + "/", params);
  }

  /** The objects directly under {@code dir} (nested keys such as credentials are not listed). */
  private Future<Reply> list(Context ctx, ResourceType type, String dir, MultiMap params) {
    Paging paging = Paging.from(params);
    return etcd.list(ctx, dir)
        .map(
            kvs -> {
              List<KeyValue> kept = new ArrayList<>();
              List<JsonNode> values = new ArrayList<>();
              for (KeyValue kv : kvs) {
                String key = EtcdStore.string(kv.getKey());
                String name = key.substring(dir.length());
                // skip the init_dir placeholder at "<dir>/" and nested keys (consumer credentials)
                if (name.isEmpty() || name.indexOf('/') >= 0) {
                  continue;
                }
                JsonNode value = codec.decrypted(type, parseStored(kv));
                if (!value.isObject() || !Filters.accept(type, value, params)) {
                  continue;
                }
                kept.add(kv);
                values.add(value);
              }
              List<Integer> order = new ArrayList<>();
              for (int i = 0; i < kept.size(); i++) {
                order.add(i);
              }
              if (paging != null) {
                order.sort(Comparator.comparingLong(i -> kept.get(i).getCreateRevision()));
              }
              ArrayNode listed = NODES.arrayNode();
              int from = paging == null ? 0 : Math.min(order.size(), (paging.page() - 1) * paging.size());
              int to = paging == null ? order.size() : Math.min(order.size(), from + paging.size());
              for (int i = from; i < to; i++) {
                int at = order.get(i);
                KeyValue kv = kept.get(at);
                listed.add(item(EtcdStore.string(kv.getKey()), kv, values.get(at)));
              }
              ObjectNode body = NODES.objectNode();
              body.set("list", listed);
              body.put("total", kept.size());
              return new Reply(200, body);
            });
  }

  private static ObjectNode item(String key, KeyValue kv, JsonNode value) {
    ObjectNode item = NODES.objectNode();
    item.put("key", key);
    item.set("value", value);
    item.put("createdIndex", kv.getCreateRevision());
    item.put("modifiedIndex", kv.getModRevision());
    return item;
  }

  /** A stored value as JSON; a value that is not JSON (e.g. {@code init_dir}) as a string. */
  private static JsonNode parseStored(KeyValue kv) {
    byte[] bytes = kv.getValue().getBytes();
    try {
      JsonNode node = JSON.readTree(bytes);
      return node == null || node.isMissingNode() ? TextNode.valueOf("") : node;
    } catch (IOException e) {
      return TextNode.valueOf(new String(bytes, StandardCharsets.UTF_8));
    }
  }

  // ---------------------------------------------------------------- PUT

  private Future<Reply> put(
      Context ctx, ResourceType type, String pathId, MultiMap params, Buffer rawBody) {
    long ttl = ttl(params);
    JsonNode conf = parseBody(rawBody);
    if (conf == null) {
      throw AdminError.badRequest("missing configurations");
    }
    ObjectNode value;
    String id;
    if (type == ResourceType.CONSUMERS) {
      // consumers are keyed by username and carry no id; the username is compared after the schema
      value = requireObject(conf).deepCopy();
      checkForbidden(value);
      stamp(value);
      validate(type, value);
      JsonNode username = value.get("username");
      if (username == null || !username.isTextual()) {
        throw AdminError.badRequest("invalid configuration: property \"username\" is required");
      }
      id = username.textValue();
      if (pathId != null && !pathId.equals(id)) {
        throw AdminError.badRequest("wrong username");
      }
    } else {
      ObjectNode body = requireObject(conf);
      JsonNode bodyId = body.get("id");
      if (pathId == null && (bodyId == null || bodyId.isNull())) {
        throw AdminError.badRequest("missing " + type.kind() + " id");
      }
      if (pathId != null && bodyId != null && !pathId.equals(idText(bodyId))) {
        throw AdminError.badRequest("wrong " + type.kind() + " id");
      }
      id = pathId != null ? pathId : idText(bodyId);
      value = withId(body, pathId != null ? TextNode.valueOf(pathId) : bodyId);
      checkForbidden(value);
      stamp(value);
      validate(type, value);
    }
    checkKeyId(type, id);
    String key = key(type, id);
    String owner = type == ResourceType.CONSUMERS ? id : null;
    // the value being replaced is read while the references are checked: one round trip fewer
    Future<KeyValue> previous = etcd.get(ctx, key);
    return checkReferences(ctx, type, value)
        .compose(v -> owner == null ? Future.succeededFuture() : refuseDuplicateCredentials(ctx, owner, value))
        .compose(v -> lease(ctx, ttl))
        .compose(lease -> putKeepingCreateTime(ctx, key, stored(type, value), lease, CAS_ATTEMPTS, previous))
        .map(created -> new Reply(created ? 201 : 200, written(key, value)));
  }

  /** What goes to etcd: the value with its encrypted fields encrypted. */
  private ObjectNode stored(ResourceType type, ObjectNode value) {
    return (ObjectNode) codec.encrypted(type, value);
  }

  // ---------------------------------------------------------------- credentials

  /** {@code /consumers/<username>/credentials[/<id>]}: GET, PUT and DELETE. */
  private Future<Reply> credentials(
      Context ctx, String method, String username, String credentialId, MultiMap params, Buffer rawBody) {
    if (credentialId != null && (credentialId.isEmpty() || credentialId.indexOf('/') >= 0)) {
      throw AdminError.of(404, "not found");
    }
    String dir = key(ResourceType.CONSUMERS, username) + "/credentials/";
    String id = credentialId == null ? null : username + "/credentials/" + credentialId;
    switch (method) {
      case "GET":
        return id == null
            ? requireConsumer(ctx, username).compose(v -> list(ctx, ResourceType.CREDENTIALS, dir, params))
            : getOne(ctx, ResourceType.CREDENTIALS, id);
      case "PUT":
        return putCredential(ctx, username, credentialId, params, rawBody);
      case "DELETE":
        if (id == null) {
          throw AdminError.badRequest("missing credential id");
        }
        return delete(ctx, ResourceType.CREDENTIALS, id, params);
      default:
        throw AdminError.of(405, "not supported `" + method + "` method for credential");
    }
  }

  private Future<Reply> putCredential(
      Context ctx, String username, String credentialId, MultiMap params, Buffer rawBody) {
    if (credentialId == null) {
      throw AdminError.badRequest("missing credential id");
    }
    long ttl = ttl(params);
    JsonNode conf = parseBody(rawBody);
    if (conf == null) {
      throw AdminError.badRequest("missing configurations");
    }
    ObjectNode body = requireObject(conf);
    JsonNode bodyId = body.get("id");
    if (bodyId != null && !credentialId.equals(idText(bodyId))) {
      throw AdminError.badRequest("wrong credential id");
    }
    ObjectNode value = withId(body, TextNode.valueOf(credentialId));
    checkForbidden(value);
    stamp(value);
    validate(ResourceType.CREDENTIALS, value);
    if (!USERNAME.matcher(username).matches()) {
      throw AdminError.of(404, "consumer not found");
    }
    checkKeyId(ResourceType.CREDENTIALS, credentialId);
    String key = key(ResourceType.CREDENTIALS, username + "/credentials/" + credentialId);
    return requireConsumer(ctx, username)
        .compose(v -> refuseDuplicateCredentials(ctx, username, value))
        .compose(v -> lease(ctx, ttl))
        .compose(lease -> putKeepingCreateTime(ctx, key, stored(ResourceType.CREDENTIALS, value), lease, CAS_ATTEMPTS, etcd.get(ctx, key)))
        .map(created -> new Reply(created ? 201 : 200, written(key, value)));
  }

  private Future<Void> requireConsumer(Context ctx, String username) {
    return etcd.exists(ctx, key(ResourceType.CONSUMERS, username))
        .map(found -> {
          if (!found) {
            throw AdminError.of(404, "consumer not found");
          }
          return null;
        });
  }

  /**
   * Two consumers may not share an auth plugin's identifying value (key-auth {@code key},
   * basic-auth {@code username} …): the data plane could not tell who is calling. Values of
   * {@code owner} itself (its own conf and credentials) do not count.
   */
  private Future<Void> refuseDuplicateCredentials(Context ctx, String owner, ObjectNode value) {
    JsonNode confs = value.get("plugins");
    if (confs == null || !confs.isObject()) {
      return Future.succeededFuture();
    }
    Map<String, String> wanted = new java.util.HashMap<>(); // plugin -> identifying value
    confs.fields().forEachRemaining(e -> {
      String field = plugins.credentialField(e.getKey());
      JsonNode v = field == null ? null : e.getValue().get(field);
      if (v != null && v.isTextual()) {
        wanted.put(e.getKey(), v.textValue());
      }
    });
    if (wanted.isEmpty()) {
      return Future.succeededFuture();
    }
    String dir = prefix + "/" + ResourceType.CONSUMERS.dir() + "/";
    return etcd.list(ctx, dir)
        .map(kvs -> {
          for (KeyValue kv : kvs) {
            String name = EtcdStore.string(kv.getKey()).substring(dir.length());
            int slash = name.indexOf('/');
            String username = slash < 0 ? name : name.substring(0, slash);
            boolean credential = slash >= 0;
            if (name.isEmpty() || username.equals(owner) || (credential && !name.startsWith(username + "/credentials/"))) {
              continue;
            }
            ResourceType type = credential ? ResourceType.CREDENTIALS : ResourceType.CONSUMERS;
            JsonNode other = codec.decrypted(type, parseStored(kv)).get("plugins");
            if (other == null || !other.isObject()) {
              continue;
            }
            for (Map.Entry<String, String> w : wanted.entrySet()) {
              JsonNode conf = other.get(w.getKey());
              JsonNode v = conf == null ? null : conf.get(plugins.credentialField(w.getKey()));
              if (v != null && w.getValue().equals(v.asText())) {
                String where =
                    credential
                        ? "credential: " + name.substring(name.lastIndexOf('/') + 1) + " of consumer: " + username
                        : "consumer: " + username;
                throw AdminError.badRequest("duplicate key of plugin " + w.getKey() + " found with " + where);
              }
            }
          }
          return null;
        });
  }

  /**
   * Writes {@code value}, first copying {@code create_time} from the value it replaces, with a
   * compare-and-swap so that a write racing between our read and our put is detected and the
   * read is redone. Resolves to true when the key was created.
   *
   * @param previous the read of {@code key} this attempt starts from
   */
  private Future<Boolean> putKeepingCreateTime(
      Context ctx, String key, ObjectNode value, long lease, int attempts, Future<KeyValue> previous) {
    return previous
        .compose(
            prev -> {
              if (prev != null) {
                JsonNode old = parseStored(prev).get("create_time");
                if (old != null && old.isNumber()) {
                  value.set("create_time", old);
                }
              }
              long expected = prev == null ? 0 : prev.getModRevision();
              return etcd.putIfUnchanged(ctx, key, bytes(value), expected, lease)
                  .compose(
                      ok -> {
                        if (ok) {
                          return Future.succeededFuture(prev == null);
                        }
                        if (attempts <= 1) {
                          return Future.failedFuture(conflict());
                        }
                        return putKeepingCreateTime(ctx, key, value, lease, attempts - 1, etcd.get(ctx, key));
                      });
            });
  }

  // ---------------------------------------------------------------- POST

  private Future<Reply> post(
      Context ctx, ResourceType type, String pathId, MultiMap params, Buffer rawBody) {
    if (type == ResourceType.CONSUMERS) {
      throw AdminError.of(405, "not supported `POST` method for " + type.kind());
    }
    long ttl = ttl(params);
    JsonNode conf = parseBody(rawBody);
    if (conf == null) {
      throw AdminError.badRequest("missing configurations");
    }
    if (pathId != null || (conf.isObject() && conf.has("id"))) {
      throw AdminError.badRequest("wrong " + type.kind() + " id, do not need it");
    }
    ObjectNode body = requireObject(conf);
    checkForbidden(body);
    // Validate with an id of the final shape before burning a revision on gen_id; the real id
    // (also a 20-digit string) replaces the placeholder in place below.
    ObjectNode value = withId(body, TextNode.valueOf(POST_ID_PLACEHOLDER));
    stamp(value);
    validate(type, value);
    return checkReferences(ctx, type, value)
        .compose(v -> lease(ctx, ttl))
        .compose(
            lease ->
                etcd.touch(ctx, prefix + "/gen_id", "0")
                    .compose(
                        revision -> {
                          String id = String.format("%020d", revision);
                          value.put("id", id);
                          String key = key(type, id);
                          return etcd.putIfUnchanged(ctx, key, bytes(value), 0, lease)
                              .map(
                                  ok -> {
                                    if (!ok) {
                                      throw conflict();
                                    }
                                    return new Reply(201, written(key, value));
                                  });
                        }));
  }

  // ---------------------------------------------------------------- PATCH

  private Future<Reply> patch(
      Context ctx, ResourceType type, String id, String sub, MultiMap params, Buffer rawBody) {
    if (type == ResourceType.CONSUMERS) {
      throw AdminError.of(405, "not supported `PATCH` method for " + type.kind());
    }
    if (id == null) {
      throw AdminError.badRequest("missing " + type.kind() + " id");
    }
    JsonNode conf = parseBody(rawBody);
    if (conf == null) {
      throw AdminError.badRequest("missing new configuration");
    }
    if (sub == null && !conf.isObject()) {
      throw AdminError.badRequest("invalid configuration");
    }
    long ttl = ttl(params);
    String key = key(type, id);
    return lease(ctx, ttl).compose(lease -> patchOnce(ctx, type, id, key, sub, conf, lease, CAS_ATTEMPTS));
  }

  /** One read-merge-validate-swap round; a lost race re-reads and merges again. */
  private Future<Reply> patchOnce(
      Context ctx,
      ResourceType type,
      String id,
      String key,
      String sub,
      JsonNode conf,
      long lease,
      int attempts) {
    return etcd.get(ctx, key)
        .compose(
            prev -> {
              if (prev == null) {
                throw AdminError.keyNotFound();
              }
              JsonNode stored = parseStored(prev);
              if (!stored.isObject()) {
                throw AdminError.badRequest("invalid configuration: stored value is not a JSON object");
              }
              ObjectNode value = (ObjectNode) stored;
              long now = now();
              if (sub != null) {
                JsonEdits.replaceAt(value, sub, conf.deepCopy());
                value.put("update_time", now);
              } else {
                JsonEdits.merge(value, (ObjectNode) conf);
                if (!conf.has("update_time")) {
                  value.put("update_time", now);
                }
              }
              if (!value.has("create_time")) {
                value.put("create_time", now);
              }
              JsonNode storedId = value.get("id");
              if (storedId == null || storedId.isNull()) {
                value.put("id", id);
              } else if (!id.equals(idText(storedId))) {
                throw AdminError.badRequest("wrong " + type.kind() + " id");
              }
              validate(type, value);
              return checkReferences(ctx, type, value)
                  .compose(v -> etcd.putIfUnchanged(ctx, key, bytes(value), prev.getModRevision(), lease))
                  .compose(
                      ok -> {
                        if (ok) {
                          return Future.succeededFuture(new Reply(200, written(key, value)));
                        }
                        if (attempts <= 1) {
                          return Future.failedFuture(conflict());
                        }
                        return patchOnce(ctx, type, id, key, sub, conf, lease, attempts - 1);
                      });
            });
  }

  // ---------------------------------------------------------------- DELETE

  private Future<Reply> delete(Context ctx, ResourceType type, String id, MultiMap params) {
    if (id == null) {
      throw AdminError.badRequest("missing " + type.kind() + " id");
    }
    String key = key(type, id);
    boolean force = "true".equals(params.get("force"));
    Future<Void> check = force ? Future.succeededFuture() : refuseIfInUse(ctx, type, id);
    return check
        .compose(v -> etcd.delete(ctx, key))
        .compose(
            deleted -> {
              if (deleted == 0) {
                throw AdminError.keyNotFound();
              }
              Future<Long> credentials =
                  type == ResourceType.CONSUMERS
                      ? etcd.deletePrefix(ctx, key + "/credentials/")
                      : Future.succeededFuture(0L);
              return credentials.map(
                  n -> {
                    ObjectNode body = NODES.objectNode();
                    body.put("deleted", Long.toString(deleted));
                    body.put("key", key);
                    return new Reply(200, body);
                  });
            });
  }

  /** APISIX's delete checkers: an upstream, service or plugin config still referenced stays. */
  private Future<Void> refuseIfInUse(Context ctx, ResourceType type, String id) {
    switch (type) {
      case UPSTREAMS:
        return refuseIfReferenced(ctx, ResourceType.ROUTES, "upstream_id", id, "can not delete this upstream")
            .compose(
                v ->
                    refuseIfReferenced(
                        ctx, ResourceType.SERVICES, "upstream_id", id, "can not delete this upstream"));
      case SERVICES:
        return refuseIfReferenced(
            ctx, ResourceType.ROUTES, "service_id", id, "can not delete this service directly");
      case PLUGIN_CONFIGS:
        return refuseIfReferenced(
            ctx, ResourceType.ROUTES, "plugin_config_id", id, "can not delete this plugin config");
      case CONSUMER_GROUPS:
        return refuseIfReferenced(
            ctx, ResourceType.CONSUMERS, "group_id", id, "can not delete this consumer group");
      default:
        return Future.succeededFuture();
    }
  }

  private Future<Void> refuseIfReferenced(
      Context ctx, ResourceType users, String field, String id, String refusal) {
    String dir = prefix + "/" + users.dir() + "/";
    return etcd.list(ctx, dir)
        .map(
            kvs -> {
              for (KeyValue kv : kvs) {
                String name = EtcdStore.string(kv.getKey()).substring(dir.length());
                if (name.isEmpty() || name.indexOf('/') >= 0) {
                  continue;
                }
                JsonNode value = parseStored(kv);
                JsonNode ref = value.get(field);
                if (ref != null && id.equals(idText(ref))) {
                  JsonNode userId = value.has("username") ? value.get("username") : value.get("id");
                  String who = userId == null ? name : idText(userId);
                  throw AdminError.badRequest(
                      refusal + ", " + users.kind() + " [" + who + "] is still using it now");
                }
              }
              return null;
            });
  }

  // ---------------------------------------------------------------- shared steps

  /** {@code upstream_id}, {@code service_id} and {@code plugin_config_id} must name stored objects. */
  private Future<Void> checkReferences(Context ctx, ResourceType type, ObjectNode value) {
    List<Future<Void>> checks = new ArrayList<>(3);
    if (type == ResourceType.ROUTES || type == ResourceType.SERVICES) {
      checks.add(requireExisting(ctx, value, "upstream_id", ResourceType.UPSTREAMS));
    }
    if (type == ResourceType.CONSUMERS) {
      checks.add(requireExisting(ctx, value, "group_id", ResourceType.CONSUMER_GROUPS));
    }
    if (type == ResourceType.ROUTES) {
      checks.add(requireExisting(ctx, value, "service_id", ResourceType.SERVICES));
      checks.add(requireExisting(ctx, value, "plugin_config_id", ResourceType.PLUGIN_CONFIGS));
    }
    // The lookups run at once (one etcd round trip, not three); when several fail, the error is
    // the first in the order above, whichever answered first.
    return Future.join(checks)
        .transform(
            done -> {
              for (Future<Void> check : checks) {
                if (check.failed()) {
                  return Future.failedFuture(check.cause());
                }
              }
              return Future.succeededFuture();
            });
  }

  private Future<Void> requireExisting(Context ctx, ObjectNode value, String field, ResourceType target) {
    JsonNode ref = value.get(field);
    if (ref == null || ref.isNull()) {
      return Future.succeededFuture();
    }
    String refId = idText(ref);
    String message =
        "failed to fetch "
            + target.kind()
            + " info by "
            + target.kind()
            + " id ["
            + refId
            + "], response code: 404";
    if (refId == null || !ID.matcher(refId).matches()) {
      return Future.failedFuture(AdminError.badRequest(message));
    }
    return etcd.exists(ctx, key(target, refId))
        .map(
            found -> {
              if (!found) {
                throw AdminError.badRequest(message);
              }
              return null;
            });
  }

  private void validate(ResourceType type, JsonNode value) {
    Optional<String> error = codec.validate(type, value);
    if (error.isPresent()) {
      throw AdminError.badRequest(error.get());
    }
  }

  /**
   * Guards the etcd key even if the schema let an id through: an id with a slash would write
   * outside its directory.
   */
  private static void checkKeyId(ResourceType type, String id) {
    if (type == ResourceType.CONSUMERS) {
      if (!USERNAME.matcher(id).matches()) {
        throw AdminError.badRequest(
            "invalid configuration: property \"username\" validation failed: failed to match pattern"
                + " \"^[a-zA-Z0-9_\\\\-]+$\" with \""
                + id
                + "\"");
      }
    } else if (!ID.matcher(id).matches()) {
      throw AdminError.badRequest(
          "invalid configuration: property \"id\" validation failed: object matches none of the required");
    }
  }

  /** {@code create_time}/{@code update_time} may not be sent on PUT/POST, nor inside upstream/plugins. */
  private static void checkForbidden(JsonNode body) {
    String[] forbidden = {"create_time", "update_time"};
    for (String name : forbidden) {
      if (body.has(name)) {
        throw AdminError.badRequest("the property is forbidden:  " + name);
      }
    }
    for (String parent : new String[] {"upstream", "plugins"}) {
      JsonNode nested = body.get(parent);
      if (nested != null && nested.isObject()) {
        for (String name : forbidden) {
          if (nested.has(name)) {
            throw AdminError.badRequest("the property is forbidden:  " + parent + "." + name);
          }
        }
      }
    }
  }

  private Future<Long> lease(Context ctx, long ttl) {
    return ttl <= 0 ? Future.succeededFuture(0L) : etcd.grantLease(ctx, ttl);
  }

  /** {@code ?ttl=N} in seconds, 0 when absent. */
  private static long ttl(MultiMap params) {
    String raw = params.get("ttl");
    if (raw == null) {
      return 0;
    }
    try {
      double seconds = Double.parseDouble(raw.trim());
      if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
        throw new NumberFormatException(raw);
      }
      return Math.max(1, (long) Math.ceil(seconds));
    } catch (NumberFormatException e) {
      throw AdminError.badRequest("invalid argument ttl: should be a number");
    }
  }

  /** The request body as JSON, null when empty. */
  private static JsonNode parseBody(Buffer raw) {
    if (raw.length() == 0) {
      return null;
    }
    try {
      JsonNode node = JSON.readTree(raw.getBytes());
      return node == null || node.isMissingNode() ? null : node;
    } catch (JsonProcessingException e) {
      ObjectNode body = NODES.objectNode();
      body.put("error_msg", "invalid request body: " + e.getOriginalMessage());
      body.put("req_body", raw.toString(StandardCharsets.UTF_8));
      throw new AdminError(400, body);
    } catch (IOException e) {
      throw AdminError.badRequest("invalid request body: " + e.getMessage());
    }
  }

  private static ObjectNode requireObject(JsonNode conf) {
    if (!conf.isObject()) {
      throw AdminError.badRequest(
          "invalid configuration: wrong type: expected object, got " + jsonType(conf));
    }
    return (ObjectNode) conf;
  }

  private static String jsonType(JsonNode node) {
    if (node.isArray()) {
      return "array";
    }
    if (node.isTextual()) {
      return "string";
    }
    if (node.isNumber()) {
      return "number";
    }
    if (node.isBoolean()) {
      return "boolean";
    }
    return "null";
  }

  /** A copy of {@code body} with {@code id} first, or in its original place if present. */
  private static ObjectNode withId(ObjectNode body, JsonNode id) {
    ObjectNode value = NODES.objectNode();
    if (!body.has("id")) {
      value.set("id", id);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      value.set(e.getKey(), e.getKey().equals("id") ? id : e.getValue().deepCopy());
    }
    return value;
  }

  /** The id as APISIX's {@code tostring} would print it; null for objects and arrays. */
  static String idText(JsonNode id) {
    if (id.isTextual()) {
      return id.textValue();
    }
    if (id.isNumber() || id.isBoolean()) {
      return id.asText();
    }
    return null;
  }

  private String key(ResourceType type, String id) {
    return prefix + "/" + type.dir() + "/" + id;
  }

  private static ObjectNode written(String key, JsonNode value) {
    ObjectNode body = NODES.objectNode();
    body.put("key", key);
    body.set("value", value);
    return body;
  }

  private static byte[] bytes(JsonNode value) {
    try {
      return JSON.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a JsonNode", e);
    }
  }

  private static AdminError conflict() {
    return AdminError.of(409, "value changed before overwritten");
  }

  /** Sets both timestamps to now; a PUT over an existing key later restores create_time. */
  private static void stamp(ObjectNode value) {
    long now = now();
    value.put("create_time", now);
    value.put("update_time", now);
  }

  private static long now() {
    return System.currentTimeMillis() / 1000;
  }
}
