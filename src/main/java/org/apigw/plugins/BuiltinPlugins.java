package org.apigw.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apigw.plugin.Plugin;
import org.apigw.plugins.auth.BasicAuthPlugin;
import org.apigw.plugins.auth.ConsumerRestrictionPlugin;
import org.apigw.plugins.auth.HmacAuthPlugin;
import org.apigw.plugins.auth.JwtAuthPlugin;
import org.apigw.plugins.auth.KeyAuthPlugin;
import org.apigw.plugins.logging.FileLoggerPlugin;
import org.apigw.plugins.logging.HttpLoggerPlugin;
import org.apigw.plugins.prometheus.PrometheusPlugin;
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
          "csrf",
          "uri-blocker",
          "proxy-mirror",
          "proxy-rewrite",
          "redirect",
          "mocking",
          "cors",
          "response-rewrite",
          "gzip",
          "echo",
          "key-auth",
          "basic-auth",
          "jwt-auth",
          "hmac-auth",
          "consumer-restriction",
          "prometheus",
          "http-logger",
          "file-logger",
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
        new CsrfPlugin(),
        new UriBlockerPlugin(),
        ProxyMirrorPlugin.fromAttr(pluginAttr),
        new ProxyRewritePlugin(),
        RedirectPlugin.fromAttr(pluginAttr),
        new MockingPlugin(),
        new CorsPlugin(),
        new ResponseRewritePlugin(),
        new GzipPlugin(),
        new EchoPlugin(),
        new KeyAuthPlugin(),
        new BasicAuthPlugin(),
        new JwtAuthPlugin(),
        new HmacAuthPlugin(),
        new ConsumerRestrictionPlugin(),
        PrometheusPlugin.fromAttr(pluginAttr),
        new HttpLoggerPlugin(),
        new FileLoggerPlugin(),
        new LimitConnPlugin(),
        new LimitCountPlugin(),
        new LimitReqPlugin());
  }
}
