package plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import lib.Http;
import lib.Json;
import org.apigw.testing.Deadline;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HttpLoggerIT extends PluginITBase {

  /** One POST the collector received. */
  record Post(String path, String contentType, String authorization, String body) {}

  static HttpServer collector;
  static final List<Post> posts = new CopyOnWriteArrayList<>();
  /** The collector answers 500 to this many POSTs before accepting. */
  static final AtomicInteger failNext = new AtomicInteger();

  @BeforeAll
  static void startCollector() throws IOException {
    collector = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    collector.createContext("/", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      posts.add(new Post(
          exchange.getRequestURI().getPath(),
          exchange.getRequestHeaders().getFirst("Content-Type"),
          exchange.getRequestHeaders().getFirst("Authorization"),
          new String(body, StandardCharsets.UTF_8)));
      int status = failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 500 : 200;
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    });
    collector.start();
  }

  @AfterAll
  static void stopCollector() {
    if (collector != null) {
      collector.stop(0);
    }
  }

  static String collectorUri(String path) {
    return "http://127.0.0.1:" + collector.getAddress().getPort() + path;
  }

  static List<Post> postsTo(String path, int atLeast) {
    return Deadline.untilPasses(CONVERGE, () -> {
      List<Post> mine = posts.stream().filter(p -> p.path().equals(path)).toList();
      assertTrue(mine.size() >= atLeast, "posts to " + path + ": " + mine);
      return mine;
    });
  }

  static JsonNode parse(String body) {
    try {
      return Json.parse(body);
    } catch (RuntimeException e) {
      throw new UncheckedIOException(new IOException("not JSON: " + body, e));
    }
  }

  @Test
  void oneEntry_defaultShape_withBodies_andAuthHeader() {
    route("hl1", "/hl1", "{\"http-logger\":{\"uri\":\"" + collectorUri("/one") + "\",\"batch_max_size\":1,"
        + "\"auth_header\":\"Bearer t0k\",\"include_req_body\":true,\"include_resp_body\":true}}");
    eventually(() -> gw.get("/hl1"), 200);
    posts.removeIf(p -> p.path().equals("/one")); // the converging GET's entry
    Http.Response r = gw.proxy("/hl1?x=1&x=2").method("POST").header("X-Trace", "abc").body("hello body").send();
    assertEquals(200, r.status());
    Post post = Deadline.untilPasses(CONVERGE, () -> {
      Post p = postsTo("/one", 1).stream().filter(x -> x.body().contains("hello body")).findFirst().orElse(null);
      assertTrue(p != null, "the POST's entry arrived: " + posts);
      return p;
    });
    assertEquals("application/json", post.contentType());
    assertEquals("Bearer t0k", post.authorization());
    JsonNode e = parse(post.body());
    assertTrue(e.isObject(), "a batch of one is an object, as APISIX sends it: " + post.body());
    JsonNode req = e.path("request");
    assertEquals("POST", req.path("method").asText());
    assertEquals("/hl1?x=1&x=2", req.path("uri").asText());
    assertEquals("http://127.0.0.1:" + gw.proxyPort() + "/hl1?x=1&x=2", req.path("url").asText());
    assertEquals("abc", req.path("headers").path("x-trace").asText());
    assertEquals(Json.parse("[\"1\",\"2\"]"), req.path("querystring").path("x"));
    assertEquals("hello body", req.path("body").asText());
    assertTrue(req.path("size").asLong() > "hello body".length(), e.toString());
    JsonNode resp = e.path("response");
    assertEquals(200, resp.path("status").asInt());
    assertEquals("hello body", parse(resp.path("body").asText()).path("body").asText(), "the upstream echo, logged");
    assertTrue(resp.path("size").asLong() > resp.path("body").asText().length(), e.toString());
    assertEquals(up.node(), e.path("upstream").asText());
    assertEquals("hl1", e.path("route_id").asText());
    assertEquals("127.0.0.1", e.path("client_ip").asText());
    assertTrue(Math.abs(e.path("start_time").asLong() - System.currentTimeMillis()) < 60_000, e.toString());
    double latency = e.path("latency").asDouble();
    double upstream = e.path("upstream_latency").asDouble();
    assertTrue(latency >= upstream && upstream > 0, e.toString());
    assertEquals(latency - upstream, e.path("apisix_latency").asDouble(), 0.01, e.toString());
    assertTrue(e.path("server").path("hostname").isTextual(), e.toString());
  }

  @Test
  void entriesAreBatched_upToBatchMaxSize() {
    route("hl2", "/hl2", "{\"http-logger\":{\"uri\":\"" + collectorUri("/batch") + "\",\"batch_max_size\":3,"
        + "\"inactive_timeout\":60,\"buffer_duration\":60}}");
    eventually(() -> gw.get("/hl2"), 200);
    gw.get("/hl2?n=2");
    gw.get("/hl2?n=3");
    Post post = postsTo("/batch", 1).get(0);
    JsonNode batch = parse(post.body());
    assertTrue(batch.isArray(), post.body());
    assertEquals(3, batch.size(), post.body());
    assertEquals("/hl2?n=3", batch.get(2).path("request").path("uri").asText());
  }

  @Test
  void quietBatch_goesAfterInactiveTimeout_asLines_withLogFormat() {
    route("hl3", "/hl3", "{\"http-logger\":{\"uri\":\"" + collectorUri("/lines") + "\",\"inactive_timeout\":1,"
        + "\"concat_method\":\"new_line\",\"log_format\":{\"host\":\"$host\",\"st\":\"$status\",\"up\":\"$upstream_addr\","
        + "\"t\":\"$request_time\",\"kind\":\"access\"}}}");
    eventually(() -> gw.get("/hl3"), 200);
    gw.get("/hl3");
    Post post = Deadline.untilPasses(CONVERGE, () -> {
      List<Post> mine = postsTo("/lines", 1);
      int lines = mine.stream().mapToInt(p -> p.body().split("\n").length).sum();
      assertTrue(lines >= 2, "both entries sent: " + mine);
      return mine.get(mine.size() - 1);
    });
    assertEquals("text/plain", post.contentType());
    JsonNode line = parse(post.body().split("\n")[0]);
    assertEquals("127.0.0.1", line.path("host").asText());
    assertEquals("200", line.path("st").asText());
    assertEquals(up.node(), line.path("up").asText());
    assertTrue(line.path("t").asText().matches("\\d+\\.\\d{3}"), line.toString());
    assertEquals("access", line.path("kind").asText());
    assertEquals("hl3", line.path("route_id").asText());
  }

  @Test
  void failedBatch_isRetried() {
    route("hl4", "/hl4", "{\"http-logger\":{\"uri\":\"" + collectorUri("/retry") + "\",\"batch_max_size\":1,"
        + "\"max_retry_count\":2,\"retry_delay\":0}}");
    eventually(() -> gw.get("/hl4"), 200);
    postsTo("/retry", 1);
    posts.removeIf(p -> p.path().equals("/retry"));
    failNext.set(1);
    gw.get("/hl4?again=1");
    List<Post> mine = postsTo("/retry", 2);
    assertEquals(mine.get(0).body(), mine.get(1).body(), "the same batch, sent again after the 500");
    assertTrue(mine.get(0).body().contains("again=1"), mine.get(0).body());
  }

  @Test
  void schemaErrors() {
    assertAdminError("/routes/bad", "{\"uri\":\"/b\",\"plugins\":{\"http-logger\":{}}," + upstream() + "}",
        "failed to check the configuration of plugin http-logger err: property \"uri\" is required");
    Http.Response r = gw.admin("PUT", "/routes/bad",
        "{\"uri\":\"/b\",\"plugins\":{\"http-logger\":{\"uri\":\"http://127.0.0.1/x\",\"batch_max_size\":0}}," + upstream() + "}");
    assertEquals(400, r.status(), r.toString());
    assertTrue(r.json().path("error_msg").asText().startsWith(
        "failed to check the configuration of plugin http-logger err: property \"batch_max_size\" validation failed"), r.toString());
    assertAdminError("/routes/bad",
        "{\"uri\":\"/b\",\"plugins\":{\"http-logger\":{\"uri\":\"ftp://127.0.0.1/x\"}}," + upstream() + "}",
        "failed to check the configuration of plugin http-logger err: uri: scheme must be http or https, got ftp");
  }
}
