package org.apigw.plugin;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
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
  private final Map<String, Object> attrs = new HashMap<>();

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
  @Override public Credential credential(String plugin, String value) { return null; }
  @Override public org.apigw.resource.Consumer consumerNamed(String username) { return null; }
  @Override public void attachConsumer(Credential credential) { consumer = credential; }
  @Override public Credential consumer() { return consumer; }

  @Override
  public Future<Void> timer(long millis) {
    timerMillis = millis;
    return Future.succeededFuture();
  }
}
