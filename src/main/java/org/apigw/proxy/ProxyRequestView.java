package org.apigw.proxy;

import io.vertx.core.MultiMap;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.util.Locale;
import org.apigw.router.RequestView;

/**
 * The request as the router and {@code vars} expressions see it, with APISIX's variable names.
 * Values are computed on demand; one instance per request, used on its event loop only.
 */
final class ProxyRequestView implements RequestView {

  private final HttpServerRequest request;
  private final String path;
  private final String host;
  private String remoteAddr;
  private String remotePort;
  /** Request headers once a plugin changed them; until then the request's own. */
  private MultiMap headers;
  /** True once a plugin replaced the query string ({@link #setQuery}). */
  private boolean queryChanged;
  private String query;

  ProxyRequestView(HttpServerRequest request, String path) {
    this.request = request;
    this.path = path;
    this.host = hostOf(request.getHeader("Host"));
    SocketAddress remote = request.remoteAddress();
    this.remoteAddr = remote == null || remote.hostAddress() == null ? "" : remote.hostAddress();
  }

  @Override
  public String method() {
    return request.method().name();
  }

  @Override
  public String path() {
    return path;
  }

  @Override
  public String host() {
    return host;
  }

  @Override
  public String remoteAddr() {
    return remoteAddr;
  }

  /** The request headers as plugins left them. */
  MultiMap headers() {
    return headers != null ? headers : request.headers();
  }

  /** A private copy of the request headers, made on the first change. */
  MultiMap mutableHeaders() {
    if (headers == null) {
      headers = MultiMap.caseInsensitiveMultiMap().addAll(request.headers());
    }
    return headers;
  }

  /** real-ip: the client address seen from now on. */
  void setRemote(String addr, Integer port) {
    remoteAddr = addr;
    if (port != null) {
      remotePort = Integer.toString(port);
    }
  }

  /** The query string as plugins left it ({@code $args}), null when there is none. */
  String query() {
    return queryChanged ? query : request.query();
  }

  /** A plugin's new query string (e.g. key-auth hiding its key): seen by later plugins and upstream. */
  void setQuery(String newQuery) {
    queryChanged = true;
    query = newQuery == null || newQuery.isEmpty() ? null : newQuery;
  }

  String header(String name) {
    return headers != null ? headers.get(name) : request.getHeader(name);
  }

  @Override
  public String var(String name) {
    switch (name) {
      case "uri":
        return path;
      case "request_uri":
        return request.uri();
      case "host":
        return host;
      case "remote_addr":
        return remoteAddr;
      case "remote_port":
        if (remotePort != null) {
          return remotePort;
        }
        return request.remoteAddress() == null ? null : Integer.toString(request.remoteAddress().port());
      case "request_method":
        return method();
      case "scheme":
        return request.isSSL() ? "https" : "http";
      case "server_port":
        return request.localAddress() == null ? null : Integer.toString(request.localAddress().port());
      case "server_addr":
        return request.localAddress() == null ? null : request.localAddress().hostAddress();
      case "query_string":
      case "args":
        return query();
      case "http_host":
        return header("Host");
      case "is_args":
        return query() == null ? "" : "?";
      case "server_protocol":
        return switch (request.version()) {
          case HTTP_1_0 -> "HTTP/1.0";
          case HTTP_1_1 -> "HTTP/1.1";
          default -> "HTTP/2.0"; // HTTP_2, named as nginx names it
        };
      default:
        break;
    }
    if (name.startsWith("arg_")) {
      return queryChanged ? org.apigw.plugin.QueryArgs.first(query, name.substring(4)) : request.getParam(name.substring(4));
    }
    if (name.startsWith("http_")) {
      return header(name.substring(5).replace('_', '-'));
    }
    if (name.startsWith("cookie_")) {
      Cookie cookie = request.getCookie(name.substring(7));
      return cookie == null ? null : cookie.getValue();
    }
    return null;
  }

  /** Lower-case host from a Host header, without port and IPv6 brackets kept as written. */
  static String hostOf(String header) {
    if (header == null || header.isEmpty()) {
      return null;
    }
    int end = header.length();
    if (header.charAt(0) == '[') {
      int close = header.indexOf(']');
      end = close < 0 ? end : close + 1;
    } else {
      int colon = header.lastIndexOf(':');
      if (colon >= 0) {
        end = colon;
      }
    }
    return header.substring(0, end).toLowerCase(Locale.ROOT);
  }
}
