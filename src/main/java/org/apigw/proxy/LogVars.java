package org.apigw.proxy;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apigw.plugin.ServedRequest;
import org.apigw.resource.Node;

/**
 * The log-phase facts of one request with plugins: when it started, what the upstream attempts
 * did and when, how many bytes went each way. {@link ProxyExchange} reports the upstream events
 * as they happen (a few field writes, nothing formatted); the nginx-style vars are only formatted
 * when a plugin reads them, normally once, in the log phase.
 *
 * <p>Created with the request's {@link PluginRun}, so a route without plugins has none and pays
 * nothing. Confined to the request's event loop.
 */
final class LogVars implements ServedRequest {

  private static final DateTimeFormatter ISO8601 =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx", Locale.ROOT).withZone(ZoneId.systemDefault());
  private static final DateTimeFormatter LOCAL =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT).withZone(ZoneId.systemDefault());
  /** "HTTP/1.1 " + three digits + " " before the reason, "\r\n" after it. */
  private static final int STATUS_LINE_OVERHEAD = 9 + 3 + 1 + 2;

  private final HttpServerRequest request;
  private final long startNanos = System.nanoTime();
  private final long startMillis = System.currentTimeMillis();
  private String matchedUri = "";
  private List<String> routeHosts = List.of();
  private String requestHost;

  // upstream attempts; nanos are 0 until the event happened
  private long upstreamStartNanos;
  private long connectStartNanos;
  private long connectedNanos;
  private long headerNanos;
  private long upstreamEndNanos;
  private String upstreamAddr;
  private String upstreamStatuses;
  private String balancerIp;
  private int upstreamStatus;
  private boolean fromUpstream;
  /** Frozen when the log phase starts, so every log plugin sees the same request time. */
  private long endNanos;
  private long endMillis;

  LogVars(HttpServerRequest request) {
    this.request = request;
  }

  // ---- events ---------------------------------------------------------------------------------

  /** The router matched: the route's uri pattern and host patterns, the request's host. */
  void matched(String uri, List<String> hosts, String host) {
    this.matchedUri = uri == null ? "" : uri;
    this.routeHosts = hosts;
    this.requestHost = host;
  }

  /** A connection attempt to {@code node} starts. */
  void connecting(Node node) {
    long now = System.nanoTime();
    if (upstreamStartNanos == 0) {
      upstreamStartNanos = now;
    }
    connectStartNanos = now;
    connectedNanos = 0;
    headerNanos = 0;
    upstreamEndNanos = 0;
    upstreamStatus = 0;
    balancerIp = node.host();
    upstreamAddr = upstreamAddr == null ? node.authority() : upstreamAddr + ", " + node.authority();
  }

  void connected() {
    connectedNanos = System.nanoTime();
  }

  /** The attempt failed before the upstream answered; nginx records 502 or 504 for it. */
  void attemptFailed(int status) {
    upstreamEndNanos = System.nanoTime();
    appendStatus(status);
  }

  /** The upstream's status line and headers arrived. */
  void responseHeaders(int status) {
    headerNanos = System.nanoTime();
    upstreamStatus = status;
    fromUpstream = true;
    appendStatus(status);
  }

  /** The upstream's response body ended (or broke off). */
  void upstreamEnded() {
    if (upstreamEndNanos == 0) {
      upstreamEndNanos = System.nanoTime();
    }
  }

  /** The log phase starts: the request is over for the client. */
  void logging() {
    if (endNanos == 0) {
      endNanos = System.nanoTime();
      endMillis = System.currentTimeMillis();
    }
  }

  private void appendStatus(int status) {
    String s = Integer.toString(status);
    upstreamStatuses = upstreamStatuses == null ? s : upstreamStatuses + ", " + s;
  }

  // ---- ServedRequest --------------------------------------------------------------------------

  @Override
  public long startMillis() {
    return startMillis;
  }

  @Override
  public double latencyMillis() {
    return (end() - startNanos) / 1e6;
  }

  @Override
  public double upstreamLatencyMillis() {
    if (upstreamStartNanos == 0) {
      return -1;
    }
    long until = upstreamEndNanos != 0 ? upstreamEndNanos : end();
    return (until - upstreamStartNanos) / 1e6;
  }

  @Override
  public String upstreamAddr() {
    return upstreamAddr;
  }

  @Override
  public String balancerIp() {
    return balancerIp;
  }

  @Override
  public int upstreamStatus() {
    return upstreamStatus;
  }

  @Override
  public boolean fromUpstream() {
    return fromUpstream;
  }

  @Override
  public long requestLength() {
    // request line + headers + blank line, as the client sent them, then the body read so far
    long n = request.method().name().length() + 1 + request.uri().length() + 1 + 8 + 2;
    n += headersLength(request.headers()) + 2;
    return n + request.bytesRead();
  }

  @Override
  public long bytesSent() {
    HttpServerResponse response = request.response();
    if (!response.headWritten()) {
      return 0;
    }
    String reason = response.getStatusMessage();
    long n = STATUS_LINE_OVERHEAD + (reason == null ? 0 : reason.length());
    n += headersLength(response.headers()) + 2;
    return n + response.bytesWritten();
  }

  @Override
  public long bodyBytesSent() {
    return request.response().bytesWritten();
  }

  @Override
  public String matchedUri() {
    return matchedUri;
  }

  @Override
  public String matchedHost() {
    if (routeHosts.isEmpty() || requestHost == null) {
      return "";
    }
    for (int i = 0; i < routeHosts.size(); i++) {
      String pattern = routeHosts.get(i);
      if (pattern.equals(requestHost)
          || (pattern.startsWith("*") && requestHost.endsWith(pattern.substring(1)))) {
        return pattern;
      }
    }
    return "";
  }

  // ---- vars -----------------------------------------------------------------------------------

  /** The nginx var {@code name} this class knows, formatted as nginx does; null for others. */
  String var(String name) {
    switch (name) {
      case "upstream_addr":
        return upstreamAddr;
      case "upstream_status":
        return upstreamStatuses;
      case "upstream_response_time":
        return upstreamStartNanos == 0 ? null : seconds(upstreamLatencyMillis());
      case "upstream_connect_time":
        return connectedNanos == 0 ? null : seconds((connectedNanos - connectStartNanos) / 1e6);
      case "upstream_header_time":
        return headerNanos == 0 ? null : seconds((headerNanos - connectStartNanos) / 1e6);
      case "request_time":
        return seconds(latencyMillis());
      case "request_length":
        return Long.toString(requestLength());
      case "bytes_sent":
        return Long.toString(bytesSent());
      case "body_bytes_sent":
        return Long.toString(bodyBytesSent());
      case "msec":
        return msec(nowMillis());
      case "time_iso8601":
        return ISO8601.format(Instant.ofEpochMilli(nowMillis()));
      case "time_local":
        return LOCAL.format(Instant.ofEpochMilli(nowMillis()));
      case "matched_uri":
        return matchedUri;
      default:
        return null;
    }
  }

  private long end() {
    return endNanos != 0 ? endNanos : System.nanoTime();
  }

  private long nowMillis() {
    return endMillis != 0 ? endMillis : System.currentTimeMillis();
  }

  /** Seconds with millisecond resolution, as nginx prints times: {@code 0.003}. */
  static String seconds(double millis) {
    long ms = Math.max(0, Math.round(millis));
    return msec(ms);
  }

  /** {@code 1700000000.123}: seconds and milliseconds. */
  static String msec(long millis) {
    long frac = millis % 1000;
    return (millis / 1000) + (frac < 10 ? ".00" : frac < 100 ? ".0" : ".") + frac;
  }

  private static long headersLength(MultiMap headers) {
    long n = 0;
    for (Map.Entry<String, String> header : headers) {
      n += header.getKey().length() + 2 + header.getValue().length() + 2;
    }
    return n;
  }
}
