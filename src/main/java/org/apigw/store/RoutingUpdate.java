package org.apigw.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import org.apigw.collect.PersistentHashMap;
import org.apigw.plugin.PluginChain;
import org.apigw.plugin.Plugins;
import org.apigw.resource.PluginConfig;
import org.apigw.resource.ResourceType;
import org.apigw.resource.Route;
import org.apigw.resource.Service;
import org.apigw.resource.Upstream;
import org.apigw.router.RouteSpec;
import org.apigw.router.RouteTable;

/**
 * Derives the next {@link Routing} from the previous one and a {@link ChangeSet}, re-resolving
 * only the routes the change reaches: the changed routes, and the routes that name a changed
 * service or plugin config (found through the reverse indexes, whether or not that service or
 * config existed before). Everything else — each other route's target, chain and router entries —
 * is shared with the previous revision. When routes, services or plugin configs changed as a
 * whole, or a change reaches a large share of the routes, every route is resolved again and the
 * router is built afresh.
 *
 * <p>Resolving a route is what a full build did per route: service and plugin config by id, the
 * upstream (the route's own {@code upstream_id}, else its inline upstream, else the service's),
 * hosts (the route's, else the service's), and the chain service ⊕ plugin_config ⊕ route, reused
 * while the three objects are the same. An inline upstream's state is reused while its config is
 * equal, and dropped when no routed route uses it any more (see {@link Routing#inlineUpstreams()}).
 *
 * <p>One instance per update, used once, on the config writer thread.
 */
final class RoutingUpdate {

  /**
   * A change reaching more routes than this and than a quarter of all routes resolves every
   * route from scratch instead (same result, built in bulk).
   */
  static final int WHOLESALE_MIN = 256;

  private final Plugins plugins;
  private final SortedMap<String, StoredResource> routes;
  private final SortedMap<String, StoredResource> services;
  private final SortedMap<String, StoredResource> configs;
  private final PersistentHashMap<String, ResolvedRoute> previousResolved;
  private PersistentHashMap<String, ResolvedRoute> resolved;
  /** From scratch: routes resolved so far, made persistent in one pass at the end; else null. */
  private Map<String, ResolvedRoute> resolvedInBulk;
  private PersistentHashMap<String, Routing.InlineUpstream> inline;
  /** From scratch: the inline upstreams, made persistent in one pass at the end; else null. */
  private Map<String, Routing.InlineUpstream> inlineInBulk;
  private final Set<String> releasedInline = new HashSet<>();

  private RoutingUpdate(
      Plugins plugins,
      Map<ResourceType, ? extends SortedMap<String, StoredResource>> resources,
      PersistentHashMap<String, ResolvedRoute> previousResolved,
      PersistentHashMap<String, Routing.InlineUpstream> inline) {
    this.plugins = plugins;
    this.routes = resources.get(ResourceType.ROUTES);
    this.services = resources.get(ResourceType.SERVICES);
    this.configs = resources.get(ResourceType.PLUGIN_CONFIGS);
    this.previousResolved = previousResolved;
    this.resolved = previousResolved;
    this.inline = inline;
  }

  /** True when {@code changes} can alter what {@link #apply} derives. */
  static boolean needed(ChangeSet changes) {
    return changes.touched(ResourceType.ROUTES)
        || changes.touched(ResourceType.SERVICES)
        || changes.touched(ResourceType.PLUGIN_CONFIGS);
  }

  /**
   * @param previousRoutes the routes {@code previous} was derived from
   * @param resources the resources of the next revision
   * @param plugins null: every chain is empty
   */
  static Routing apply(
      Plugins plugins,
      Routing previous,
      SortedMap<String, StoredResource> previousRoutes,
      Map<ResourceType, ? extends SortedMap<String, StoredResource>> resources,
      ChangeSet changes) {
    boolean whole =
        changes.whole(ResourceType.ROUTES)
            || changes.whole(ResourceType.SERVICES)
            || changes.whole(ResourceType.PLUGIN_CONFIGS);
    return whole
        ? fromScratch(plugins, previous, resources)
        : incremental(plugins, previous, previousRoutes, resources, changes);
  }

  private static Routing incremental(
      Plugins plugins,
      Routing previous,
      SortedMap<String, StoredResource> previousRoutes,
      Map<ResourceType, ? extends SortedMap<String, StoredResource>> resources,
      ChangeSet changes) {
    SortedMap<String, StoredResource> routes = resources.get(ResourceType.ROUTES);
    PersistentHashMap<String, PersistentHashMap<String, String>> byService = previous.routesByService();
    PersistentHashMap<String, PersistentHashMap<String, String>> byConfig = previous.routesByPluginConfig();
    for (String id : changes.ids(ResourceType.ROUTES)) {
      Route before = route(previousRoutes.get(id));
      Route after = route(routes.get(id));
      byService = reindex(byService, id, serviceId(before), serviceId(after));
      byConfig = reindex(byConfig, id, pluginConfigId(before), pluginConfigId(after));
    }
    List<PersistentHashMap<String, String>> reached = new ArrayList<>();
    int reach = changes.ids(ResourceType.ROUTES).size();
    for (String service : changes.ids(ResourceType.SERVICES)) {
      reached.add(byService.getOrDefault(service, PersistentHashMap.empty()));
      reach += reached.get(reached.size() - 1).size();
    }
    for (String config : changes.ids(ResourceType.PLUGIN_CONFIGS)) {
      reached.add(byConfig.getOrDefault(config, PersistentHashMap.empty()));
      reach += reached.get(reached.size() - 1).size();
    }
    if (reach > Math.max(WHOLESALE_MIN, routes.size() / 4)) {
      // e.g. a service most routes name: patching that many keys one path copy at a time costs
      // more than building the router again in bulk (reach counts a route once per reason)
      return fromScratch(plugins, previous, resources);
    }
    Set<String> affected = new HashSet<>(changes.ids(ResourceType.ROUTES));
    for (PersistentHashMap<String, String> ids : reached) {
      affected.addAll(ids.keySet());
    }
    RoutingUpdate update = new RoutingUpdate(plugins, resources, previous.resolved(), previous.inlineUpstreams());
    RouteTable<RouteTarget> table = update.resolve(previous.table(), affected);
    return new Routing(table, update.resolved, byService, byConfig, update.inline);
  }

  private static Routing fromScratch(
      Plugins plugins, Routing previous, Map<ResourceType, ? extends SortedMap<String, StoredResource>> resources) {
    SortedMap<String, StoredResource> routes = resources.get(ResourceType.ROUTES);
    Map<String, Map<String, String>> byService = new HashMap<>();
    Map<String, Map<String, String>> byConfig = new HashMap<>();
    for (StoredResource stored : routes.values()) {
      Route route = (Route) stored.resource();
      if (route.serviceId() != null) {
        byService.computeIfAbsent(route.serviceId(), s -> new HashMap<>()).put(route.id(), route.id());
      }
      if (route.pluginConfigId() != null) {
        byConfig.computeIfAbsent(route.pluginConfigId(), c -> new HashMap<>()).put(route.id(), route.id());
      }
    }
    RoutingUpdate update = new RoutingUpdate(plugins, resources, previous.resolved(), PersistentHashMap.empty());
    // every previous inline state is released, then offered again to the routes that still use it
    update.inlineInBulk = new HashMap<>();
    previous.inlineUpstreams().forEach(
        (key, use) -> update.inlineInBulk.put(key, new Routing.InlineUpstream(use.state(), 0)));
    update.releasedInline.addAll(update.inlineInBulk.keySet());
    update.resolved = PersistentHashMap.empty();
    update.resolvedInBulk = new HashMap<>();
    RouteTable<RouteTarget> table = update.resolveAll(RouteTable.empty(previous.table().kind()), routes.values());
    return new Routing(
        table, PersistentHashMap.copyOf(update.resolvedInBulk), persistent(byService), persistent(byConfig),
        PersistentHashMap.copyOf(update.inlineInBulk));
  }

  private static PersistentHashMap<String, PersistentHashMap<String, String>> persistent(
      Map<String, Map<String, String>> index) {
    Map<String, PersistentHashMap<String, String>> sets = new HashMap<>();
    index.forEach((id, routes) -> sets.put(id, PersistentHashMap.copyOf(routes)));
    return PersistentHashMap.copyOf(sets);
  }

  /** Moves route {@code id} from the set of {@code before} to that of {@code after}. */
  private static PersistentHashMap<String, PersistentHashMap<String, String>> reindex(
      PersistentHashMap<String, PersistentHashMap<String, String>> index, String id, String before, String after) {
    if (before != null && !before.equals(after)) {
      PersistentHashMap<String, String> ids = index.getOrDefault(before, PersistentHashMap.empty()).without(id);
      index = ids.isEmpty() ? index.without(before) : index.with(before, ids);
    }
    if (after != null) {
      index = index.with(after, index.getOrDefault(after, PersistentHashMap.empty()).with(id, id));
    }
    return index;
  }

  private static String serviceId(Route route) {
    return route == null ? null : route.serviceId();
  }

  private static String pluginConfigId(Route route) {
    return route == null ? null : route.pluginConfigId();
  }

  private static Route route(StoredResource stored) {
    return stored == null ? null : (Route) stored.resource();
  }

  /** Resolves every route of {@code routes} (all there are) into {@code table}, which is empty. */
  private RouteTable<RouteTarget> resolveAll(RouteTable<RouteTarget> table, Collection<StoredResource> routes) {
    List<RouteSpec<RouteTarget>> put = new ArrayList<>(routes.size());
    for (StoredResource stored : routes) {
      Route route = (Route) stored.resource();
      if (route.status() != 0) { // disabled routes are not routed
        put.add(spec(route));
      }
    }
    sweepInline();
    return table.update(List.of(), put);
  }

  /** Re-resolves {@code ids} against the new resources and patches {@code table} with them. */
  private RouteTable<RouteTarget> resolve(RouteTable<RouteTarget> table, Set<String> ids) {
    // release first: a route's inline upstream may pass to another affected route of the batch
    for (String id : ids) {
      ResolvedRoute old = resolved.get(id);
      if (old != null && old.inlineKey() != null) {
        release(old.inlineKey());
      }
    }
    List<String> removed = new ArrayList<>();
    List<RouteSpec<RouteTarget>> put = new ArrayList<>();
    for (String id : ids) {
      Route route = route(routes.get(id));
      if (route == null || route.status() == 0) {
        removed.add(id); // deleted, or disabled: disabled routes are not routed
        resolved = resolved.without(id);
      } else {
        put.add(spec(route));
      }
    }
    sweepInline();
    return table.update(removed, put);
  }

  /** Drops the inline upstreams that lost their last user in this update. */
  private void sweepInline() {
    for (String key : releasedInline) {
      Routing.InlineUpstream use = inlineUse(key);
      if (use != null && use.users() == 0) {
        if (inlineInBulk != null) {
          inlineInBulk.remove(key);
        } else {
          inline = inline.without(key);
        }
      }
    }
  }

  private Routing.InlineUpstream inlineUse(String key) {
    return inlineInBulk != null ? inlineInBulk.get(key) : inline.get(key);
  }

  private void setInlineUse(String key, Routing.InlineUpstream use) {
    if (inlineInBulk != null) {
      inlineInBulk.put(key, use);
    } else {
      inline = inline.with(key, use);
    }
  }

  private RouteSpec<RouteTarget> spec(Route route) {
    Service service = null;
    boolean serviceMissing = false;
    if (route.serviceId() != null) {
      StoredResource s = services.get(route.serviceId());
      service = s == null ? null : (Service) s.resource();
      serviceMissing = s == null;
    }
    PluginConfig config = null;
    if (route.pluginConfigId() != null) {
      StoredResource c = configs.get(route.pluginConfigId());
      config = c == null ? null : (PluginConfig) c.resource();
    }
    // route upstream_id, then route upstream, then the service's: the route's choice wins
    String upstreamId = null;
    String inlineKey = null;
    UpstreamState inlineState = null;
    if (route.upstreamId() != null) {
      upstreamId = route.upstreamId();
    } else if (route.upstream() != null) {
      inlineKey = "route/" + route.id();
      inlineState = acquire(inlineKey, route.upstream());
    } else if (service != null && service.upstreamId() != null) {
      upstreamId = service.upstreamId();
    } else if (service != null && service.upstream() != null) {
      inlineKey = "service/" + service.id();
      inlineState = acquire(inlineKey, service.upstream());
    }
    PluginChain chain = chain(route, service, config, previousResolved.get(route.id()));
    ResolvedRoute now = new ResolvedRoute(route, service, config, chain, inlineKey);
    if (resolvedInBulk != null) {
      resolvedInBulk.put(route.id(), now);
    } else {
      resolved = resolved.with(route.id(), now);
    }
    RouteTarget target = new RouteTarget(route, service, serviceMissing, inlineState, upstreamId, config, chain);
    var hosts = !route.hosts().isEmpty() || service == null ? route.hosts() : service.hosts();
    return new RouteSpec<>(
        route.id(), route.uris(), route.methods(), hosts, route.remoteAddrs(), route.vars(), route.priority(), target);
  }

  /** service ⊕ plugin_config ⊕ route, the more specific winning; reused when nothing changed. */
  private PluginChain chain(Route route, Service service, PluginConfig config, ResolvedRoute old) {
    if (plugins == null) {
      return PluginChain.EMPTY;
    }
    if (old != null && old.route() == route && old.service() == service && old.pluginConfig() == config) {
      return old.chain();
    }
    List<Plugins.Source> levels = new ArrayList<>(3);
    if (service != null) {
      levels.add(new Plugins.Source("services/" + service.id(), service.plugins()));
    }
    if (config != null) {
      levels.add(new Plugins.Source("plugin_configs/" + config.id(), config.plugins()));
    }
    levels.add(new Plugins.Source("routes/" + route.id(), route.plugins()));
    return plugins.chain(levels);
  }

  private void release(String key) {
    Routing.InlineUpstream use = inlineUse(key);
    if (use != null) {
      setInlineUse(key, new Routing.InlineUpstream(use.state(), Math.max(0, use.users() - 1)));
      releasedInline.add(key);
    }
  }

  /** The state for {@code key}: the current one while its upstream config is equal, else new. */
  private UpstreamState acquire(String key, Upstream upstream) {
    Routing.InlineUpstream use = inlineUse(key);
    UpstreamState state =
        use != null && use.state().upstream().equals(upstream)
            ? use.state()
            : RuntimeBuilder.state(key, upstream);
    setInlineUse(key, new Routing.InlineUpstream(state, use == null ? 1 : use.users() + 1));
    return state;
  }
}
