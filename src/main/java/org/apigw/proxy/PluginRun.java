package org.apigw.proxy;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.streams.ReadStream;
import java.util.HashMap;
import java.util.Map;
import org.apigw.plugin.Credential;
import org.apigw.plugin.Phase;
import org.apigw.plugin.PhaseResult;
import org.apigw.plugin.PluginChain;
import org.apigw.plugin.PluginContext;
import org.apigw.plugin.PluginState;
import org.apigw.plugin.RequestBodyTap;
import org.apigw.plugin.ResponseEncoder;
import org.apigw.resource.Consumer;
import org.apigw.store.ConsumerIndex;
import org.apigw.store.RouteTarget;
import org.apigw.store.RuntimeConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request's run through its plugin chains: the global rules' chain and the route's. Only
 * created when at least one of them has plugins, so a route without plugins pays nothing.
 *
 * <p>Order (spec §3.2): global rewrite, route rewrite, global access, route access; then, per
 * upstream attempt, global and route before_proxy; on the response (the upstream's or the
 * gateway's own) global then route header_filter and body_filter; log once the response ended.
 * A rewrite/access/before_proxy hook that answers ends its phase walk: the response goes out
 * through the response phases. A response encoder (gzip) registered in header_filter decides
 * after the last header filter and encodes after the last body filter, as nginx's gzip filter
 * follows the Lua ones; request body taps (proxy-mirror) get the body as it goes upstream.
 *
 * <p>Confined to the request's event loop.
 */
final class PluginRun implements PluginContext {

  private static final Logger log = LoggerFactory.getLogger(PluginRun.class);

  private final HttpServerRequest request;
  private final ProxyRequestView view;
  private final ProxySettings settings;
  private final Vertx vertx;
  private final PluginChain global;
  private final RuntimeConfig config;
  private PluginChain route;
  private RouteTarget target;
  private Credential consumer;
  private Map<String, Object> attrs;
  private PluginState.Key stateKey;
  private String upstreamUri;
  private String upstreamMethod;
  private String upstreamHost;
  private boolean logged;
  /** Set once the response status is decided (header_filter onwards). */
  private boolean started;
  /** Copies of the request body for plugins (proxy-mirror); null when none asked. */
  private BodyTaps taps;
  /** Content coding applied after the body filters (gzip); null when none. */
  private ResponseEncoder encoder;

  // the phase walk in progress
  private PluginChain[] walkChains;
  private Phase[] walkPhases;
  private int step;
  private int index;
  private Runnable onPassed;

  // log-phase facts (timings, sizes, captured body)
  private final LogVars served;
  private BodyCapture capture;

  PluginRun(
      HttpServerRequest request, ProxyRequestView view, ProxySettings settings, Vertx vertx, RuntimeConfig config) {
    this.request = request;
    this.view = view;
    this.settings = settings;
    this.vertx = vertx;
    this.config = config;
    this.global = config.globalChain();
    this.route = PluginChain.EMPTY;
    this.served = new LogVars(request);
    request.response().endHandler(v -> runLog());
  }

  /** The matched route: its chain runs after the global rules'. */
  void route(RouteTarget target) {
    this.target = target;
    this.route = target.chain();
  }

  // ---- phase walks ----------------------------------------------------------------------------

  private static final Phase[] REWRITE = {Phase.REWRITE, Phase.REWRITE};
  private static final Phase[] ACCESS = {Phase.ACCESS, Phase.ACCESS};
  private static final Phase[] CONSUMER_REWRITE_ACCESS = {Phase.REWRITE, Phase.ACCESS, Phase.ACCESS};
  private static final Phase[] GLOBAL_ONLY = {Phase.REWRITE, Phase.ACCESS};
  private static final Phase[] BEFORE_PROXY = {Phase.BEFORE_PROXY, Phase.BEFORE_PROXY};

  /**
   * Matched route: global rewrite, route rewrite (auth plugins identify the consumer here), the
   * consumer merge, global access, route access, then {@code next}.
   */
  void rewriteAndAccess(Runnable next) {
    walk(new PluginChain[] {global, route}, REWRITE, () -> mergeConsumerThenAccess(next));
  }

  /**
   * APISIX's consumer merge: once a consumer is known, its group's and its own plugins replace
   * the route's of the same name, and the rewrite phase runs for the plugins that came with it
   * before the access phase runs on the merged chain.
   */
  private void mergeConsumerThenAccess(Runnable next) {
    ConsumerIndex.Entry entry = consumer == null ? null : config.consumers().consumer(consumer.consumer().username());
    if (entry == null) {
      walk(new PluginChain[] {global, route}, ACCESS, next);
      return;
    }
    if (entry.groupMissing()) {
      log.warn(
          "consumer {}: consumer group {} not found; answering 503",
          entry.consumer().username(), entry.consumer().groupId());
      respond(503, null, null);
      return;
    }
    PluginChain merged = config.withConsumer(target.route().id(), route, entry);
    if (merged == route) {
      walk(new PluginChain[] {global, route}, ACCESS, next);
      return;
    }
    route = merged;
    walk(new PluginChain[] {entry.chain(), global, route}, CONSUMER_REWRITE_ACCESS, next);
  }

  /** No route matched: the global rules' rewrite and access, then {@code next} (the 404). */
  void globalOnly(Runnable next) {
    walk(new PluginChain[] {global, global}, GLOBAL_ONLY, next);
  }

  /** Before one upstream attempt. */
  void beforeProxy(Runnable next) {
    if (global.phase(Phase.BEFORE_PROXY).length == 0 && route.phase(Phase.BEFORE_PROXY).length == 0) {
      next.run();
      return;
    }
    walk(new PluginChain[] {global, route}, BEFORE_PROXY, next);
  }

  private void walk(PluginChain[] chains, Phase[] phases, Runnable next) {
    walkChains = chains;
    walkPhases = phases;
    step = 0;
    index = 0;
    onPassed = next;
    advance();
  }

  private void advance() {
    while (step < walkChains.length) {
      PluginChain.Entry[] entries = walkChains[step].phase(walkPhases[step]);
      if (index >= entries.length) {
        step++;
        index = 0;
        continue;
      }
      PluginChain.Entry entry = entries[index++];
      if (entry.filter() != null && !entry.filter().test(this)) {
        continue;
      }
      PhaseResult result;
      try {
        result = invoke(entry, walkPhases[step]);
      } catch (RuntimeException e) {
        log.error("plugin {} failed in {}: {}", entry.name(), walkPhases[step], e.toString(), e);
        respond(500, null, null);
        return;
      }
      if (result == PhaseResult.CONTINUE) {
        continue;
      }
      if (!handle(entry, result)) {
        return;
      }
    }
    if (!request.response().ended() && !request.response().closed()) {
      onPassed.run();
    }
  }

  /** True to go on with the walk; false when the request was answered or is suspended. */
  private boolean handle(PluginChain.Entry entry, PhaseResult result) {
    if (result instanceof PhaseResult.Respond r) {
      if (r.status() >= 400) {
        log.warn("{} exits with http status code {}", entry.name(), r.status());
      }
      Buffer body = entry.errorResponse() != null && r.status() >= 400 ? entry.errorResponse() : r.body();
      respond(r.status(), r.headers(), body);
      return false;
    }
    if (result instanceof PhaseResult.Async a) {
      a.result().onComplete(ar -> {
        if (request.response().ended() || request.response().closed()) {
          return;
        }
        if (ar.failed()) {
          log.error("plugin {} failed: {}", entry.name(), ar.cause().toString());
          respond(500, null, null);
          return;
        }
        PhaseResult next = ar.result() == null ? PhaseResult.CONTINUE : ar.result();
        if (next == PhaseResult.CONTINUE || handle(entry, next)) {
          advance();
        }
      });
      return false;
    }
    return true;
  }

  private PhaseResult invoke(PluginChain.Entry entry, Phase phase) {
    stateKey = entry.stateKey();
    return switch (phase) {
      case REWRITE -> entry.plugin().rewrite(entry.conf(), this);
      case ACCESS -> entry.plugin().access(entry.conf(), this);
      case BEFORE_PROXY -> entry.plugin().beforeProxy(entry.conf(), this);
      default -> throw new IllegalStateException(phase.toString());
    };
  }

  // ---- response phases ------------------------------------------------------------------------

  /**
   * Answers the request from the gateway: the plugin's response or the gateway's own (404, 502,
   * …), through header_filter and body_filter. A null body becomes the gateway's page for the
   * status.
   */
  void respond(int status, Map<String, String> headers, Buffer body) {
    HttpServerResponse response = request.response();
    if (response.headWritten() || response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(status).putHeader("Server", settings.serverHeader());
    if (body == null) {
      body = ErrorPages.page(status);
      if (body != null) {
        response.putHeader("Content-Type", "text/html; charset=utf-8");
      }
    }
    if (headers != null) {
      headers.forEach(response::putHeader);
    }
    if (body == null) {
      body = Buffer.buffer();
    }
    response.putHeader("Content-Length", Integer.toString(body.length()));
    headerFilter();
    boolean head = request.method().name().equals("HEAD");
    Buffer out = hasBodyFilter() && !head ? bodyFilter(body, true) : body;
    request.resume(); // drain an unread body so the connection can be reused
    if (head) {
      response.end();
    } else {
      if (!response.headers().contains("Content-Length")) {
        response.setChunked(true);
      } else if (out != body) {
        response.putHeader("Content-Length", Integer.toString(out.length()));
      }
      response.end(out);
    }
  }

  void headerFilter() {
    started = true;
    runResponsePhase(global.phase(Phase.HEADER_FILTER));
    runResponsePhase(route.phase(Phase.HEADER_FILTER));
    if (encoder != null && !encoder.begin(this)) {
      encoder.close();
      encoder = null;
    }
  }

  private void runResponsePhase(PluginChain.Entry[] entries) {
    for (PluginChain.Entry entry : entries) {
      if (entry.filter() != null && !entry.filter().test(this)) {
        continue;
      }
      stateKey = entry.stateKey();
      try {
        entry.plugin().headerFilter(entry.conf(), this);
      } catch (RuntimeException e) {
        log.error("plugin {} failed in header_filter: {}", entry.name(), e.toString(), e);
      }
    }
  }

  boolean hasBodyFilter() {
    return global.phase(Phase.BODY_FILTER).length > 0 || route.phase(Phase.BODY_FILTER).length > 0 || encoder != null;
  }

  Buffer bodyFilter(Buffer chunk, boolean last) {
    chunk = bodyFilter(global.phase(Phase.BODY_FILTER), chunk, last);
    chunk = bodyFilter(route.phase(Phase.BODY_FILTER), chunk, last);
    return encoder == null ? chunk : encoder.encode(chunk, last);
  }

  private Buffer bodyFilter(PluginChain.Entry[] entries, Buffer chunk, boolean last) {
    for (PluginChain.Entry entry : entries) {
      if (entry.filter() != null && !entry.filter().test(this)) {
        continue;
      }
      stateKey = entry.stateKey();
      try {
        chunk = entry.plugin().bodyFilter(entry.conf(), this, chunk, last);
      } catch (RuntimeException e) {
        log.error("plugin {} failed in body_filter: {}", entry.name(), e.toString(), e);
      }
    }
    return chunk;
  }

  /** The log phase, once per request: when the response ended or the client went away. */
  void runLog() {
    if (logged) {
      return;
    }
    logged = true;
    if (taps != null) {
      taps.abortUnfinished(); // a body still being copied will not arrive whole any more
    }
    if (encoder != null) {
      encoder.close();
    }
    served.logging();
    for (PluginChain chain : new PluginChain[] {global, route}) {
      for (PluginChain.Entry entry : chain.phase(Phase.LOG)) {
        if (entry.filter() != null && !entry.filter().test(this)) {
          continue;
        }
        stateKey = entry.stateKey();
        try {
          entry.plugin().log(entry.conf(), this);
        } catch (RuntimeException e) {
          log.error("plugin {} failed in log: {}", entry.name(), e.toString(), e);
        }
      }
    }
  }

  // ---- what the upstream call reads -----------------------------------------------------------

  /** The request body to stream upstream: the request itself, or a copy-taking view of it. */
  ReadStream<Buffer> upstreamBody() {
    return taps == null ? request : taps.wrap(request);
  }

  /** The request has no body to stream: taps are complete. */
  void noRequestBody() {
    if (taps != null) {
      taps.end();
    }
  }

  String upstreamUri() {
    return upstreamUri;
  }

  String upstreamMethod() {
    return upstreamMethod;
  }

  String upstreamHost() {
    return upstreamHost;
  }

  // ---- PluginContext --------------------------------------------------------------------------

  @Override
  public String var(String name) {
    if ("status".equals(name)) {
      int status = status();
      return status == 0 ? null : Integer.toString(status);
    }
    if ("upstream_uri".equals(name) && upstreamUri != null) {
      return upstreamUri;
    }
    if ("upstream_host".equals(name) && upstreamHost != null) {
      return upstreamHost;
    }
    String value = routeVar(name);
    if (value == null) {
      value = served.var(name);
    }
    return value != null ? value : view.var(name);
  }

  /** The vars that name what served the request: route, service, consumer. */
  private String routeVar(String name) {
    switch (name) {
      case "route_id":
        return target == null ? null : target.route().id();
      case "route_name":
        return target == null ? null : target.route().name();
      case "service_id":
        return target == null || target.service() == null ? null : target.service().id();
      case "service_name":
        return target == null || target.service() == null ? null : target.service().name();
      case "consumer_name":
        return consumer == null ? null : consumer.consumer().username();
      case "consumer_group_id":
        return consumer == null ? null : consumer.consumer().groupId();
      default:
        return null;
    }
  }

  @Override
  public String method() {
    return view.method();
  }

  @Override
  public String uri() {
    return view.path();
  }

  @Override
  public String query() {
    return view.query();
  }

  @Override
  public void setQuery(String query) {
    view.setQuery(query);
  }

  @Override
  public String scheme() {
    return request.isSSL() ? "https" : "http";
  }

  @Override
  public String remoteAddr() {
    return view.remoteAddr();
  }

  @Override
  public void setRemoteAddr(String ip, Integer port) {
    view.setRemote(ip, port);
  }

  @Override
  public String header(String name) {
    return view.header(name);
  }

  @Override
  public void setHeader(String name, String value) {
    view.mutableHeaders().set(name, value);
  }

  @Override
  public void addHeader(String name, String value) {
    view.mutableHeaders().add(name, value);
  }

  @Override
  public void removeHeader(String name) {
    if (view.headers().contains(name)) {
      view.mutableHeaders().remove(name);
    }
  }

  @Override
  public void tapRequestBody(RequestBodyTap tap) {
    if (taps == null) {
      taps = new BodyTaps();
    }
    taps.add(tap);
  }

  @Override
  public void setUpstreamUri(String pathAndQuery) {
    this.upstreamUri = pathAndQuery;
  }

  @Override
  public void setUpstreamMethod(String method) {
    this.upstreamMethod = method;
  }

  @Override
  public void setUpstreamHost(String host) {
    this.upstreamHost = host;
  }

  @Override
  public int status() {
    HttpServerResponse response = request.response();
    return started ? response.getStatusCode() : 0;
  }

  @Override
  public void setStatus(int status) {
    request.response().setStatusCode(status);
  }

  @Override
  public String responseHeader(String name) {
    return request.response().headers().get(name);
  }

  @Override
  public void setResponseHeader(String name, String value) {
    request.response().headers().set(name, value);
  }

  @Override
  public void addResponseHeader(String name, String value) {
    request.response().headers().add(name, value);
  }

  @Override
  public void removeResponseHeader(String name) {
    request.response().headers().remove(name);
  }

  @Override
  public void encodeResponseBody(ResponseEncoder encoder) {
    if (this.encoder != null) {
      this.encoder.close();
    }
    this.encoder = encoder;
  }

  @Override
  public MultiMap responseHeaders() {
    return request.response().headers();
  }

  // ---- log phase: served request, headers, captured body ---------------------------------------

  @Override
  public LogVars served() {
    return served;
  }

  @Override
  public MultiMap requestHeaders() {
    return view.headers();
  }

  @Override
  public void captureRequestBody(int maxBytes) {
    if (capture == null) {
      capture = new BodyCapture(maxBytes);
      tapRequestBody(capture);
    } else {
      capture.atLeast(maxBytes);
    }
  }

  @Override
  public Buffer requestBody() {
    return capture == null ? null : capture.copy();
  }

  @Override
  public Object attr(String key) {
    return attrs == null ? null : attrs.get(key);
  }

  @Override
  public void attr(String key, Object value) {
    if (attrs == null) {
      attrs = new HashMap<>(4);
    }
    attrs.put(key, value);
  }

  @Override
  public Credential credential(String plugin, String value) {
    return config.consumers().credential(plugin, value);
  }

  @Override
  public Consumer consumerNamed(String username) {
    ConsumerIndex.Entry entry = config.consumers().consumer(username);
    return entry == null ? null : entry.consumer();
  }

  /** Also tells the upstream who the consumer is, as APISIX's auth plugins do. */
  @Override
  public void attachConsumer(Credential credential) {
    this.consumer = credential;
    Consumer c = credential.consumer();
    setHeader("X-Consumer-Username", c.username());
    setOrRemoveHeader("X-Credential-Identifier", credential.id());
    setOrRemoveHeader("X-Consumer-Custom-ID", c.labels().get("custom_id")); // the client may not claim one
  }

  private void setOrRemoveHeader(String name, String value) {
    if (value != null) {
      setHeader(name, value);
    } else {
      removeHeader(name);
    }
  }

  @Override
  public Object metadata(String plugin) {
    return config.pluginMetadata(plugin);
  }

  @Override
  public Credential consumer() {
    return consumer;
  }

  @Override
  public PluginState.Key stateKey() {
    return stateKey;
  }

  @Override
  public Future<Void> timer(long millis) {
    if (millis <= 0) {
      return Future.succeededFuture();
    }
    return vertx.timer(millis).mapEmpty();
  }
}
