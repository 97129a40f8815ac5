package org.apigw.router;

import java.util.Collection;

/**
 * A router kind's immutable index, patched entry by entry. {@link RouterFactory} builds one from
 * a list of routes in a single edit; {@link RouteTable} keeps one per config revision and edits
 * only the changed routes' entries.
 */
interface EditableRouter<T> extends Router<T> {

  /**
   * The entry for {@code route}'s uri at {@code uriIndex}, compiled the way this router kind
   * indexes and filters it.
   *
   * @param order input order among equal priority and uri length (see {@link RouteEntry#ORDER})
   * @throws IllegalArgumentException when the route's remote_addrs do not parse
   */
  RouteEntry<T> entry(RouteSpec<T> route, int uriIndex, int order);

  /** A router without {@code removed} (by identity) and with {@code added}; this one is unchanged. */
  EditableRouter<T> edit(Collection<RouteEntry<T>> removed, Collection<RouteEntry<T>> added);
}
