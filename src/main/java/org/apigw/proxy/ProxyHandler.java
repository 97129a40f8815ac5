package org.apigw.proxy;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.function.Supplier;
import org.apigw.plugin.PluginChain;
import org.apigw.resource.Route;
import org.apigw.resource.Timeout;
import org.apigw.router.Match;
import org.apigw.store.RouteTarget;
import org.apigw.store.RuntimeConfig;
import org.apigw.store.UpstreamState;

/**
 * Entry point of every proxied request, on its event loop: read the current config once, match,
 * resolve what the route references, run the plugins' rewrite and access phases ({@link
 * PluginRun}, only when the global rules or the route have plugins), then hand over to a {@link
 * ProxyExchange}. Answers the gateway's own errors (400, 404, 502, 503) itself.
 */
final class ProxyHandler implements Handler<HttpServerRequest> {

  private final Supplier<RuntimeConfig> config;
  private final HttpClient client;
  private final ProxySettings settings;
  private final Vertx vertx;

  private static final Map<String, String> NOT_FOUND_HEADERS = Map.of("Content-Type", "application/json");

  ProxyHandler(Supplier<RuntimeConfig> config, HttpClient client, ProxySettings settings, Vertx vertx) {
    this.config = config;
    this.client = client;
    this.settings = settings;
    this.vertx = vertx;
  }

  @Override
  public void handle(HttpServerRequest request) {
    request.pause(); // the body streams upstream once a connection is up, not before
    RuntimeConfig current = config.get();
    String path = PathNormalizer.normalize(request.path());
    if (path == null) {
      ErrorPages.send(request, 400, settings);
      return;
    }
    if (settings.deleteUriTailSlash() && path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    ProxyRequestView view = new ProxyRequestView(request, path);
    PluginChain global = current.globalChain();
    Match<RouteTarget> match = current.router().match(view);
    if (match == null) {
      if (global.isEmpty()) {
        ErrorPages.sendJson(request, 404, ErrorPages.ROUTE_NOT_FOUND, settings);
        return;
      }
      PluginRun run = new PluginRun(request, view, settings, vertx, global);
      run.globalOnly(() -> run.respond(404, NOT_FOUND_HEADERS, ErrorPages.ROUTE_NOT_FOUND));
      return;
    }
    RouteTarget target = match.route().payload();
    Route route = target.route();
    if (target.serviceMissing()) {
      ErrorPages.send(request, 404, settings);
      return;
    }
    if (route.pluginConfigId() != null && target.pluginConfig() == null) {
      ErrorPages.send(request, 503, settings);
      return;
    }
    if (global.isEmpty() && target.chain().isEmpty()) {
      proxy(request, view, current, target, null); // no plugins: nothing to run
      return;
    }
    PluginRun run = new PluginRun(request, view, settings, vertx, global);
    run.route(target.chain());
    run.rewriteAndAccess(() -> proxy(request, view, current, target, run));
  }

  private void proxy(
      HttpServerRequest request, ProxyRequestView view, RuntimeConfig current, RouteTarget target, PluginRun run) {
    Route route = target.route();
    UpstreamState upstream =
        target.inlineUpstream() != null
            ? target.inlineUpstream()
            : target.upstreamId() != null ? current.upstream(target.upstreamId()) : null;
    if (upstream == null || upstream.selector() == null) {
      if (run != null) {
        run.respond(502, null, null);
      } else {
        ErrorPages.send(request, 502, settings);
      }
      return;
    }
    Timeout timeout =
        route.timeout() != null
            ? route.timeout()
            : upstream.upstream().timeout() != null ? upstream.upstream().timeout() : Timeout.DEFAULT;
    new ProxyExchange(request, view, upstream, timeout, client, settings, run).start();
  }

  /** Headers that describe one connection, not the message (RFC 9110 §7.6.1), plus nginx's. */
  static boolean isHopByHop(CharSequence name) {
    return HttpHeaders.CONNECTION.toString().equalsIgnoreCase(name.toString())
        || "keep-alive".equalsIgnoreCase(name.toString())
        || "proxy-connection".equalsIgnoreCase(name.toString())
        || "te".equalsIgnoreCase(name.toString())
        || "trailer".equalsIgnoreCase(name.toString())
        || "transfer-encoding".equalsIgnoreCase(name.toString())
        || "upgrade".equalsIgnoreCase(name.toString());
  }

  /** Copies end-to-end headers: drops hop-by-hop ones and any the Connection header names. */
  static void copyEndToEnd(MultiMap from, MultiMap to) {
    String connection = from.get(HttpHeaders.CONNECTION);
    for (var header : from) {
      String name = header.getKey();
      if (isHopByHop(name) || (connection != null && listed(connection, name))) {
        continue;
      }
      to.add(name, header.getValue());
    }
  }

  private static boolean listed(String connection, String name) {
    for (String token : connection.split(",")) {
      if (token.trim().equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  static void end(HttpServerRequest request) {
    HttpServerResponse response = request.response();
    if (!response.ended() && !response.closed()) {
      response.end();
    }
  }
}
