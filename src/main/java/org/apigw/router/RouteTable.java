package org.apigw.router;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apigw.collect.PersistentHashMap;

/**
 * The routes of one config revision by id, as a {@link Router}, updated by route rather than
 * rebuilt: {@link #update} returns a new table that re-indexes only the changed routes' entries
 * and shares everything else with this one, so a one-route change costs that route's buckets
 * whatever the number of routes. Both tables stay immutable and serve concurrently.
 *
 * <p>Matching is exactly that of {@link Router#build} over the same routes listed in id order
 * ({@link String#compareTo}), which is how the config store lists them: equal priority and uri
 * length are broken by route id, then by the uri's position in the route.
 *
 * <p>Value-based: do not compare with {@code ==} or synchronise on it.
 */
public final class RouteTable<T> implements Router<T> {

  /** A route as indexed: its spec and the entries made of it, removed by identity later. */
  private record Indexed<T>(RouteSpec<T> spec, List<RouteEntry<T>> entries) {}

  private final String kind;
  private final EditableRouter<T> router;
  private final PersistentHashMap<String, Indexed<T>> routes;

  private RouteTable(String kind, EditableRouter<T> router, PersistentHashMap<String, Indexed<T>> routes) {
    this.kind = kind;
    this.router = router;
    this.routes = routes;
  }

  /**
   * A table of router {@code kind} ({@code apisix.router.http}) holding no routes.
   *
   * @throws IllegalArgumentException on an unknown kind
   */
  public static <T> RouteTable<T> empty(String kind) {
    return new RouteTable<>(kind, RouterFactory.empty(kind), PersistentHashMap.empty());
  }

  /** The router kind this table indexes for. */
  public String kind() {
    return kind;
  }

  public int size() {
    return routes.size();
  }

  /** The route with this id, or null. */
  public RouteSpec<T> route(String id) {
    Indexed<T> indexed = routes.get(id);
    return indexed == null ? null : indexed.spec();
  }

  /**
   * This table without the routes {@code removed} names and with {@code put} (a route whose id
   * is already held replaces it; ids in {@code removed} that are not held are ignored). When
   * {@code put} names an id twice, the last one wins.
   *
   * @throws IllegalArgumentException when a put route's remote_addrs do not parse; this table is
   *     unchanged
   */
  public RouteTable<T> update(Collection<String> removed, Collection<RouteSpec<T>> put) {
    if (routes.isEmpty()) {
      return firstBuild(put);
    }
    List<RouteEntry<T>> out = new ArrayList<>();
    List<RouteEntry<T>> in = new ArrayList<>();
    PersistentHashMap<String, Indexed<T>> next = routes;
    for (String id : removed) {
      Indexed<T> old = next.get(id);
      if (old != null) {
        out.addAll(old.entries());
        next = next.without(id);
      }
    }
    for (RouteSpec<T> spec : put) {
      Indexed<T> old = next.get(spec.id());
      if (old != null) {
        if (routes.get(spec.id()) == old) {
          out.addAll(old.entries());
        } else {
          in.removeAll(old.entries()); // put twice in this update: drop the earlier one's entries
        }
      }
      Indexed<T> indexed = index(spec);
      in.addAll(indexed.entries());
      next = next.with(spec.id(), indexed);
    }
    if (out.isEmpty() && in.isEmpty()) {
      return next == routes ? this : new RouteTable<>(kind, router, next);
    }
    return new RouteTable<>(kind, router.edit(out, in), next);
  }

  /** From empty: every map built in bulk rather than one path copy per route. */
  private RouteTable<T> firstBuild(Collection<RouteSpec<T>> put) {
    Map<String, Indexed<T>> byId = new HashMap<>();
    for (RouteSpec<T> spec : put) {
      byId.put(spec.id(), index(spec)); // the last of an id wins
    }
    List<RouteEntry<T>> in = new ArrayList<>();
    for (Indexed<T> indexed : byId.values()) {
      in.addAll(indexed.entries());
    }
    return new RouteTable<>(kind, router.edit(List.of(), in), PersistentHashMap.copyOf(byId));
  }

  private Indexed<T> index(RouteSpec<T> spec) {
    List<RouteEntry<T>> entries = new ArrayList<>(spec.uris().size());
    for (int u = 0; u < spec.uris().size(); u++) {
      entries.add(router.entry(spec, u, 0)); // order 0: ties fall to route id (RouteEntry.ORDER)
    }
    return new Indexed<>(spec, List.copyOf(entries));
  }

  @Override
  public Match<T> match(RequestView request) {
    return router.match(request);
  }
}
