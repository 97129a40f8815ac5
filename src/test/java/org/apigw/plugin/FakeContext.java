package org.apigw.plugin;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.HashMap;
import java.util.Map;

/** A request for plugin unit tests: vars and headers in maps, upstream changes recorded. */
public final class FakeContext implements PluginContext {

  public String method = "GET";
  public String uri = "/";
  public String query;
  public String scheme = "http";
  public String remoteAddr = "127.0.0.1";
  public Integer remotePort;
  public final MultiMap headers = MultiMap.caseInsensitiveMultiMap();
  public final Map<String, String> vars = new HashMap<>();
  public String upstreamUri;
  public String upstreamMethod;
  public String upstreamHost;
  public int status;
  public final MultiMap responseHeaders = MultiMap.caseInsensitiveMultiMap();
  public long timerMillis = -1;
  public Credential consumer;
  /** What plugins registered: request body taps, the response encoder. */
  public final java.util.List<RequestBodyTap> taps = new java.util.ArrayList<>();
  public ResponseEncoder encoder;
  private final Map<String, Object> attrs = new HashMap<>();
  /** plugin + "/" + identifying value → credential, for auth plugins to find. */
  public final Map<String, Credential> credentials = new HashMap<>();
  public final Map<String, org.apigw.resource.Consumer> consumers = new HashMap<>();
  public final Map<String, Object> metadata = new HashMap<>();

  public FakeContext uri(String u) {
    this.uri = u;
    return this;
  }

  public FakeContext query(String q) {
    this.query = q;
    return this;
  }

  public FakeContext header(String name, String value) {
    headers.set(name, value);
    return this;
  }

  @Override
  public String var(String name) {
    if (vars.containsKey(name)) {
      return vars.get(name);
    }
    return switch (name) {
      case "uri" -> uri;
      case "args", "query_string" -> query;
      case "request_uri" -> query == null ? uri : uri + "?" + query;
      case "remote_addr" -> remoteAddr;
      case "request_method" -> method;
      case "host" -> headers.get("Host");
      case "scheme" -> scheme;
      case "status" -> status == 0 ? null : Integer.toString(status);
      case "consumer_name" -> consumer == null ? null : consumer.consumer().username();
      default -> {
        if (name.startsWith("arg_") && query != null) {
          for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name.substring(4))) {
              yield pair.substring(eq + 1);
            }
          }
          yield null;
        }
        if (name.startsWith("http_")) {
          yield headers.get(name.substring(5).replace('_', '-'));
        }
        yield null;
      }
    };
  }

  @Override public String method() { return method; }
  @Override public String uri() { return uri; }
  @Override public String query() { return query; }
  @Override public void setQuery(String q) { query = q == null || q.isEmpty() ? null : q; }
  @Override public String scheme() { return scheme; }
  @Override public String remoteAddr() { return remoteAddr; }

  @Override
  public void setRemoteAddr(String ip, Integer port) {
    remoteAddr = ip;
    remotePort = port;
  }

  @Override public String header(String name) { return headers.get(name); }
  @Override public void setHeader(String name, String value) { headers.set(name, value); }
  @Override public void addHeader(String name, String value) { headers.add(name, value); }
  @Override public void removeHeader(String name) { headers.remove(name); }

  @Override
  public void tapRequestBody(RequestBodyTap tap) {
    taps.add(tap);
  }

  @Override
  public void encodeResponseBody(ResponseEncoder encoder) {
    this.encoder = encoder;
  }
  @Override public void setUpstreamUri(String u) { upstreamUri = u; }
  @Override public void setUpstreamMethod(String m) { upstreamMethod = m; }
  @Override public void setUpstreamHost(String h) { upstreamHost = h; }
  @Override public int status() { return status; }
  @Override public void setStatus(int s) { status = s; }
  @Override public String responseHeader(String name) { return responseHeaders.get(name); }
  @Override public void setResponseHeader(String name, String value) { responseHeaders.set(name, value); }
  @Override public void addResponseHeader(String name, String value) { responseHeaders.add(name, value); }
  @Override public void removeResponseHeader(String name) { responseHeaders.remove(name); }
  @Override public Object attr(String key) { return attrs.get(key); }
  @Override public void attr(String key, Object value) { attrs.put(key, value); }
  @Override public PluginState.Key stateKey() { return null; }
  @Override public Credential credential(String plugin, String value) { return credentials.get(plugin + "/" + value); }
  @Override public org.apigw.resource.Consumer consumerNamed(String username) { return consumers.get(username); }
  @Override public void attachConsumer(Credential c) { consumer = c; }
  @Override public Credential consumer() { return consumer; }
  @Override public Object metadata(String plugin) { return metadata.get(plugin); }

  // ---- log phase ------------------------------------------------------------------------------

  public final FakeServed served = new FakeServed();
  public int captureLimit = -1;
  public Buffer requestBody;

  @Override public MultiMap requestHeaders() { return headers; }
  @Override public MultiMap responseHeaders() { return responseHeaders; }
  @Override public void captureRequestBody(int maxBytes) { captureLimit = Math.max(captureLimit, maxBytes); }
  @Override public Buffer requestBody() { return requestBody; }
  @Override public ServedRequest served() { return served; }

  @Override
  public Future<Void> timer(long millis) {
    timerMillis = millis;
    return Future.succeededFuture();
  }
}
