package org.apigw.router;

import java.util.List;

/**
 * {@code radixtree_uri} and {@code radixtree_uri_with_parameter}: a single {@link UriIndex}; a
 * route's hosts are just one of its filters. With parameters, {@code :name} segments are captured;
 * otherwise {@code :} is literal.
 */
final class UriRouter<T> implements Router<T> {
  private final UriIndex<T> index;

  private UriRouter(UriIndex<T> index) {
    this.index = index;
  }

  static <T> UriRouter<T> build(List<RouteSpec<T>> routes, boolean params) {
    UriIndex.Builder<T> b = new UriIndex.Builder<>();
    int order = 0;
    for (RouteSpec<T> route : routes) {
      for (String uri : route.uris()) {
        b.add(new RouteEntry<>(route, PathPattern.of(uri, params), order++, true));
      }
    }
    return new UriRouter<>(b.build());
  }

  @Override
  public Match<T> match(RequestView request) {
    return index.match(request, request.path());
  }
}
