package org.apigw.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
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
 * changed types feed: the router when routes or services changed, balancers when upstreams did.
 * Balancer state is carried over for every upstream whose config is unchanged.
 */
final class RuntimeBuilder {

  private static final Logger log = LoggerFactory.getLogger(RuntimeBuilder.class);

  private final String routerKind;

  RuntimeBuilder(String routerKind) {
    this.routerKind = routerKind;
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
    if (touched.contains(ResourceType.ROUTES) || touched.contains(ResourceType.SERVICES)) {
      Map<String, UpstreamState> nextInline = new HashMap<>();
      router = router(resources, previous.inlineUpstreamStates(), nextInline);
      inline = Map.copyOf(nextInline);
    }
    return new RuntimeConfig(
        revision, clusterId, origin, System.currentTimeMillis(), resources, router, upstreams, inline);
  }

  private Router<RouteTarget> router(
      Map<ResourceType, SortedMap<String, StoredResource>> resources,
      Map<String, UpstreamState> previousInline,
      Map<String, UpstreamState> nextInline) {
    SortedMap<String, StoredResource> services = resources.get(ResourceType.SERVICES);
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
      RouteTarget target = target(route, service, serviceMissing, previousInline, nextInline);
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
      return new RouteTarget(route, service, serviceMissing, null, route.upstreamId());
    }
    if (route.upstream() != null) {
      String key = "route/" + route.id();
      return new RouteTarget(
          route, service, serviceMissing, inline(key, route.upstream(), previousInline, nextInline), null);
    }
    if (service != null && service.upstreamId() != null) {
      return new RouteTarget(route, service, false, null, service.upstreamId());
    }
    if (service != null && service.upstream() != null) {
      String key = "service/" + service.id();
      return new RouteTarget(
          route, service, false, inline(key, service.upstream(), previousInline, nextInline), null);
    }
    return new RouteTarget(route, service, serviceMissing, null, null);
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
