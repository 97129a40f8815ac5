package org.apigw.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.ClientSSLOptions;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apigw.plugin.Json;
import org.apigw.plugin.Phase;
import org.apigw.plugin.PhaseResult;
import org.apigw.plugin.Plugin;
import org.apigw.plugin.PluginConfigException;
import org.apigw.plugin.PluginContext;
import org.apigw.plugin.UriEncoding;

/**
 * proxy-mirror (1010, rewrite + before_proxy): sends a copy of the request — method, URI with
 * query, headers, body — to {@code host}, and ignores the answer. The client's response never
 * waits for the mirror nor depends on it; a mirror that fails is logged ({@link MirrorRequest}).
 *
 * <p>As APISIX, the rewrite phase draws the sample ({@code sample_ratio}) and fixes the mirror
 * URI: the {@code upstream_uri} a higher-priority plugin set, else the request's path and query;
 * {@code path} replaces the path ({@code replace}, the query is kept) or goes in front of the
 * whole URI ({@code prefix}). The copy leaves in before_proxy, once, when the request is about to
 * go upstream — so a request refused by a later plugin is not mirrored, as in APISIX where the
 * mirror subrequest starts after the access phase — with the request headers as plugins left
 * them and the Host the upstream gets ({@code upstream_host}, else the client's). Its body is
 * copied from the chunks the upstream receives; see {@link MirrorRequest} for the buffering
 * bound. {@code grpc://} and {@code grpcs://} hosts are mirrored over HTTP/2.
 *
 * <p>Node settings: {@code plugin_attr.proxy-mirror.timeout.connect} and the larger of {@code
 * read}/{@code send} (idle time) bound each mirror request; the default is 60 s, as APISIX's.
 */
public final class ProxyMirrorPlugin implements Plugin<ProxyMirrorPlugin.Config> {

  /** The most body bytes a mirror may lag behind the original before it is given up. */
  static final long MAX_PENDING_BODY = 1024 * 1024;

  private static final String URI_ATTR = "proxy-mirror.uri";
  private static final String STARTED = "proxy-mirror.started";
  private static final Pattern HOST = Pattern.compile("^(https?|grpcs?)://([\\da-zA-Z.-]+|\\[[\\da-fA-F:]+\\])(?::(\\d+))?$");
  private static final ClientSSLOptions TRUST_ALL =
      new ClientSSLOptions().setTrustAll(true).setHostnameVerificationAlgorithm("");
  /** Request headers that describe the client's connection, not the request. */
  private static final Set<String> NOT_COPIED =
      Set.of("host", "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
          "expect");

  /**
   * Typed conf.
   *
   * @param host host name or IP literal (IPv6 without brackets)
   * @param path null when not configured
   * @param ratio sample ratio; 1 mirrors every request
   */
  public record Config(boolean ssl, boolean http2, String host, int port, String path, boolean prefix, double ratio) {}

  private final long connectMillis;
  private final long idleMillis;

  ProxyMirrorPlugin(Duration connect, Duration idle) {
    this.connectMillis = connect.toMillis();
    this.idleMillis = idle.toMillis();
  }

  /** Timeouts from {@code plugin_attr.proxy-mirror.timeout}; 60 s each by default. */
  public static ProxyMirrorPlugin fromAttr(Map<String, JsonNode> pluginAttr) {
    JsonNode timeout = pluginAttr.getOrDefault("proxy-mirror", Json.MAPPER.createObjectNode()).path("timeout");
    Duration connect = nginxTime(timeout.get("connect"), "plugin_attr.proxy-mirror.timeout.connect");
    Duration read = nginxTime(timeout.get("read"), "plugin_attr.proxy-mirror.timeout.read");
    Duration send = nginxTime(timeout.get("send"), "plugin_attr.proxy-mirror.timeout.send");
    return new ProxyMirrorPlugin(connect, read.compareTo(send) >= 0 ? read : send);
  }

  @Override
  public String name() {
    return "proxy-mirror";
  }

  @Override
  public int priority() {
    return 1010;
  }

  @Override
  public Set<Phase> phases() {
    return Set.of(Phase.REWRITE, Phase.BEFORE_PROXY);
  }

  @Override
  public Config decode(JsonNode conf) {
    Matcher m = HOST.matcher(conf.get("host").asText());
    if (!m.matches()) {
      throw new PluginConfigException("property \"host\" validation failed: failed to match pattern");
    }
    String scheme = m.group(1);
    boolean ssl = scheme.endsWith("s");
    String host = m.group(2).startsWith("[") ? m.group(2).substring(1, m.group(2).length() - 1) : m.group(2);
    int port = ssl ? 443 : 80;
    if (m.group(3) != null) {
      port = m.group(3).length() > 5 ? 0 : Integer.parseInt(m.group(3));
      if (port < 1 || port > 65535) {
        throw new PluginConfigException("property \"host\" has an invalid port: " + m.group(3));
      }
    }
    return new Config(
        ssl,
        scheme.startsWith("grpc"),
        host,
        port,
        Json.text(conf, "path", null),
        "prefix".equals(Json.text(conf, "path_concat_mode", "replace")),
        conf.path("sample_ratio").asDouble(1));
  }

  @Override
  public PhaseResult rewrite(Config conf, PluginContext ctx) {
    if (conf.ratio() < 1 && ThreadLocalRandom.current().nextDouble() >= conf.ratio()) {
      return PhaseResult.CONTINUE;
    }
    ctx.attr(URI_ATTR, mirrorUri(conf, ctx));
    return PhaseResult.CONTINUE;
  }

  /** APISIX's {@code enable_mirror}: the URI the copy is sent to. */
  static String mirrorUri(Config conf, PluginContext ctx) {
    String args = ctx.query() == null ? "" : "?" + ctx.query();
    String upstreamUri = ctx.var("upstream_uri");
    String uri = upstreamUri != null && !upstreamUri.isEmpty() ? upstreamUri : UriEncoding.encode(ctx.uri()) + args;
    if (conf.path() == null) {
      return uri;
    }
    return conf.prefix() ? conf.path() + uri : conf.path() + args;
  }

  @Override
  public PhaseResult beforeProxy(Config conf, PluginContext ctx) {
    Object uri = ctx.attr(URI_ATTR);
    if (!(uri instanceof String) || ctx.attr(STARTED) != null) {
      return PhaseResult.CONTINUE; // not sampled, or already sent on an earlier attempt
    }
    ctx.attr(STARTED, Boolean.TRUE);
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (Map.Entry<String, String> h : ctx.requestHeaders()) {
      if (!NOT_COPIED.contains(h.getKey().toLowerCase(Locale.ROOT))) {
        headers.add(h.getKey(), h.getValue());
      }
    }
    String host = ctx.var("upstream_host");
    if (host == null) {
      host = ctx.header("Host");
    }
    if (host != null) {
      headers.set("Host", host);
    }
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.valueOf(ctx.method()))
            .setHost(conf.host())
            .setPort(conf.port())
            .setURI((String) uri)
            .setHeaders(headers)
            .setConnectTimeout(connectMillis)
            .setIdleTimeout(idleMillis);
    if (conf.ssl()) {
      options.setSsl(true).setSslOptions(TRUST_ALL);
    }
    String length = ctx.header("Content-Length");
    String encoding = ctx.header("Transfer-Encoding");
    boolean chunked = length == null && encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked");
    boolean hasBody = chunked || (length != null && !"0".equals(length.trim()));
    MirrorRequest mirror = MirrorRequest.start(client(conf.http2()), options, chunked, MAX_PENDING_BODY);
    if (hasBody) {
      ctx.tapRequestBody(mirror);
    } else {
      mirror.end();
    }
    return PhaseResult.CONTINUE;
  }

  private static final String H1_CLIENT = "proxy-mirror.client.h1";
  private static final String H2_CLIENT = "proxy-mirror.client.h2";

  /**
   * The mirror client of the calling event loop, made on first use: its connections live on that
   * loop, like the request being copied, and it closes with the proxy verticle that owns the loop.
   */
  private HttpClient client(boolean http2) {
    Context context = Vertx.currentContext();
    if (context == null) {
      throw new IllegalStateException("proxy-mirror runs on a request's event loop");
    }
    String key = http2 ? H2_CLIENT : H1_CLIENT;
    HttpClient client = context.get(key);
    if (client == null) {
      HttpClientOptions options =
          new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true).setDecompressionSupported(false);
      if (http2) {
        // grpc:// is cleartext HTTP/2 without an upgrade; grpcs:// negotiates h2 with ALPN
        options.setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false).setUseAlpn(true);
      }
      client = context.owner().createHttpClient(options, new PoolOptions().setHttp1MaxSize(32));
      context.put(key, client);
    }
    return client;
  }

  private static final Pattern NGINX_TIME = Pattern.compile("^(\\d+)(ms|s|m|h)?$");

  /** nginx time syntax: {@code 60s}, {@code 500ms}, {@code 2m}, {@code 1h}, or bare seconds. */
  static Duration nginxTime(JsonNode value, String field) {
    if (value == null || value.isNull()) {
      return Duration.ofSeconds(60);
    }
    if (value.isNumber()) {
      return Duration.ofMillis(Math.round(value.asDouble() * 1000));
    }
    Matcher m = NGINX_TIME.matcher(value.asText().trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(field + ": expected a time such as 60s or 500ms, got " + value.asText());
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    return switch (unit) {
      case "ms" -> Duration.ofMillis(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofSeconds(n);
    };
  }
}
