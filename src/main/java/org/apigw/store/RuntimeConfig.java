package org.apigw.store;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apigw.collect.PersistentHashMap;
import org.apigw.collect.PersistentSortedMap;
import org.apigw.plugin.PluginChain;
import org.apigw.resource.PluginConfig;
import org.apigw.resource.Resource;
import org.apigw.resource.ResourceType;
import org.apigw.resource.Route;
import org.apigw.resource.Service;
import org.apigw.resource.Upstream;
import org.apigw.router.Router;

/**
 * Everything a request reads, for one applied revision: resources by id, the router and the
 * upstream balancers. Immutable and value-based; published by {@link ConfigStore} with one
 * volatile write and read once per request, so a request never sees two revisions. Its maps and
 * router are persistent structures shared with the previous revision wherever a change did not
 * reach, which is what lets one change cost O(change) rather than O(config).
 */
public final class RuntimeConfig {

  private final long revision;
  private final long clusterId;
  private final ConfigOrigin origin;
  private final long appliedAtMillis;
  private final Map<ResourceType, PersistentSortedMap<String, StoredResource>> resources;
  private final Routing routing;
  private final PersistentHashMap<String, UpstreamState> upstreams;
  private final PluginChain globalChain;
  private final ConsumerIndex consumers;
  private final Map<String, Object> pluginMetadata;
  /** route id + consumer → the route's chain with the consumer's plugins merged; filled lazily. */
  private final ConcurrentHashMap<ConsumerMerge, PluginChain> consumerChains = new ConcurrentHashMap<>();

  private record ConsumerMerge(String routeId, String consumer) {}

  /** Merged chains kept per revision; past this, merges are recomputed per request. */
  private static final int MAX_CONSUMER_CHAINS = 16_384;

  RuntimeConfig(
      long revision,
      long clusterId,
      ConfigOrigin origin,
      long appliedAtMillis,
      Map<ResourceType, PersistentSortedMap<String, StoredResource>> resources,
      Routing routing,
      PersistentHashMap<String, UpstreamState> upstreams,
      PluginChain globalChain,
      ConsumerIndex consumers,
      Map<String, Object> pluginMetadata) {
    this.revision = revision;
    this.clusterId = clusterId;
    this.origin = origin;
    this.appliedAtMillis = appliedAtMillis;
    this.resources = resources;
    this.routing = routing;
    this.upstreams = upstreams;
    this.globalChain = globalChain;
    this.consumers = consumers;
    this.pluginMetadata = pluginMetadata;
  }

  static RuntimeConfig empty(String routerKind) {
    Map<ResourceType, PersistentSortedMap<String, StoredResource>> none = new EnumMap<>(ResourceType.class);
    for (ResourceType type : ResourceType.values()) {
      none.put(type, PersistentSortedMap.empty());
    }
    return new RuntimeConfig(
        0, 0, ConfigOrigin.NONE, 0, Collections.unmodifiableMap(none), Routing.empty(routerKind),
        PersistentHashMap.empty(), PluginChain.EMPTY, ConsumerIndex.EMPTY, Map.of());
  }

  /** Consumers by credential and by name. */
  public ConsumerIndex consumers() {
    return consumers;
  }

  /** Decoded {@code plugin_metadata} of {@code plugin}, or null. */
  public Object pluginMetadata(String plugin) {
    return pluginMetadata.get(plugin);
  }

  Map<String, Object> pluginMetadata() {
    return pluginMetadata;
  }

  /**
   * {@code routeChain} (route {@code routeId}'s) with the consumer's plugins merged on top:
   * consumer > consumer group > route. Computed once per route and consumer in a revision.
   */
  public PluginChain withConsumer(String routeId, PluginChain routeChain, ConsumerIndex.Entry consumer) {
    if (consumer.chain().isEmpty()) {
      return routeChain;
    }
    ConsumerMerge key = new ConsumerMerge(routeId, consumer.consumer().username());
    PluginChain merged = consumerChains.get(key);
    if (merged == null) {
      merged = routeChain.overriddenBy(consumer.chain());
      if (consumerChains.size() < MAX_CONSUMER_CHAINS) {
        consumerChains.putIfAbsent(key, merged);
      }
    }
    return merged;
  }

  /** The etcd revision this config reflects (for a snapshot start, the snapshot's revision). */
  public long revision() {
    return revision;
  }

  public long clusterId() {
    return clusterId;
  }

  public ConfigOrigin origin() {
    return origin;
  }

  public long appliedAtMillis() {
    return appliedAtMillis;
  }

  public Router<RouteTarget> router() {
    return routing.table();
  }

  /** The router with what it was derived from, for the next revision's update. */
  Routing routing() {
    return routing;
  }

  /** All global rules' plugins, built once per change of the global rules. */
  public PluginChain globalChain() {
    return globalChain;
  }

  /** Accepted keys of one type, by id, sorted. */
  public SortedMap<String, StoredResource> all(ResourceType type) {
    return resources.get(type);
  }

  Map<ResourceType, PersistentSortedMap<String, StoredResource>> resources() {
    return resources;
  }

  PersistentHashMap<String, UpstreamState> upstreamStates() {
    return upstreams;
  }

  public UpstreamState upstream(String id) {
    return upstreams.get(id);
  }

  public Route route(String id) {
    return get(ResourceType.ROUTES, id, Route.class);
  }

  public Service service(String id) {
    return get(ResourceType.SERVICES, id, Service.class);
  }

  public Upstream upstreamConfig(String id) {
    return get(ResourceType.UPSTREAMS, id, Upstream.class);
  }

  public PluginConfig pluginConfig(String id) {
    return get(ResourceType.PLUGIN_CONFIGS, id, PluginConfig.class);
  }

  private <T extends Resource> T get(ResourceType type, String id, Class<T> kind) {
    StoredResource stored = resources.get(type).get(id);
    return stored == null ? null : kind.cast(stored.resource());
  }

  /** Number of accepted keys per type. */
  public Map<ResourceType, Integer> counts() {
    Map<ResourceType, Integer> counts = new EnumMap<>(ResourceType.class);
    resources.forEach((type, map) -> counts.put(type, map.size()));
    return counts;
  }
}
