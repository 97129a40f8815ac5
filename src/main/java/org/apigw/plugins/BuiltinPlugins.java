package org.apigw.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apigw.plugin.Plugin;
import org.apigw.plugins.limitconn.LimitConnPlugin;
import org.apigw.plugins.limitcount.LimitCountPlugin;
import org.apigw.plugins.limitreq.LimitReqPlugin;

/** Every plugin this build contains. A plugin is listed here only once it is complete. */
public final class BuiltinPlugins {

  /** Names of {@link #create}'s plugins, for the config loader's warnings. */
  public static final Set<String> NAMES =
      Set.of(
          "real-ip",
          "request-id",
          "fault-injection",
          "ip-restriction",
          "ua-restriction",
          "referer-restriction",
          "uri-blocker",
          "proxy-rewrite",
          "redirect",
          "mocking",
          "cors",
          "response-rewrite",
          "echo",
          "limit-conn",
          "limit-count",
          "limit-req");

  private BuiltinPlugins() {}

  /** One instance of each built-in plugin; {@code pluginAttr} is the config's {@code plugin_attr}. */
  public static List<Plugin<?>> create(Map<String, JsonNode> pluginAttr) {
    return List.of(
        new RealIpPlugin(),
        new RequestIdPlugin(),
        new FaultInjectionPlugin(),
        new IpRestrictionPlugin(),
        new UaRestrictionPlugin(),
        new RefererRestrictionPlugin(),
        new UriBlockerPlugin(),
        new ProxyRewritePlugin(),
        RedirectPlugin.fromAttr(pluginAttr),
        new MockingPlugin(),
        new CorsPlugin(),
        new ResponseRewritePlugin(),
        new EchoPlugin(),
        new LimitConnPlugin(),
        new LimitCountPlugin(),
        new LimitReqPlugin());
  }
}
