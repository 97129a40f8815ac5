package org.apigw.router;

import java.util.List;

/**
 * An immutable route index. Built once per config revision off the event loops; matched
 * concurrently from every event loop.
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
