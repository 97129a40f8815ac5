package org.apigw.plugins.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.Writer;
import java.util.Map;
import java.util.Set;
import org.apigw.plugin.Json;
import org.apigw.plugin.Phase;
import org.apigw.plugin.Plugin;
import org.apigw.plugin.PluginContext;
import org.apigw.plugin.ServedRequest;

/**
 * prometheus (500, log): counts every request of the routes, services and global rules it is
 * configured on into {@link HttpMetrics}, labelled as APISIX labels them; with {@code
 * prefer_name} the route and service labels carry names instead of ids (the id when there is no
 * name). The metrics are served by {@link PrometheusExporter} with the node's own metrics.
 */
public final class PrometheusPlugin implements Plugin<PrometheusPlugin.Config> {

  /** Typed conf. */
  public record Config(boolean preferName) {}

  private static final Config BY_ID = new Config(false);
  private static final Config BY_NAME = new Config(true);

  private final PrometheusAttr attr;
  private final HttpMetrics metrics;

  public PrometheusPlugin(PrometheusAttr attr) {
    this.attr = attr;
    this.metrics = new HttpMetrics(attr.metricPrefix(), attr.defaultBuckets());
  }

  public static PrometheusPlugin fromAttr(Map<String, JsonNode> pluginAttr) {
    return new PrometheusPlugin(PrometheusAttr.from(pluginAttr));
  }

  public PrometheusAttr attr() {
    return attr;
  }

  /** Writes the request metrics in the text format 0.0.4, for the exporter. */
  public void write(Writer out) throws IOException {
    metrics.write(out);
  }

  @Override
  public String name() {
    return "prometheus";
  }

  @Override
  public int priority() {
    return 500;
  }

  @Override
  public Set<Phase> phases() {
    return Set.of(Phase.LOG);
  }

  @Override
  public Config decode(JsonNode conf) {
    return Json.bool(conf, "prefer_name", false) ? BY_NAME : BY_ID;
  }

  @Override
  public void log(Config conf, PluginContext ctx) {
    ServedRequest served = ctx.served();
    String route = label(ctx, conf.preferName(), "route_id", "route_name");
    String service = label(ctx, conf.preferName(), "service_id", "service_name");
    String consumer = orEmpty(ctx.var("consumer_name"));
    String node = orEmpty(served.balancerIp());
    int code = ctx.status() == 0 ? 499 : ctx.status(); // no status yet: the client left first (nginx's 499)
    metrics.record(
        new HttpMetrics.StatusKey(
            code, route, served.matchedUri(), served.matchedHost(), service, consumer, node,
            served.fromUpstream()),
        new HttpMetrics.SeriesKey(route, service, consumer, node),
        served.latencyMillis(),
        served.upstreamLatencyMillis(),
        served.requestLength(),
        served.bytesSent());
  }

  /** The id, or with {@code prefer_name} the name when there is one; empty when neither. */
  private static String label(PluginContext ctx, boolean preferName, String idVar, String nameVar) {
    if (preferName) {
      String name = ctx.var(nameVar);
      if (name != null && !name.isEmpty()) {
        return name;
      }
    }
    return orEmpty(ctx.var(idVar));
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
