package org.apigw.proxy;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.AsyncResult;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.ClientSSLOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.apigw.resource.Node;
import org.apigw.resource.Timeout;
import org.apigw.resource.Upstream;
import org.apigw.store.UpstreamState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request's trip upstream: pick a node, connect, stream the body up and the response back.
 * A failure to connect moves on to another node (never the same one twice) while the retry
 * budget lasts — the request body has not been read at that point, so retrying is safe. Once
 * connected, a failure ends the request: 504 for a timeout, 502 otherwise, or a reset
 * connection if the response has already started.
 *
 * <p>Confined to the request's event loop.
 */
final class ProxyExchange {

  private static final Logger log = LoggerFactory.getLogger(ProxyExchange.class);

  private static final ClientSSLOptions TRUST_ALL =
      new ClientSSLOptions().setTrustAll(true).setHostnameVerificationAlgorithm("");

  private final HttpServerRequest request;
  private final ProxyRequestView view;
  private final UpstreamState upstream;
  private final Timeout timeout;
  private final HttpClient client;
  private final ProxySettings settings;
  private final List<Node> tried = new ArrayList<>(2);
  private final long startNanos = System.nanoTime();
  private final int retryBudget;
  /** The request's plugins, null when it has none. */
  private final PluginRun run;
  /** The run's log-phase facts, fed as the upstream attempts go; null without plugins. */
  private final LogVars served;
  private MultiMap headers;
  private String uri;
  private io.vertx.core.http.HttpMethod method;

  ProxyExchange(
      HttpServerRequest request,
      ProxyRequestView view,
      UpstreamState upstream,
      Timeout timeout,
      HttpClient client,
      ProxySettings settings,
      PluginRun run) {
    this.request = request;
    this.run = run;
    this.served = run == null ? null : run.served();
    this.view = view;
    this.upstream = upstream;
    this.timeout = timeout;
    this.client = client;
    this.settings = settings;
    Upstream config = upstream.upstream();
    int others = Math.max(0, config.nodes().size() - 1);
    this.retryBudget = config.retries() == null ? others : Math.min(config.retries(), others);
  }

  void start() {
    headers = upstreamHeaders();
    if (run != null && run.upstreamUri() != null) {
      uri = run.upstreamUri();
    } else {
      String query = view.query();
      String path = PathNormalizer.encode(view.path());
      uri = query == null ? path : path + "?" + query;
    }
    method =
        run != null && run.upstreamMethod() != null
            ? io.vertx.core.http.HttpMethod.valueOf(run.upstreamMethod())
            : request.method();
    attempt();
  }

  /** The gateway's own answer: through the response phases when the request has plugins. */
  private void fail(int status) {
    if (run != null) {
      run.respond(status, null, null);
    } else {
      ErrorPages.send(request, status, settings);
    }
  }

  private void attempt() {
    Node node = upstream.selector().pick(hashKey(), tried::contains);
    if (node == null) {
      if (tried.isEmpty()) {
        log.warn("no node available in upstream {} for {} {}", describe(), request.method(), view.path());
      }
      fail(502);
      return;
    }
    tried.add(node);
    if (run == null) {
      connect(node);
    } else {
      run.beforeProxy(() -> connect(node));
    }
  }

  private void connect(Node node) {
    Upstream config = upstream.upstream();
    boolean https = "https".equals(config.scheme());
    RequestOptions options =
        new RequestOptions()
            .setMethod(method)
            .setHost(node.host())
            .setPort(node.port())
            .setURI(uri)
            .setHeaders(headers)
            .setConnectTimeout(millis(timeout.connect()))
            .setIdleTimeout(millis(Math.max(timeout.send(), timeout.read())));
    if (https) {
      options.setSsl(true).setSslOptions(TRUST_ALL);
    }
    headers.set(
        HttpHeaders.HOST,
        run != null && run.upstreamHost() != null ? run.upstreamHost() : upstreamHost(node, https));
    if (served != null) {
      served.connecting(node);
    }
    client.request(options).onComplete(ar -> connected(ar, node));
  }

  private void connected(AsyncResult<HttpClientRequest> ar, Node node) {
    if (ar.failed()) {
      Throwable cause = ar.cause();
      if (served != null) {
        served.attemptFailed(isTimeout(cause) ? 504 : 502);
      }
      if (canRetry()) {
        log.warn("connect to {} failed ({}); retrying with another node of upstream {}",
            node.authority(), cause.getMessage(), describe());
        attempt();
        return;
      }
      log.error("connect to {} failed ({}) for {} {}", node.authority(), cause.getMessage(), request.method(), view.path());
      fail(isTimeout(cause) ? 504 : 502);
      return;
    }
    HttpClientRequest upstreamRequest = ar.result();
    if (served != null) {
      served.connected();
    }
    HttpServerResponse response = request.response();
    response.closeHandler(v -> {
      if (!response.ended()) {
        upstreamRequest.reset(); // the client went away: stop the upstream work too
      }
      if (run != null) {
        run.runLog();
      }
    });
    sendBody(upstreamRequest).onComplete(res -> relay(res, upstreamRequest, node));
  }

  private io.vertx.core.Future<HttpClientResponse> sendBody(HttpClientRequest upstreamRequest) {
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    String encoding = request.getHeader(HttpHeaders.TRANSFER_ENCODING);
    // plugins that copy the body (proxy-mirror) read it through the same stream
    io.vertx.core.streams.ReadStream<Buffer> body = run == null ? request : run.upstreamBody();
    if (length != null) {
      return upstreamRequest.send(body);
    }
    if (encoding != null && encoding.toLowerCase(java.util.Locale.ROOT).contains("chunked")) {
      upstreamRequest.setChunked(true);
      return upstreamRequest.send(body);
    }
    if (run != null) {
      run.noRequestBody();
    }
    request.resume(); // no body: let the request complete so the connection can be reused
    return upstreamRequest.send();
  }

  private void relay(AsyncResult<HttpClientResponse> ar, HttpClientRequest upstreamRequest, Node node) {
    HttpServerResponse response = request.response();
    if (ar.failed()) {
      Throwable cause = ar.cause();
      if (served != null) {
        served.attemptFailed(isTimeout(cause) ? 504 : 502);
      }
      if (response.closed()) {
        log.debug("client closed the connection before {} answered {} {}", node.authority(), request.method(), view.path());
        return;
      }
      int status = isTimeout(cause) ? 504 : 502;
      log.error("upstream {} failed for {} {}: {} (answered {})",
          node.authority(), request.method(), view.path(), cause.getMessage(), status);
      if (response.headWritten()) {
        response.reset();
      } else {
        fail(status);
      }
      return;
    }
    HttpClientResponse upstreamResponse = ar.result();
    if (response.closed()) {
      upstreamRequest.reset();
      return;
    }
    int status = upstreamResponse.statusCode();
    if (served != null) {
      served.responseHeaders(status);
    }
    response.setStatusCode(status);
    String reason = upstreamResponse.statusMessage();
    if (reason != null && !reason.equals(HttpResponseStatus.valueOf(status).reasonPhrase())) {
      // only a non-standard reason phrase: setting one makes Vert.x build a new status line
      // object for every response instead of using Netty's shared one
      response.setStatusMessage(reason);
    }
    MultiMap out = response.headers();
    ProxyHandler.copyEndToEnd(upstreamResponse.headers(), out);
    out.set(SERVER, settings.serverHeader());
    if (status >= 500) {
      out.set("X-APISIX-Upstream-Status", Integer.toString(status));
    }
    if (run != null) {
      run.headerFilter();
      status = response.getStatusCode();
    }
    boolean bodyless =
        request.method().name().equals("HEAD") || status == 204 || status == 304 || (status >= 100 && status < 200);
    if (bodyless) {
      upstreamResponse.end().onComplete(v -> {
        if (served != null) {
          served.upstreamEnded();
        }
        ProxyHandler.end(request);
      });
      return;
    }
    if (!out.contains(HttpHeaders.CONTENT_LENGTH)) {
      response.setChunked(true);
    }
    relayBody(upstreamResponse, upstreamRequest, node);
  }

  /**
   * Streams the upstream body to the client with back-pressure, through the plugins'
   * body_filter when a plugin has one. Unlike {@code pipeTo}, every write first checks that the
   * client is still there: a client that hangs up mid-response is the normal end of many
   * connections (load generators, browsers), not an error.
   */
  private void relayBody(HttpClientResponse upstreamResponse, HttpClientRequest upstreamRequest, Node node) {
    HttpServerResponse response = request.response();
    boolean filtered = run != null && run.hasBodyFilter();
    upstreamResponse.handler(chunk -> {
      if (response.closed() || response.ended()) {
        return; // the client is gone; its close handler has reset the upstream request
      }
      Buffer out = filtered ? run.bodyFilter(chunk, false) : chunk;
      if (out.length() > 0) {
        response.write(out);
        if (response.writeQueueFull()) {
          upstreamResponse.pause();
          response.drainHandler(v -> upstreamResponse.resume());
        }
      }
    });
    upstreamResponse.exceptionHandler(e -> {
      if (served != null) {
        served.upstreamEnded();
      }
      upstreamRequest.reset();
      if (response.closed()) {
        log.debug("client closed the connection before the response from {} for {} {} was complete",
            node.authority(), request.method(), view.path());
        return;
      }
      log.warn("response from {} for {} {} cut short: {}", node.authority(), request.method(), view.path(), e.toString());
      if (!response.ended()) {
        response.reset(); // a truncated body must not look complete
      }
    });
    upstreamResponse.endHandler(v -> {
      if (served != null) {
        served.upstreamEnded();
      }
      if (!response.ended() && !response.closed()) {
        if (filtered) {
          response.end(run.bodyFilter(Buffer.buffer(), true));
        } else {
          response.end();
        }
      }
    });
  }

  /** Request headers for the upstream: end-to-end ones plus the X-Forwarded-* set nginx/APISIX add. */
  private MultiMap upstreamHeaders() {
    MultiMap out = MultiMap.caseInsensitiveMultiMap();
    ProxyHandler.copyEndToEnd(view.headers(), out);
    String remote = view.remoteAddr();
    String forwardedFor = view.header("X-Forwarded-For");
    out.set(X_FORWARDED_FOR, forwardedFor == null ? remote : forwardedFor + ", " + remote);
    out.set(X_REAL_IP, remote);
    if (!out.contains(X_FORWARDED_PROTO)) {
      out.set(X_FORWARDED_PROTO, request.isSSL() ? HTTPS : HTTP);
    }
    String host = request.getHeader(HttpHeaders.HOST);
    if (!out.contains(X_FORWARDED_HOST) && host != null) {
      out.set(X_FORWARDED_HOST, ProxyRequestView.hostOf(host));
    }
    if (!out.contains(X_FORWARDED_PORT) && request.localAddress() != null) {
      out.set(X_FORWARDED_PORT, Integer.toString(request.localAddress().port()));
    }
    return out;
  }

  private static final CharSequence X_FORWARDED_FOR = HttpHeaders.createOptimized("X-Forwarded-For");
  private static final CharSequence X_REAL_IP = HttpHeaders.createOptimized("X-Real-IP");
  private static final CharSequence X_FORWARDED_PROTO = HttpHeaders.createOptimized("X-Forwarded-Proto");
  private static final CharSequence X_FORWARDED_HOST = HttpHeaders.createOptimized("X-Forwarded-Host");
  private static final CharSequence X_FORWARDED_PORT = HttpHeaders.createOptimized("X-Forwarded-Port");
  private static final CharSequence HTTP = HttpHeaders.createOptimized("http");
  private static final CharSequence HTTPS = HttpHeaders.createOptimized("https");
  private static final CharSequence SERVER = HttpHeaders.createOptimized("Server");

  /** pass_host: pass keeps the client's Host, node uses the node's address, rewrite the configured one. */
  private String upstreamHost(Node node, boolean https) {
    Upstream config = upstream.upstream();
    String passHost = config.passHost() == null ? "pass" : config.passHost();
    switch (passHost) {
      case "node":
        int defaultPort = https ? 443 : 80;
        String host = node.host().indexOf(':') >= 0 ? "[" + node.host() + "]" : node.host();
        return node.port() == defaultPort ? host : host + ":" + node.port();
      case "rewrite":
        return config.upstreamHost();
      default:
        String client = request.getHeader(HttpHeaders.HOST);
        return client != null ? client : node.authority();
    }
  }

  private String hashKey() {
    Upstream config = upstream.upstream();
    if (!"chash".equals(config.type())) {
      return null;
    }
    String hashOn = config.hashOn() == null ? "vars" : config.hashOn();
    String value =
        switch (hashOn) {
          case "header" -> view.var("http_" + config.key().toLowerCase(java.util.Locale.ROOT).replace('-', '_'));
          case "cookie" -> view.var("cookie_" + config.key());
          case "vars" -> run != null ? run.var(config.key()) : view.var(config.key());
          case "consumer" -> run != null ? run.var("consumer_name") : null;
          default -> null;
        };
    return value != null ? value : view.remoteAddr();
  }

  private boolean canRetry() {
    if (tried.size() > retryBudget) {
      return false;
    }
    double retryTimeout = upstream.upstream().retryTimeout();
    return retryTimeout <= 0 || (System.nanoTime() - startNanos) / 1e9 < retryTimeout;
  }

  private String describe() {
    Upstream config = upstream.upstream();
    return config.id() != null ? config.id() : "(inline)";
  }

  private static boolean isTimeout(Throwable cause) {
    return cause instanceof TimeoutException
        || cause instanceof ConnectTimeoutException
        || (cause.getMessage() != null && cause.getMessage().contains("timeout period"));
  }

  private static long millis(double seconds) {
    return Math.max(1, Math.round(seconds * 1000));
  }
}
