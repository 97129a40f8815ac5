package org.apigw.router;

import java.util.Collection;

/**
 * {@code radixtree_uri} and {@code radixtree_uri_with_parameter}: a single {@link UriIndex}; a
 * route's hosts are just one of its filters. With parameters, {@code :name} segments are captured;
 * otherwise {@code :} is literal.
 */
final class UriRouter<T> implements EditableRouter<T> {
  private final UriIndex<T> index;
  private final boolean params;

  private UriRouter(UriIndex<T> index, boolean params) {
    this.index = index;
    this.params = params;
  }

  static <T> UriRouter<T> empty(boolean params) {
    return new UriRouter<>(UriIndex.empty(), params);
  }

  @Override
  public RouteEntry<T> entry(RouteSpec<T> route, int uriIndex, int order) {
    return new RouteEntry<>(route, PathPattern.of(route.uris().get(uriIndex), params), order, uriIndex, true);
  }

  @Override
  public UriRouter<T> edit(Collection<RouteEntry<T>> removed, Collection<RouteEntry<T>> added) {
    return new UriRouter<>(index.edit(removed, added), params);
  }

  @Override
  public Match<T> match(RequestView request) {
    return index.match(request, request.path());
  }
}
