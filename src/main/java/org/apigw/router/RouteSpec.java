package org.apigw.router;

import java.util.List;
import org.apigw.expr.Expr;

/**
 * What the router needs of one route. {@code hosts} are the effective hosts (the route's own,
 * else those inherited from its service). {@code payload} is returned on a match untouched.
 */
public record RouteSpec<T>(
    String id,
    List<String> uris,
    List<String> methods,
    List<String> hosts,
    List<String> remoteAddrs,
    Expr vars,
    int priority,
    T payload) {

  public RouteSpec {
    uris = List.copyOf(uris);
    methods = List.copyOf(methods);
    hosts = List.copyOf(hosts);
    remoteAddrs = List.copyOf(remoteAddrs);
  }
}
