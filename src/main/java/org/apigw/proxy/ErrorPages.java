package org.apigw.proxy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The gateway's own responses, preallocated: APISIX's JSON body for an unmatched route, and
 * nginx-style HTML pages for the statuses nginx would answer itself.
 */
final class ErrorPages {

  static final Buffer ROUTE_NOT_FOUND =
      Buffer.buffer("{\"error_msg\":\"404 Route Not Found\"}\n".getBytes(StandardCharsets.UTF_8));

  private static final Map<Integer, String> REASONS =
      Map.ofEntries(
          Map.entry(301, "Moved Permanently"),
          Map.entry(302, "Found"),
          Map.entry(303, "See Other"),
          Map.entry(307, "Temporary Redirect"),
          Map.entry(308, "Permanent Redirect"),
          Map.entry(400, "Bad Request"),
          Map.entry(401, "Unauthorized"),
          Map.entry(403, "Forbidden"),
          Map.entry(404, "Not Found"),
          Map.entry(405, "Not Allowed"),
          Map.entry(429, "Too Many Requests"),
          Map.entry(500, "Internal Server Error"),
          Map.entry(502, "Bad Gateway"),
          Map.entry(503, "Service Temporarily Unavailable"),
          Map.entry(504, "Gateway Time-out"));

  private static final Map<Integer, Buffer> PAGES = pages();

  private ErrorPages() {}

  /** nginx's page for {@code status}, or null when nginx sends none (2xx and unusual codes). */
  static Buffer page(int status) {
    return PAGES.get(status);
  }

  static void send(HttpServerRequest request, int status, ProxySettings settings) {
    Buffer page = PAGES.get(status);
    HttpServerResponse response = prepare(request, status, settings);
    if (response == null) {
      return;
    }
    response.putHeader("Content-Type", "text/html; charset=utf-8");
    finish(request, response, page);
  }

  static void sendJson(HttpServerRequest request, int status, Buffer body, ProxySettings settings) {
    HttpServerResponse response = prepare(request, status, settings);
    if (response == null) {
      return;
    }
    response.putHeader("Content-Type", "application/json");
    finish(request, response, body);
  }

  private static HttpServerResponse prepare(HttpServerRequest request, int status, ProxySettings settings) {
    HttpServerResponse response = request.response();
    if (response.headWritten() || response.ended() || response.closed()) {
      return null;
    }
    response.setStatusCode(status).putHeader("Server", settings.serverHeader());
    return response;
  }

  private static void finish(HttpServerRequest request, HttpServerResponse response, Buffer body) {
    request.resume(); // drain an unread body so the connection can be reused
    if (request.method().name().equals("HEAD")) {
      response.putHeader("Content-Length", Integer.toString(body.length())).end();
    } else {
      response.end(body);
    }
  }

  private static Map<Integer, Buffer> pages() {
    Map<Integer, Buffer> pages = new java.util.HashMap<>();
    REASONS.forEach(
        (status, reason) ->
            pages.put(
                status,
                Buffer.buffer(
                    ("<html>\n<head><title>" + status + " " + reason + "</title></head>\n<body>\n<center><h1>"
                            + status + " " + reason + "</h1></center>\n<hr><center>APISIX</center>\n</body>\n</html>\n")
                        .getBytes(StandardCharsets.UTF_8))));
    return Map.copyOf(pages);
  }
}
