package org.apigw.store;

import org.apigw.plugin.PluginChain;
import org.apigw.resource.PluginConfig;
import org.apigw.resource.Route;
import org.apigw.resource.Service;

/**
 * What one routed route was resolved from, compared by identity on the next change: while the
 * route, its service and its plugin config are the same objects, its chain is reused.
 *
 * @param service null when the route has none or it is missing
 * @param pluginConfig null when the route has none or it is missing
 * @param chain service ⊕ plugin_config ⊕ route plugins; {@link PluginChain#EMPTY} without plugins
 * @param inlineKey the {@link Routing#inlineUpstreams()} key the route's target uses, or null
 */
record ResolvedRoute(Route route, Service service, PluginConfig pluginConfig, PluginChain chain, String inlineKey) {}
