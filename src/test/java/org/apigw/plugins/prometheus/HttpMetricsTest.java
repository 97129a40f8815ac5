package org.apigw.plugins.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.StringWriter;
import java.util.Map;
import org.apigw.plugin.FakeContext;
import org.apigw.plugin.Json;
import org.junit.jupiter.api.Test;

class HttpMetricsTest {

  static JsonNode json(String s) {
    try {
      return Json.MAPPER.readTree(s.replace('\'', '"'));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static String scrape(PrometheusPlugin plugin) {
    StringWriter out = new StringWriter();
    try {
      plugin.write(out);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return out.toString();
  }

  static FakeContext request(int status) {
    FakeContext ctx = new FakeContext();
    ctx.status = status;
    ctx.vars.put("route_id", "r1");
    ctx.vars.put("route_name", "hello-route");
    ctx.vars.put("service_id", "s1");
    ctx.served.latencyMillis = 30;
    ctx.served.upstreamLatencyMillis = 25;
    ctx.served.requestLength = 120;
    ctx.served.bytesSent = 300;
    ctx.served.balancerIp = "127.0.0.1";
    ctx.served.matchedUri = "/hello";
    return ctx;
  }

  @Test
  void statusLatencyBandwidth_withApisixNamesAndLabels() {
    PrometheusPlugin p = PrometheusPlugin.fromAttr(Map.of());
    PrometheusPlugin.Config conf = p.decode(json("{}"));
    p.log(conf, request(200));
    p.log(conf, request(200));
    p.log(conf, request(404));
    String text = scrape(p);
    String common = "route=\"r1\",matched_uri=\"/hello\",matched_host=\"\",service=\"s1\",consumer=\"\",node=\"127.0.0.1\","
        + "request_type=\"traditional_http\",request_llm_model=\"\",llm_model=\"\",response_source=\"upstream\"";
    assertTrue(text.contains("apisix_http_status{code=\"200\"," + common + "} 2.0"), text);
    assertTrue(text.contains("apisix_http_status{code=\"404\"," + common + "} 1.0"), text);
    assertFalse(text.contains("apisix_http_status_total"), "APISIX's name, no _total suffix");
    String series = "route=\"r1\",service=\"s1\",consumer=\"\",node=\"127.0.0.1\",request_type=\"traditional_http\",request_llm_model=\"\",llm_model=\"\"";
    // 30 ms lands in the 50 bucket, not in 20; upstream 25 ms likewise; apisix 5 ms in the 5 bucket
    assertTrue(text.contains("apisix_http_latency_bucket{type=\"request\"," + series + ",le=\"20.0\"} 0.0"), text);
    assertTrue(text.contains("apisix_http_latency_bucket{type=\"request\"," + series + ",le=\"50.0\"} 3.0"), text);
    assertTrue(text.contains("apisix_http_latency_bucket{type=\"request\"," + series + ",le=\"+Inf\"} 3.0"), text);
    assertTrue(text.contains("apisix_http_latency_count{type=\"upstream\"," + series + "} 3.0"), text);
    assertTrue(text.contains("apisix_http_latency_sum{type=\"upstream\"," + series + "} 75.0"), text);
    assertTrue(text.contains("apisix_http_latency_bucket{type=\"apisix\"," + series + ",le=\"5.0\"} 3.0"), text);
    assertTrue(text.contains("apisix_http_latency_bucket{type=\"apisix\"," + series + ",le=\"2.0\"} 0.0"), text);
    assertTrue(text.contains("apisix_bandwidth{type=\"ingress\"," + series + "} 360.0"), text);
    assertTrue(text.contains("apisix_bandwidth{type=\"egress\"," + series + "} 900.0"), text);
    assertTrue(text.contains("# TYPE apisix_http_latency histogram"), text);
    assertTrue(text.contains("# TYPE apisix_http_status counter"), text);
    assertTrue(text.contains("# TYPE apisix_bandwidth counter"), text);
  }

  @Test
  void preferName_usesNames_fallsBackToIds() {
    PrometheusPlugin p = PrometheusPlugin.fromAttr(Map.of());
    PrometheusPlugin.Config byName = p.decode(json("{'prefer_name':true}"));
    p.log(byName, request(200)); // service s1 has no name
    String text = scrape(p);
    assertTrue(text.contains("route=\"hello-route\""), text);
    assertTrue(text.contains("service=\"s1\""), text);
    assertFalse(text.contains("route=\"r1\""), text);
  }

  @Test
  void gatewayAnswered_noUpstreamSeries_andSourceApisix() {
    PrometheusPlugin p = PrometheusPlugin.fromAttr(Map.of());
    FakeContext ctx = request(503);
    ctx.served.upstreamLatencyMillis = -1;
    ctx.served.fromUpstream = false;
    ctx.served.balancerIp = null;
    p.log(p.decode(json("{}")), ctx);
    String text = scrape(p);
    assertTrue(text.contains("code=\"503\""), text);
    assertTrue(text.contains("response_source=\"apisix\""), text);
    assertTrue(text.contains("node=\"\""), text);
    assertFalse(text.contains("type=\"upstream\""), "no upstream was tried: " + text);
    assertTrue(text.contains("apisix_http_latency_sum{type=\"apisix\""), text);
  }

  @Test
  void attr_prefixAndBuckets_andBadValuesNamed() {
    PrometheusAttr attr = PrometheusAttr.from(Map.of("prometheus", json("{'metric_prefix':'gw_','default_buckets':[100,10],'export_addr':{'port':9999}}")));
    assertEquals("gw_", attr.metricPrefix());
    assertEquals(9999, attr.exportPort());
    assertEquals("127.0.0.1", attr.exportIp());
    assertEquals("/apisix/prometheus/metrics", attr.exportUri());
    PrometheusPlugin p = new PrometheusPlugin(attr);
    p.log(p.decode(json("{}")), request(200));
    String text = scrape(p);
    assertTrue(text.contains("gw_http_status{"), text);
    assertTrue(text.contains("le=\"10.0\""), text);
    assertFalse(text.contains("le=\"1.0\""), text);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PrometheusAttr.from(Map.of("prometheus", json("{'export_addr':{'port':70000}}"))));
    assertTrue(e.getMessage().startsWith("plugin_attr.prometheus.export_addr.port"), e.getMessage());
  }

  @Test
  void clientLeftBeforeAStatus_counts499() {
    PrometheusPlugin p = PrometheusPlugin.fromAttr(Map.of());
    p.log(p.decode(json("{}")), request(0));
    assertTrue(scrape(p).contains("code=\"499\""));
  }
}
