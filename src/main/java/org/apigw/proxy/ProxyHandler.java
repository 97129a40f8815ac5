package org.apigw.proxy;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.Vertx;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
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
  private final BooleanSupplier draining;
  private final ProxyStats stats;

  private static final Map<String, String> NOT_FOUND_HEADERS = Map.of("Content-Type", "application/json");

  ProxyHandler(
      Supplier<RuntimeConfig> config,
      HttpClient client,
      ProxySettings settings,
      Vertx vertx,
      BooleanSupplier draining,
      ProxyStats stats) {
    this.config = config;
    this.client = client;
    this.settings = settings;
    this.vertx = vertx;
    this.draining = draining;
    this.stats = stats;
  }

  @Override
  public void handle(HttpServerRequest request) {
    request.pause(); // the body streams upstream once a connection is up, not before
    stats.request();
    if (draining.getAsBoolean()) {
      closeAfterResponse(request);
    }
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
      PluginRun run = new PluginRun(request, view, settings, vertx, current);
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
    PluginRun run = new PluginRun(request, view, settings, vertx, current);
    run.route(target);
    run.served().matched(match.matchedUri(), route.hosts(), view.host());
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

  /**
   * Headers that describe one connection, not the message (RFC 9110 §7.6.1), plus nginx's.
   * Dispatches on the length first and compares case-insensitively without allocating: this
   * runs for every header of every request and response.
   */
  static boolean isHopByHop(CharSequence name) {
    switch (name.length()) {
      case 2:
        return AsciiString.contentEqualsIgnoreCase(name, "te");
      case 7:
        return AsciiString.contentEqualsIgnoreCase(name, "trailer")
            || AsciiString.contentEqualsIgnoreCase(name, "upgrade");
      case 10:
        return AsciiString.contentEqualsIgnoreCase(name, "connection")
            || AsciiString.contentEqualsIgnoreCase(name, "keep-alive");
      case 16:
        return AsciiString.contentEqualsIgnoreCase(name, "proxy-connection");
      case 17:
        return AsciiString.contentEqualsIgnoreCase(name, "transfer-encoding");
      default:
        return false;
    }
  }

  /** Copies end-to-end headers: drops hop-by-hop ones and any the Connection header names. */
  static void copyEndToEnd(MultiMap from, MultiMap to) {
    String connection = from.get(HttpHeaders.CONNECTION);
    List<String> named = connection == null ? List.of() : connectionTokens(connection);
    for (var header : from) {
      String name = header.getKey();
      if (isHopByHop(name) || (!named.isEmpty() && listed(named, name))) {
        continue;
      }
      to.add(name, header.getValue());
    }
  }

  /**
   * The header names a Connection header lists, without the hop-by-hop ones (dropped anyway):
   * the usual {@code keep-alive} gives an empty list; parsed once per message.
   */
  static List<String> connectionTokens(String connection) {
    List<String> tokens = null;
    int from = 0;
    int length = connection.length();
    while (from <= length) {
      int comma = connection.indexOf(',', from);
      int to = comma < 0 ? length : comma;
      String token = connection.substring(from, to).trim();
      if (!token.isEmpty() && !isHopByHop(token)) {
        if (tokens == null) {
          tokens = new ArrayList<>(2);
        }
        tokens.add(token);
      }
      from = to + 1;
    }
    return tokens == null ? List.of() : tokens;
  }

  private static boolean listed(List<String> named, String name) {
    for (int i = 0; i < named.size(); i++) {
      if (named.get(i).equalsIgnoreCase(name)) {
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

  /**
   * While the node drains, tells the client this connection ends with the response and closes it
   * once the response is written, so the client's next request goes to a listener that stays.
   */
  private static void closeAfterResponse(HttpServerRequest request) {
    if (request.version() == HttpVersion.HTTP_2) {
      return; // one connection carries other streams; the server's shutdown sends GOAWAY
    }
    HttpServerResponse response = request.response();
    response.headersEndHandler(v -> response.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE));
    response.bodyEndHandler(v -> request.connection().close());
  }
}
