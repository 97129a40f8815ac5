package org.apigw.proxy;

import java.util.concurrent.atomic.LongAdder;

/**
 * What nginx's stub_status tells APISIX about the proxy listeners, for {@code
 * apisix_nginx_http_current_connections} and {@code apisix_http_requests_total}: client
 * connections accepted and open, and requests received. Counted per connection and per request
 * with striped adders, so event loops never contend.
 */
public final class ProxyStats {

  private final LongAdder accepted = new LongAdder();
  private final LongAdder closed = new LongAdder();
  private final LongAdder requests = new LongAdder();

  void connectionOpened() {
    accepted.increment();
  }

  void connectionClosed() {
    closed.increment();
  }

  void request() {
    requests.increment();
  }

  /** Client connections accepted since start (nginx's {@code accepts}, and {@code handled}). */
  public long accepted() {
    return accepted.sum();
  }

  /** Client connections open now (nginx's {@code active}). */
  public long active() {
    return Math.max(0, accepted.sum() - closed.sum());
  }

  /** Requests received since start. */
  public long requests() {
    return requests.sum();
  }
}
