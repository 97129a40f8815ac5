package org.apigw.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import org.apigw.plugin.PluginChain;
import org.apigw.plugin.Plugins;
import org.apigw.resource.GlobalRule;
import org.apigw.resource.PluginConfig;
import org.apigw.resource.PluginMetadata;
import org.apigw.resource.ResourceType;
import org.apigw.resource.Route;
import org.apigw.resource.Service;
import org.apigw.resource.Upstream;
import org.apigw.router.RouteSpec;
import org.apigw.router.Router;
import org.apigw.upstream.Balancers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Derives the indexes of a {@link RuntimeConfig} from its resources, rebuilding only what the
 * changed types feed: the router (with each route's plugin chain) when routes, services or
 * plugin configs changed, balancers when upstreams did, the global chain when global rules did.
 * Balancer state is carried over for every upstream whose config is unchanged, and a route's
 * chain is reused while its route, service and plugin config objects are the same.
 */
final class RuntimeBuilder {

  private static final Logger log = LoggerFactory.getLogger(RuntimeBuilder.class);

  /** A route's chain and the resource objects it was merged from (compared by identity). */
  record ChainMemo(Route route, Service service, PluginConfig pluginConfig, PluginChain chain) {}

  private final String routerKind;
  private final Plugins plugins;

  /** @param plugins null: every chain is empty */
  RuntimeBuilder(String routerKind, Plugins plugins) {
    this.routerKind = routerKind;
    this.plugins = plugins;
  }

  RuntimeConfig build(
      RuntimeConfig previous,
      long revision,
      long clusterId,
      ConfigOrigin origin,
      Map<ResourceType, SortedMap<String, StoredResource>> resources,
      Set<ResourceType> touched) {
    Map<String, UpstreamState> upstreams =
        touched.contains(ResourceType.UPSTREAMS)
            ? upstreamStates(previous.upstreamStates(), resources.get(ResourceType.UPSTREAMS))
            : previous.upstreamStates();
    Router<RouteTarget> router = previous.router();
    Map<String, UpstreamState> inline = previous.inlineUpstreamStates();
    Map<String, ChainMemo> chains = previous.routeChains();
    if (touched.contains(ResourceType.ROUTES)
        || touched.contains(ResourceType.SERVICES)
        || touched.contains(ResourceType.PLUGIN_CONFIGS)) {
      Map<String, UpstreamState> nextInline = new HashMap<>();
      Map<String, ChainMemo> nextChains = new HashMap<>();
      router = router(resources, previous.inlineUpstreamStates(), nextInline, previous.routeChains(), nextChains);
      inline = Map.copyOf(nextInline);
      chains = Map.copyOf(nextChains);
    }
    PluginChain global =
        touched.contains(ResourceType.GLOBAL_RULES)
            ? globalChain(resources.get(ResourceType.GLOBAL_RULES))
            : previous.globalChain();
    ConsumerIndex consumers =
        touched.contains(ResourceType.CONSUMERS)
                || touched.contains(ResourceType.CREDENTIALS)
                || touched.contains(ResourceType.CONSUMER_GROUPS)
            ? ConsumerIndex.build(
                plugins,
                resources.get(ResourceType.CONSUMERS),
                resources.get(ResourceType.CREDENTIALS),
                resources.get(ResourceType.CONSUMER_GROUPS))
            : previous.consumers();
    Map<String, Object> metadata =
        touched.contains(ResourceType.PLUGIN_METADATA)
            ? pluginMetadata(resources.get(ResourceType.PLUGIN_METADATA))
            : previous.pluginMetadata();
    return new RuntimeConfig(
        revision, clusterId, origin, System.currentTimeMillis(), resources, router, upstreams, inline,
        global, chains, consumers, metadata);
  }

  /** Each plugin's metadata, decoded once per change; one that does not decode is left out. */
  private Map<String, Object> pluginMetadata(SortedMap<String, StoredResource> stored) {
    if (plugins == null || stored.isEmpty()) {
      return Map.of();
    }
    Map<String, Object> decoded = new HashMap<>();
    for (StoredResource s : stored.values()) {
      PluginMetadata metadata = (PluginMetadata) s.resource();
      org.apigw.plugin.Plugin<Object> plugin = plugins.plugin(metadata.id());
      if (plugin == null) {
        continue;
      }
      try {
        Object value = plugin.decodeMetadata(metadata.conf());
        if (value != null) {
          decoded.put(metadata.id(), value);
        }
      } catch (RuntimeException e) {
        log.error("plugin_metadata/{} does not decode ({}); the plugin runs without it", metadata.id(), e.getMessage());
      }
    }
    return Map.copyOf(decoded);
  }

  /** Every global rule's plugins in one chain, rules in id order before the priority sort. */
  private PluginChain globalChain(SortedMap<String, StoredResource> rules) {
    if (plugins == null || rules.isEmpty()) {
      return PluginChain.EMPTY;
    }
    List<Plugins.Source> sources = new ArrayList<>(rules.size());
    for (StoredResource stored : rules.values()) {
      GlobalRule rule = (GlobalRule) stored.resource();
      sources.add(new Plugins.Source("global_rules/" + rule.id(), rule.plugins()));
    }
    return plugins.union(sources);
  }

  /** service ⊕ plugin_config ⊕ route, the more specific winning; reused when nothing changed. */
  private PluginChain routeChain(
      Route route, Service service, PluginConfig config, Map<String, ChainMemo> previous, Map<String, ChainMemo> next) {
    if (plugins == null) {
      return PluginChain.EMPTY;
    }
    ChainMemo memo = previous.get(route.id());
    if (memo == null || memo.route() != route || memo.service() != service || memo.pluginConfig() != config) {
      List<Plugins.Source> levels = new ArrayList<>(3);
      if (service != null) {
        levels.add(new Plugins.Source("services/" + service.id(), service.plugins()));
      }
      if (config != null) {
        levels.add(new Plugins.Source("plugin_configs/" + config.id(), config.plugins()));
      }
      levels.add(new Plugins.Source("routes/" + route.id(), route.plugins()));
      memo = new ChainMemo(route, service, config, plugins.chain(levels));
    }
    next.put(route.id(), memo);
    return memo.chain();
  }

  private Router<RouteTarget> router(
      Map<ResourceType, SortedMap<String, StoredResource>> resources,
      Map<String, UpstreamState> previousInline,
      Map<String, UpstreamState> nextInline,
      Map<String, ChainMemo> previousChains,
      Map<String, ChainMemo> nextChains) {
    SortedMap<String, StoredResource> services = resources.get(ResourceType.SERVICES);
    SortedMap<String, StoredResource> configs = resources.get(ResourceType.PLUGIN_CONFIGS);
    List<RouteSpec<RouteTarget>> specs = new ArrayList<>(resources.get(ResourceType.ROUTES).size());
    for (StoredResource stored : resources.get(ResourceType.ROUTES).values()) {
      Route route = (Route) stored.resource();
      if (route.status() == 0) {
        continue; // disabled routes are not routed
      }
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
      RouteTarget target =
          target(route, service, serviceMissing, previousInline, nextInline)
              .withPlugins(config, routeChain(route, service, config, previousChains, nextChains));
      List<String> hosts = !route.hosts().isEmpty() || service == null ? route.hosts() : service.hosts();
      specs.add(
          new RouteSpec<>(
              route.id(), route.uris(), route.methods(), hosts, route.remoteAddrs(), route.vars(),
              route.priority(), target));
    }
    return Router.build(routerKind, specs);
  }

  /** Route upstream, then route upstream_id, then the service's: the route's choice wins. */
  private static RouteTarget target(
      Route route,
      Service service,
      boolean serviceMissing,
      Map<String, UpstreamState> previousInline,
      Map<String, UpstreamState> nextInline) {
    if (route.upstreamId() != null) {
      return new RouteTarget(route, service, serviceMissing, null, route.upstreamId(), null, PluginChain.EMPTY);
    }
    if (route.upstream() != null) {
      String key = "route/" + route.id();
      return new RouteTarget(
          route, service, serviceMissing, inline(key, route.upstream(), previousInline, nextInline), null, null,
          PluginChain.EMPTY);
    }
    if (service != null && service.upstreamId() != null) {
      return new RouteTarget(route, service, false, null, service.upstreamId(), null, PluginChain.EMPTY);
    }
    if (service != null && service.upstream() != null) {
      String key = "service/" + service.id();
      return new RouteTarget(
          route, service, false, inline(key, service.upstream(), previousInline, nextInline), null, null,
          PluginChain.EMPTY);
    }
    return new RouteTarget(route, service, serviceMissing, null, null, null, PluginChain.EMPTY);
  }

  private static UpstreamState inline(
      String key, Upstream upstream, Map<String, UpstreamState> previous, Map<String, UpstreamState> next) {
    UpstreamState state = next.get(key);
    if (state == null) {
      UpstreamState old = previous.get(key);
      state = old != null && old.upstream().equals(upstream) ? old : state(key, upstream);
      next.put(key, state);
    }
    return state;
  }

  private static Map<String, UpstreamState> upstreamStates(
      Map<String, UpstreamState> previous, SortedMap<String, StoredResource> upstreams) {
    Map<String, UpstreamState> states = new HashMap<>(upstreams.size() * 2);
    for (StoredResource stored : upstreams.values()) {
      Upstream upstream = (Upstream) stored.resource();
      UpstreamState old = previous.get(stored.id());
      states.put(
          stored.id(),
          old != null && old.upstream().equals(upstream) ? old : state("upstream " + stored.id(), upstream));
    }
    return Map.copyOf(states);
  }

  private static UpstreamState state(String what, Upstream upstream) {
    try {
      return new UpstreamState(upstream, Balancers.create(upstream), null);
    } catch (IllegalArgumentException e) {
      log.warn("{}: {}; requests routed to it get 502", what, e.getMessage());
      return new UpstreamState(upstream, null, e.getMessage());
    }
  }
}
