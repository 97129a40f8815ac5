package org.apigw.router;

import java.util.List;

/**
 * An immutable route index, built or updated off the event loops and matched concurrently from
 * every event loop. {@link #build} indexes a list of routes at once; the config store keeps a
 * {@link RouteTable} instead, which it patches per changed route.
 */
public interface Router<T> {

  /** The best match, or null when no route matches (the proxy answers 404). */
  Match<T> match(RequestView request);

  /**
   * Builds a router. {@code kind} is {@code apisix.router.http}: {@code radixtree_host_uri}
   * (default), {@code radixtree_uri} or {@code radixtree_uri_with_parameter}. Routes with equal
   * uri and priority keep the order of {@code routes}.
   *
   * @throws IllegalArgumentException on an unknown kind
   */
  static <T> Router<T> build(String kind, List<RouteSpec<T>> routes) {
    return RouterFactory.build(kind, routes);
  }
}
