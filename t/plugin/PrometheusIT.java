package plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lib.Http;
import org.apigw.testing.Deadline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PrometheusIT extends PluginITBase {

  static Http.Response scrape() {
    return Http.to("http://127.0.0.1:" + gw.prometheusPort(), "/apisix/prometheus/metrics").get();
  }

  /**
   * The value of the sample line {@code series}, or -1 when there is none. simpleclient writes the
   * node metrics' labels with a trailing comma ({@code {key="routes",}}); both forms match.
   */
  static double value(String text, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text.replace(",} ", "} "));
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  @Test
  void requestsAreCounted_withApisixNamesAndLabels() {
    route("pm", "/pm", "{\"prometheus\":{}}");
    eventually(() -> gw.get("/pm"), 200);
    gw.get("/pm");
    gw.get("/pm?status=503");
    String node = up.node().substring(0, up.node().lastIndexOf(':'));
    String status = "{code=\"%s\",route=\"pm\",matched_uri=\"/pm\",matched_host=\"\",service=\"\",consumer=\"\",node=\""
        + node + "\",request_type=\"traditional_http\",request_llm_model=\"\",llm_model=\"\",response_source=\"upstream\"}";
    String series = "route=\"pm\",service=\"\",consumer=\"\",node=\"" + node
        + "\",request_type=\"traditional_http\",request_llm_model=\"\",llm_model=\"\"";
    // the log phase runs after the response is sent: wait for the third request to be counted
    String text = Deadline.untilPasses(CONVERGE, () -> {
      String t = scrape().body();
      assertEquals(1.0, value(t, "apisix_http_status" + String.format(status, "503")), t);
      return t;
    });
    assertTrue(value(text, "apisix_http_status" + String.format(status, "200")) >= 2, text);
    assertEquals(3.0, value(text, "apisix_http_latency_count{type=\"request\"," + series + "}"), text);
    assertEquals(3.0, value(text, "apisix_http_latency_count{type=\"upstream\"," + series + "}"), text);
    assertEquals(3.0, value(text, "apisix_http_latency_bucket{type=\"apisix\"," + series + ",le=\"+Inf\"}"), text);
    assertTrue(value(text, "apisix_bandwidth{type=\"ingress\"," + series + "}") > 3 * "GET /pm HTTP/1.1\r\n".length(), text);
    assertTrue(value(text, "apisix_bandwidth{type=\"egress\"," + series + "}") > 3 * 100, text);
    assertTrue(text.contains("# TYPE apisix_http_status counter"), text);
    // the node's own metrics on the same endpoint
    assertEquals(1.0, value(text, "apisix_etcd_reachable"), text);
    assertTrue(text.contains("apisix_node_info{hostname="), text);
    assertTrue(value(text, "apisix_etcd_modify_indexes{key=\"routes\"}") > 0, text);
  }

  @Test
  void nodeCountsEveryRequestAndConnection_withOrWithoutThePlugin() {
    route("pm-plain", "/pm-plain", "{}");
    eventually(() -> gw.get("/pm-plain"), 200);
    double before = value(scrape().body(), "apisix_http_requests_total");
    for (int i = 0; i < 5; i++) {
      gw.get("/pm-plain");
    }
    gw.get("/no-such-route-here");
    String text = scrape().body();
    assertTrue(value(text, "apisix_http_requests_total") >= before + 6, text);
    assertTrue(value(text, "apisix_nginx_http_current_connections{state=\"active\"}") >= 1, text);
    double accepted = value(text, "apisix_nginx_http_current_connections{state=\"accepted\"}");
    assertTrue(accepted >= 1, text);
    assertEquals(accepted, value(text, "apisix_nginx_http_current_connections{state=\"handled\"}"), text);
  }

  @Test
  void preferName_andGatewayAnswers() {
    gw.put("/routes/pn", "{\"uri\":\"/pn\",\"name\":\"named-route\",\"plugins\":{\"prometheus\":{\"prefer_name\":true}},"
        + "\"upstream\":{\"type\":\"roundrobin\",\"nodes\":{}}}");
    eventually(() -> gw.get("/pn"), 502); // no nodes: the gateway answers itself
    String text = Deadline.untilPasses(CONVERGE, () -> {
      String t = scrape().body();
      assertTrue(t.contains("apisix_http_status{code=\"502\",route=\"named-route\",matched_uri=\"/pn\""), t);
      return t;
    });
    assertTrue(text.contains("response_source=\"apisix\""), text);
    assertFalse(text.contains("route=\"pn\""), "the name, not the id: " + text);
    assertFalse(text.contains("apisix_http_latency_count{type=\"upstream\",route=\"named-route\""), "no upstream tried: " + text);
  }

  @Test
  void routeWithoutThePlugin_isNotCounted() {
    route("np", "/np", "{}");
    eventually(() -> gw.get("/np"), 200);
    route("np2", "/np2", "{\"prometheus\":{}}");
    eventually(() -> gw.get("/np2"), 200);
    String text = Deadline.untilPasses(CONVERGE, () -> {
      String t = scrape().body();
      assertTrue(t.contains("route=\"np2\""), t);
      return t;
    });
    assertFalse(text.contains("route=\"np\""), text);
  }

  @Test
  void exporter_servesOnlyItsUri() {
    assertEquals(404, Http.to("http://127.0.0.1:" + gw.prometheusPort(), "/other").get().status());
    Http.Response r = scrape();
    assertEquals(200, r.status());
    assertTrue(r.header("Content-Type").startsWith("text/plain; version=0.0.4"), r.header("Content-Type"));
  }

  @Test
  void schemaError() {
    Http.Response r = gw.admin("PUT", "/routes/bad",
        "{\"uri\":\"/b\",\"plugins\":{\"prometheus\":{\"prefer_name\":\"yes\"}}," + upstream() + "}");
    assertEquals(400, r.status(), r.toString());
    assertEquals(
        "failed to check the configuration of plugin prometheus err: property \"prefer_name\" validation failed: wrong type: expected boolean, got string",
        r.json().path("error_msg").asText(), r.toString());
  }
}
