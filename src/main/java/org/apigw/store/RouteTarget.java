package org.apigw.store;

import org.apigw.plugin.PluginChain;
import org.apigw.resource.PluginConfig;
import org.apigw.resource.Route;
import org.apigw.resource.Service;

/**
 * What a router match yields: the route merged with what it references, resolved when the
 * router is built rather than per request.
 *
 * @param service the route's service, null when it has none or it is missing
 * @param serviceMissing true when {@code service_id} names a service that does not exist (404)
 * @param inlineUpstream the inline upstream of the route (or, failing that, of its service)
 * @param upstreamId the upstream to look up per request when there is no inline one
 * @param pluginConfig the route's plugin config, null when it has none or it is missing
 * @param chain service ⊕ plugin_config ⊕ route plugins, sorted; {@link PluginChain#EMPTY} when none
 */
public record RouteTarget(
    Route route,
    Service service,
    boolean serviceMissing,
    UpstreamState inlineUpstream,
    String upstreamId,
    PluginConfig pluginConfig,
    PluginChain chain) {

  RouteTarget withPlugins(PluginConfig config, PluginChain merged) {
    return new RouteTarget(route, service, serviceMissing, inlineUpstream, upstreamId, config, merged);
  }
}
