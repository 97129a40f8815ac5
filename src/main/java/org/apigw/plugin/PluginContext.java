package org.apigw.plugin;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import org.apigw.expr.VarResolver;

/**
 * One request as plugins see it, on its event loop. Reads go through APISIX variable names
 * ({@link #var}); writes change what goes upstream (uri, method, Host, headers) or, from
 * {@code header_filter} on, what goes back to the client.
 *
 * <p>Request header writes are visible to later plugins ({@code http_*} vars) and to the
 * upstream. Confined to the request's event loop: never keep a reference past the request.
 */
public interface PluginContext extends VarResolver {

  // ---- request --------------------------------------------------------------------------------

  /** Upper-case method of the client request. */
  String method();

  /** Normalized path ({@code $uri}), without query. */
  String uri();

  /** Raw query string ({@code $args}) or null; reflects {@link #setQuery}. */
  String query();

  /**
   * Replaces the query string (raw, already encoded; null or empty for none) for later plugins
   * ({@code $args}, {@code arg_*}) and the upstream request, as {@code set_uri_args} does.
   */
  void setQuery(String query);

  /** {@code http} or {@code https}. */
  String scheme();

  /** Client address ({@code $remote_addr}); changed by {@link #setRemoteAddr}. */
  String remoteAddr();

  /** real-ip: replaces {@code $remote_addr} (and {@code $remote_port} when port is not null). */
  void setRemoteAddr(String ip, Integer port);

  /** First value of a request header (case-insensitive), or null. */
  String header(String name);

  void setHeader(String name, String value);

  void addHeader(String name, String value);

  void removeHeader(String name);

  /**
   * Asks for a copy of the request body as it streams upstream. Call from rewrite, access or
   * before_proxy, before the first upstream attempt; the tap's {@code abort} runs if the body
   * never gets there whole.
   */
  void tapRequestBody(RequestBodyTap tap);

  // ---- upstream request -----------------------------------------------------------------------

  /** The path and query sent upstream, already encoded (e.g. {@code /a%20b?x=1}). */
  void setUpstreamUri(String pathAndQuery);

  /** The method sent upstream. */
  void setUpstreamMethod(String method);

  /** The Host header sent upstream, overriding the upstream's {@code pass_host}. */
  void setUpstreamHost(String host);

  // ---- response (header_filter and later) -----------------------------------------------------

  /** Status of the response being sent; 0 before {@code header_filter}. */
  int status();

  void setStatus(int status);

  String responseHeader(String name);

  void setResponseHeader(String name, String value);

  void addResponseHeader(String name, String value);

  void removeResponseHeader(String name);

  /**
   * Encodes the response body after all plugins' filters (gzip). Call from header_filter; the
   * last encoder registered wins.
   */
  void encodeResponseBody(ResponseEncoder encoder);

  // ---- consumer --------------------------------------------------------------------------------

  /**
   * The consumer conf of auth plugin {@code plugin} whose {@link AuthPlugin#credentialField()}
   * equals {@code value}, in the revision this request runs on; null when there is none.
   */
  Credential credential(String plugin, String value);

  /**
   * The consumer named {@code username} in this request's revision, or null. For {@code
   * anonymous_consumer}.
   */
  org.apigw.resource.Consumer consumerNamed(String username);

  /**
   * Identifies the request's consumer (an auth plugin succeeded): {@code $consumer_name} and
   * {@code $consumer_group_id} are set, and the consumer's and its group's plugins merge into the
   * route's chain once the rewrite phase ends.
   */
  void attachConsumer(Credential credential);

  /** The consumer identified so far, or null. */
  Credential consumer();

  /**
   * The decoded {@code plugin_metadata} of {@code plugin} ({@link Plugin#decodeMetadata}) in this
   * request's revision, or null when none is set.
   */
  Object metadata(String plugin);

  // ---- log phase (loggers, metrics) -----------------------------------------------------------

  /**
   * The request headers as plugins left them, in order, a name possibly repeated (what goes
   * upstream, before X-Forwarded-*).
   */
  MultiMap requestHeaders();

  /** The response headers being sent (header_filter and later). */
  MultiMap responseHeaders();

  /**
   * Asks for a copy of the first {@code maxBytes} of the request body as it streams upstream, for
   * {@link #requestBody()} in the log phase. Call it in {@code rewrite} or {@code access}: the
   * body is not buffered unless some plugin asks. The largest limit asked for wins.
   */
  void captureRequestBody(int maxBytes);

  /**
   * The request body captured so far (see {@link #captureRequestBody}); null when nobody asked or
   * the body never went upstream (the gateway answered first).
   */
  Buffer requestBody();

  /** Timings, sizes and what answered: complete in the log phase. */
  ServedRequest served();

  // ---- misc -----------------------------------------------------------------------------------

  /** Per-request value a plugin keeps between its phases (e.g. a generated id); null if unset. */
  Object attr(String key);

  void attr(String key, Object value);

  /**
   * The owner of the plugin entry now running: resource key plus raw conf, e.g. for {@link
   * PluginState}. Stable across revisions while the owner's conf for this plugin is unchanged.
   */
  PluginState.Key stateKey();

  /** Completes after {@code millis} on this request's event loop. */
  Future<Void> timer(long millis);
}
