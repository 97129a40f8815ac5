package org.apigw.plugin;

/**
 * How a request was served, for the log phase: timings, sizes and what answered it. The same
 * facts back the nginx-style vars ({@code $request_time}, {@code $upstream_addr}, {@code
 * $bytes_sent}, …) that {@link PluginContext#var} returns; this view gives them as numbers so
 * metrics need not parse strings.
 *
 * <p>Read it in the log phase: before that the response is still under way and the values are
 * those of the moment of the call. Confined to the request's event loop, like the context.
 */
public interface ServedRequest {

  /** Wall-clock time (epoch milliseconds) the gateway took the request. */
  long startMillis();

  /** Milliseconds from taking the request to the end of the response (or to now, if not ended). */
  double latencyMillis();

  /**
   * Milliseconds spent on the upstream: from the first connection attempt to the end of the
   * upstream's response (or the failure of the last attempt); -1 when no upstream was tried.
   */
  double upstreamLatencyMillis();

  /** {@code host:port} of the nodes tried, comma-separated as nginx writes it; null when none. */
  String upstreamAddr();

  /** Host of the last node tried (APISIX's {@code balancer_ip}); null when none. */
  String balancerIp();

  /** Status the last upstream attempt answered, 0 when it answered none. */
  int upstreamStatus();

  /** True when the response relayed is the upstream's, false when the gateway answered itself. */
  boolean fromUpstream();

  /** Bytes received from the client: request line, headers (estimated as sent) and body. */
  long requestLength();

  /** Bytes sent to the client: status line, headers (estimated as sent) and body. */
  long bytesSent();

  /** Bytes of response body sent to the client. */
  long bodyBytesSent();

  /** The route uri pattern that matched (e.g. {@code /api/*}); empty when no route matched. */
  String matchedUri();

  /** The route host pattern that matched (e.g. {@code *.example.com}); empty when none. */
  String matchedHost();
}
