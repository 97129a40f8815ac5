package org.apigw.plugins.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.Map;

/**
 * Node-level settings of the prometheus plugin ({@code plugin_attr.prometheus}), with APISIX's
 * defaults: export server on 127.0.0.1:9091 at {@code /apisix/prometheus/metrics}, metric names
 * prefixed {@code apisix_}, latency buckets 1 ms … 60 s.
 *
 * @param enableExportServer serve metrics on {@code exportIp:exportPort}; when false nothing
 *     listens (serving them on the proxy port through public-api is not supported)
 * @param defaultBuckets upper bounds of the {@code http_latency} histogram, milliseconds, ascending
 */
public record PrometheusAttr(
    String exportUri,
    String metricPrefix,
    boolean enableExportServer,
    String exportIp,
    int exportPort,
    double[] defaultBuckets) {

  /** APISIX's latency buckets, in milliseconds. */
  static final double[] DEFAULT_BUCKETS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 30000, 60000};

  public PrometheusAttr {
    defaultBuckets = defaultBuckets.clone();
  }

  @Override
  public double[] defaultBuckets() {
    return defaultBuckets.clone();
  }

  /** From {@code plugin_attr}; absent keys take the defaults, a malformed value is an error. */
  public static PrometheusAttr from(Map<String, JsonNode> pluginAttr) {
    JsonNode attr = pluginAttr.get("prometheus");
    if (attr == null || !attr.isObject()) {
      attr = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    }
    JsonNode addr = attr.path("export_addr");
    double[] buckets = DEFAULT_BUCKETS;
    JsonNode configured = attr.get("default_buckets");
    if (configured != null && configured.isArray() && configured.size() > 0) {
      buckets = new double[configured.size()];
      for (int i = 0; i < buckets.length; i++) {
        if (!configured.get(i).isNumber()) {
          throw new IllegalArgumentException("plugin_attr.prometheus.default_buckets: expected numbers, got " + configured);
        }
        buckets[i] = configured.get(i).asDouble();
      }
      Arrays.sort(buckets);
    }
    int port = addr.path("port").asInt(9091);
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("plugin_attr.prometheus.export_addr.port: expected 1..65535, got " + addr.path("port"));
    }
    String uri = attr.path("export_uri").asText("/apisix/prometheus/metrics");
    if (!uri.startsWith("/")) {
      throw new IllegalArgumentException("plugin_attr.prometheus.export_uri: must start with /, got " + uri);
    }
    return new PrometheusAttr(
        uri,
        attr.path("metric_prefix").asText("apisix_"),
        attr.path("enable_export_server").asBoolean(true),
        addr.path("ip").asText("127.0.0.1"),
        port,
        buckets);
  }
}
