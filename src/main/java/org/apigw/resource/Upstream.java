package org.apigw.resource;

import java.util.List;

/**
 * An upstream, either stored under {@code /upstreams/<id>} or inlined in a route or service
 * (then {@code id} is null).
 *
 * @param type balancer: roundrobin (default), chash, ewma, least_conn
 * @param retries null when unset: every node may be tried once
 * @param retryTimeout seconds, 0 = unlimited
 * @param timeout null when unset (the route's or the default applies)
 * @param passHost pass (default), node or rewrite
 * @param upstreamHost Host sent upstream when passHost is rewrite
 * @param scheme http (default) or https
 * @param hashOn chash only: vars, header, cookie, consumer, vars_combinations
 * @param key chash only: the hash key
 * @param keepalivePool connection pool sizing
 */
public record Upstream(
    String id,
    String name,
    String type,
    List<Node> nodes,
    Integer retries,
    double retryTimeout,
    Timeout timeout,
    String passHost,
    String upstreamHost,
    String scheme,
    String hashOn,
    String key,
    KeepalivePool keepalivePool)
    implements Resource {

  public Upstream {
    nodes = List.copyOf(nodes);
  }

  /** APISIX's {@code keepalive_pool}: size 320, idle_timeout 60 s, requests 1000. */
  public record KeepalivePool(int size, double idleTimeout, int requests) {
    public static final KeepalivePool DEFAULT = new KeepalivePool(320, 60, 1000);
  }
}
