package org.apigw.plugins.logging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.apigw.plugin.Json;
import org.apigw.plugin.PluginContext;
import org.apigw.plugin.QueryArgs;
import org.apigw.plugin.ServedRequest;

/**
 * Builds the log entry of one request as APISIX's loggers do ({@code log-util.get_full_log}),
 * or from a {@link LogFormat} when the conf has one. Runs in the log phase on the request's event
 * loop; the entry is a standalone Jackson tree that may be serialised on another thread.
 *
 * <pre>{@code
 * {"request":{"url","uri","method","headers","querystring","size","body"?},
 *  "response":{"status","headers","size","body"?},
 *  "server":{"hostname","version"}, "upstream", "route_id", "service_id", "consumer":{"username"}?,
 *  "client_ip", "start_time", "latency", "upstream_latency"?, "apisix_latency"}
 * }</pre>
 */
public final class LogEntries {

  /** The loggers' metadata schema ({@code log_format}). */
  static final String METADATA_SCHEMA = "plugins/log-format.metadata.json";

  /** Per-request attribute holding the response body collected by a logger's body_filter. */
  static final String RESPONSE_BODY_ATTR = "logging.response-body";

  private static final String VERSION = versionOf();
  private static final String HOSTNAME = hostnameOf();

  private LogEntries() {}

  /**
   * What a logger's conf asks for: a custom format, and the request/response bodies (APISIX's
   * {@code include_req_body}, {@code include_resp_body}, capped at {@code max_req_body_bytes} /
   * {@code max_resp_body_bytes}, default 512 KiB).
   */
  public record Options(
      LogFormat format, boolean includeReqBody, int maxReqBodyBytes, boolean includeRespBody, int maxRespBodyBytes) {

    public static Options decode(JsonNode conf) {
      return new Options(
          LogFormat.compile(conf.get("log_format")),
          Json.bool(conf, "include_req_body", false),
          Json.integer(conf, "max_req_body_bytes", 524288),
          Json.bool(conf, "include_resp_body", false),
          Json.integer(conf, "max_resp_body_bytes", 524288));
    }
  }

  /** Rewrite phase: asks the gateway to keep a copy of the request body when the conf logs it. */
  public static void wantBodies(PluginContext ctx, Options options) {
    if (options.includeReqBody()) {
      ctx.captureRequestBody(options.maxReqBodyBytes());
    }
  }

  /** Body filter: collects the response body (up to the cap) when the conf logs it. */
  public static Buffer collectResponse(PluginContext ctx, Options options, Buffer chunk) {
    if (!options.includeRespBody() || chunk.length() == 0) {
      return chunk;
    }
    Buffer collected = (Buffer) ctx.attr(RESPONSE_BODY_ATTR);
    if (collected == null) {
      collected = Buffer.buffer();
      ctx.attr(RESPONSE_BODY_ATTR, collected);
    }
    int room = options.maxRespBodyBytes() - collected.length();
    if (room > 0) {
      collected.appendBuffer(chunk, 0, Math.min(room, chunk.length()));
    }
    return chunk;
  }

  /**
   * The entry: the conf's {@code log_format}, else the plugin's {@code plugin_metadata}
   * {@code log_format}, else APISIX's full log.
   */
  public static ObjectNode build(PluginContext ctx, Options options, String plugin) {
    if (options.format() != null) {
      return options.format().render(ctx);
    }
    if (ctx.metadata(plugin) instanceof Metadata metadata && metadata.logFormat() != null) {
      return metadata.logFormat().render(ctx);
    }
    return fullLog(ctx, options);
  }

  /**
   * A logger's {@code plugin_metadata}: the node-wide {@code log_format}, null when unset. Both
   * loggers take the same metadata, checked by {@link #METADATA_SCHEMA}.
   */
  public record Metadata(LogFormat logFormat) {
    public static Metadata decode(JsonNode conf) {
      return new Metadata(LogFormat.compile(conf.get("log_format")));
    }
  }

  private static ObjectNode fullLog(PluginContext ctx, Options options) {
    ServedRequest served = ctx.served();
    ObjectNode entry = Json.MAPPER.createObjectNode();

    ObjectNode request = entry.putObject("request");
    String requestUri = ctx.var("request_uri");
    request.put("url", ctx.scheme() + "://" + orEmpty(ctx.var("host")) + ":" + orEmpty(ctx.var("server_port")) + orEmpty(requestUri));
    request.put("uri", requestUri);
    request.put("method", ctx.method());
    request.set("headers", headers(ctx.requestHeaders()));
    request.set("querystring", queryString(ctx.query()));
    request.put("size", served.requestLength());
    if (options.includeReqBody()) {
      String body = requestBody(ctx);
      if (body != null) {
        request.put("body", body);
      }
    }

    ObjectNode response = entry.putObject("response");
    response.put("status", ctx.status() == 0 ? 499 : ctx.status()); // none yet: the client left (nginx's 499)
    response.set("headers", headers(ctx.responseHeaders()));
    response.put("size", served.bytesSent());
    if (options.includeRespBody()) {
      Object body = ctx.attr(RESPONSE_BODY_ATTR);
      if (body instanceof Buffer b) {
        response.put("body", b.toString(StandardCharsets.UTF_8));
      }
    }

    ObjectNode server = entry.putObject("server");
    server.put("hostname", HOSTNAME);
    server.put("version", VERSION);

    if (served.upstreamAddr() != null) {
      entry.put("upstream", served.upstreamAddr());
    }
    putIfPresent(entry, "route_id", ctx.var("route_id"));
    putIfPresent(entry, "service_id", ctx.var("service_id"));
    if (ctx.consumer() != null) {
      entry.putObject("consumer").put("username", ctx.consumer().consumer().username());
    }
    entry.put("client_ip", ctx.remoteAddr());
    entry.put("start_time", served.startMillis());
    double latency = served.latencyMillis();
    double upstream = served.upstreamLatencyMillis();
    entry.put("latency", latency);
    if (upstream >= 0) {
      entry.put("upstream_latency", upstream);
      entry.put("apisix_latency", Math.max(0, latency - upstream));
    } else {
      entry.put("apisix_latency", latency);
    }
    return entry;
  }

  /** The captured request body as text, or null when there is none. */
  static String requestBody(PluginContext ctx) {
    Buffer body = ctx.requestBody();
    return body == null || body.length() == 0 ? null : body.toString(StandardCharsets.UTF_8);
  }

  /** Lower-case names as nginx gives them to Lua; a repeated header becomes an array. */
  static ObjectNode headers(MultiMap headers) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    for (String name : headers.names()) {
      List<String> values = headers.getAll(name);
      String key = name.toLowerCase(Locale.ROOT);
      if (values.size() == 1) {
        out.put(key, values.get(0));
      } else {
        ArrayNode array = out.putArray(key);
        values.forEach(array::add);
      }
    }
    return out;
  }

  /** Query arguments as {@code ngx.req.get_uri_args}: decoded, repeated ones as arrays, bare ones true. */
  static ObjectNode queryString(String query) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    if (query == null || query.isEmpty()) {
      return out;
    }
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = QueryArgs.decode(eq < 0 ? pair : pair.substring(0, eq));
      if (name.isEmpty()) {
        continue;
      }
      var value = eq < 0 ? JsonNodeFactory.instance.booleanNode(true) : JsonNodeFactory.instance.textNode(QueryArgs.decode(pair.substring(eq + 1)));
      var existing = out.get(name);
      if (existing == null) {
        out.set(name, value);
      } else if (existing.isArray()) {
        ((ArrayNode) existing).add(value);
      } else {
        ArrayNode array = out.putArray(name);
        array.add(existing);
        array.add(value);
      }
    }
    return out;
  }

  private static void putIfPresent(ObjectNode entry, String field, String value) {
    if (value != null && !value.isEmpty()) {
      entry.put(field, value);
    }
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  private static String versionOf() {
    String version = LogEntries.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }

  private static String hostnameOf() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown";
    }
  }
}
