package org.apigw.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.apigw.collect.PersistentHashMap;
import org.apigw.collect.PersistentSortedMap;
import org.apigw.plugin.PluginChain;
import org.apigw.plugin.Plugins;
import org.apigw.resource.GlobalRule;
import org.apigw.resource.PluginMetadata;
import org.apigw.resource.ResourceType;
import org.apigw.resource.Upstream;
import org.apigw.upstream.Balancers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Derives the indexes of a {@link RuntimeConfig} from its resources, redoing only what the
 * changes feed: the routes a change reaches when routes, services or plugin configs changed (see
 * {@link RoutingUpdate}), the changed upstreams' balancers, the global chain when global rules
 * changed, the consumer index when consumers, credentials or groups did. Balancer state is
 * carried over for every upstream whose config is unchanged, and a route's chain is reused while
 * its route, service and plugin config objects are the same.
 */
final class RuntimeBuilder {

  private static final Logger log = LoggerFactory.getLogger(RuntimeBuilder.class);

  private final Plugins plugins;

  /** @param plugins null: every chain is empty */
  RuntimeBuilder(Plugins plugins) {
    this.plugins = plugins;
  }

  RuntimeConfig build(
      RuntimeConfig previous,
      long revision,
      long clusterId,
      ConfigOrigin origin,
      Map<ResourceType, PersistentSortedMap<String, StoredResource>> resources,
      ChangeSet changes) {
    PersistentHashMap<String, UpstreamState> upstreams =
        changes.touched(ResourceType.UPSTREAMS)
            ? upstreamStates(previous.upstreamStates(), resources.get(ResourceType.UPSTREAMS), changes)
            : previous.upstreamStates();
    Routing routing =
        RoutingUpdate.needed(changes)
            ? RoutingUpdate.apply(plugins, previous.routing(), previous.all(ResourceType.ROUTES), resources, changes)
            : previous.routing();
    PluginChain global =
        changes.touched(ResourceType.GLOBAL_RULES)
            ? globalChain(resources.get(ResourceType.GLOBAL_RULES))
            : previous.globalChain();
    ConsumerIndex consumers =
        changes.touched(ResourceType.CONSUMERS)
                || changes.touched(ResourceType.CREDENTIALS)
                || changes.touched(ResourceType.CONSUMER_GROUPS)
            ? ConsumerIndex.build(
                plugins,
                resources.get(ResourceType.CONSUMERS),
                resources.get(ResourceType.CREDENTIALS),
                resources.get(ResourceType.CONSUMER_GROUPS))
            : previous.consumers();
    Map<String, Object> metadata =
        changes.touched(ResourceType.PLUGIN_METADATA)
            ? pluginMetadata(resources.get(ResourceType.PLUGIN_METADATA))
            : previous.pluginMetadata();
    return new RuntimeConfig(
        revision, clusterId, origin, System.currentTimeMillis(), resources, routing, upstreams, global,
        consumers, metadata);
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

  /**
   * The changed upstreams' states (all of them when upstreams changed as a whole); a state is
   * kept while its upstream's config is equal, so its balancer position survives.
   */
  private static PersistentHashMap<String, UpstreamState> upstreamStates(
      PersistentHashMap<String, UpstreamState> previous,
      SortedMap<String, StoredResource> upstreams,
      ChangeSet changes) {
    if (changes.whole(ResourceType.UPSTREAMS)) {
      PersistentHashMap<String, UpstreamState> states = PersistentHashMap.empty();
      for (StoredResource stored : upstreams.values()) {
        states = states.with(stored.id(), carriedOver(previous.get(stored.id()), stored));
      }
      return states;
    }
    PersistentHashMap<String, UpstreamState> states = previous;
    for (String id : changes.ids(ResourceType.UPSTREAMS)) {
      StoredResource stored = upstreams.get(id);
      states = stored == null ? states.without(id) : states.with(id, carriedOver(previous.get(id), stored));
    }
    return states;
  }

  private static UpstreamState carriedOver(UpstreamState old, StoredResource stored) {
    Upstream upstream = (Upstream) stored.resource();
    return old != null && old.upstream().equals(upstream) ? old : state("upstream " + stored.id(), upstream);
  }

  /** A new state (and balancer) for {@code upstream}; {@code what} names it in the log. */
  static UpstreamState state(String what, Upstream upstream) {
    try {
      return new UpstreamState(upstream, Balancers.create(upstream), null);
    } catch (IllegalArgumentException e) {
      log.warn("{}: {}; requests routed to it get 502", what, e.getMessage());
      return new UpstreamState(upstream, null, e.getMessage());
    }
  }
}
