package org.apigw.router;

import java.util.ArrayList;
import java.util.List;

/** Builds the router named by {@code apisix.router.http}. */
final class RouterFactory {
  private RouterFactory() {}

  static final String HOST_URI = "radixtree_host_uri";
  static final String URI = "radixtree_uri";
  static final String URI_WITH_PARAMETER = "radixtree_uri_with_parameter";

  /**
   * @param kind {@code radixtree_host_uri} (also for null), {@code radixtree_uri} or {@code
   *     radixtree_uri_with_parameter}
   * @throws IllegalArgumentException for another kind, or a route whose remote_addrs do not parse
   */
  static <T> Router<T> build(String kind, List<RouteSpec<T>> routes) {
    EditableRouter<T> router = empty(kind);
    List<RouteEntry<T>> entries = new ArrayList<>(routes.size());
    int order = 0;
    for (RouteSpec<T> route : routes) {
      for (int u = 0; u < route.uris().size(); u++) {
        entries.add(router.entry(route, u, order++)); // list position breaks ties
      }
    }
    return router.edit(List.of(), entries);
  }

  /** A router of {@code kind} holding no routes. */
  static <T> EditableRouter<T> empty(String kind) {
    if (kind == null || kind.equals(HOST_URI)) {
      return HostUriRouter.empty();
    }
    if (kind.equals(URI)) {
      return UriRouter.empty(false);
    }
    if (kind.equals(URI_WITH_PARAMETER)) {
      return UriRouter.empty(true);
    }
    throw new IllegalArgumentException(
        "unknown router kind '"
            + kind
            + "' (expected "
            + HOST_URI
            + ", "
            + URI
            + " or "
            + URI_WITH_PARAMETER
            + ")");
  }
}
