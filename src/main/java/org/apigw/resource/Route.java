package org.apigw.resource;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.apigw.expr.Expr;

/**
 * A route as APISIX stores it, with defaults applied and {@code uri}/{@code uris},
 * {@code host}/{@code hosts}, {@code remote_addr}/{@code remote_addrs} folded into lists.
 *
 * @param methods upper-case; empty means any method
 * @param hosts lower-case, possibly with a leading {@code *}; empty means no host condition
 * @param vars compiled {@code vars} expression, null when absent
 * @param status 1 enabled, 0 disabled (not routed)
 * @param upstream inline upstream, null when absent
 * @param plugins plugin name → raw plugin conf, in declaration order
 * @param timeout null when unset
 * @param enableWebsocket null when unset (then the service's value applies)
 */
public record Route(
    String id,
    String name,
    List<String> uris,
    List<String> methods,
    List<String> hosts,
    List<String> remoteAddrs,
    Expr vars,
    int priority,
    int status,
    String serviceId,
    String upstreamId,
    Upstream upstream,
    String pluginConfigId,
    Map<String, JsonNode> plugins,
    Timeout timeout,
    Boolean enableWebsocket,
    Map<String, String> labels)
    implements Resource {

  public Route {
    uris = List.copyOf(uris);
    methods = List.copyOf(methods);
    hosts = List.copyOf(hosts);
    remoteAddrs = List.copyOf(remoteAddrs);
    plugins = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(plugins));
    labels = Map.copyOf(labels);
  }
}
