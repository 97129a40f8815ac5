package org.apigw.store;

import org.apigw.collect.PersistentHashMap;
import org.apigw.router.RouteTable;

/**
 * The router of one revision together with what it was derived from, so that the next revision
 * can re-resolve only the routes a change reaches (see {@link RoutingUpdate}). Every part is a
 * persistent structure shared with the previous revision where unchanged; immutable.
 *
 * @param table enabled routes by id, matched per request
 * @param resolved per routed route, its resolved inputs and chain
 * @param routesByService service id → ids of the routes (enabled or not) whose service_id names
 *     it, whether or not the service exists; a service change re-resolves exactly these
 * @param routesByPluginConfig plugin_config id → ids of the routes whose plugin_config_id names it
 * @param inlineUpstreams {@code route/<id>} or {@code service/<id>} → the inline upstream's state
 *     and how many routed routes use it; an entry goes when its last user does, as it would in a
 *     build from scratch, so a balancer is carried over exactly while some route keeps using it
 */
record Routing(
    RouteTable<RouteTarget> table,
    PersistentHashMap<String, ResolvedRoute> resolved,
    PersistentHashMap<String, PersistentHashMap<String, String>> routesByService,
    PersistentHashMap<String, PersistentHashMap<String, String>> routesByPluginConfig,
    PersistentHashMap<String, InlineUpstream> inlineUpstreams) {

  /** An inline upstream's state and the number of routed routes that use it. */
  record InlineUpstream(UpstreamState state, int users) {}

  /** @throws IllegalArgumentException on an unknown router kind */
  static Routing empty(String routerKind) {
    return new Routing(
        RouteTable.empty(routerKind), PersistentHashMap.empty(), PersistentHashMap.empty(),
        PersistentHashMap.empty(), PersistentHashMap.empty());
  }
}
