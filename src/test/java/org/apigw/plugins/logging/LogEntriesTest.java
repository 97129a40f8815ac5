package org.apigw.plugins.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.apigw.plugin.FakeContext;
import org.apigw.plugin.Json;
import org.apigw.plugin.PluginConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class LogEntriesTest {

  static JsonNode json(String s) {
    try {
      return Json.MAPPER.readTree(s.replace('\'', '"'));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static FakeContext servedRequest() {
    FakeContext ctx = new FakeContext().uri("/hello").query("a=1&b=x%20y&a=2&flag");
    ctx.method = "POST";
    ctx.header("Host", "example.com").header("User-Agent", "curl");
    ctx.headers.add("X-Multi", "1");
    ctx.headers.add("X-Multi", "2");
    ctx.vars.put("server_port", "9080");
    ctx.vars.put("route_id", "r1");
    ctx.vars.put("service_id", "s1");
    ctx.remoteAddr = "10.0.0.7";
    ctx.status = 201;
    ctx.responseHeaders.set("Content-Type", "application/json");
    return ctx;
  }

  @Test
  void defaultEntry_hasApisixShape() {
    FakeContext ctx = servedRequest();
    ObjectNode e = LogEntries.build(ctx, LogEntries.Options.decode(json("{}")), "http-logger");
    JsonNode req = e.path("request");
    assertEquals("http://example.com:9080/hello?a=1&b=x%20y&a=2&flag", req.path("url").asText());
    assertEquals("/hello?a=1&b=x%20y&a=2&flag", req.path("uri").asText());
    assertEquals("POST", req.path("method").asText());
    assertEquals("curl", req.path("headers").path("user-agent").asText(), "names lower-cased");
    assertEquals(json("['1','2']"), req.path("headers").path("x-multi"), "a repeated header is an array");
    assertEquals(json("{'a':['1','2'],'b':'x y','flag':true}"), req.path("querystring"));
    assertEquals(100, req.path("size").asLong());
    assertFalse(req.has("body"));
    JsonNode resp = e.path("response");
    assertEquals(201, resp.path("status").asInt());
    assertEquals("application/json", resp.path("headers").path("content-type").asText());
    assertEquals(250, resp.path("size").asLong());
    assertEquals("127.0.0.1:1980", e.path("upstream").asText());
    assertEquals("r1", e.path("route_id").asText());
    assertEquals("s1", e.path("service_id").asText());
    assertEquals("10.0.0.7", e.path("client_ip").asText());
    assertEquals(1_700_000_000_000L, e.path("start_time").asLong());
    assertEquals(12.5, e.path("latency").asDouble());
    assertEquals(10, e.path("upstream_latency").asDouble());
    assertEquals(2.5, e.path("apisix_latency").asDouble(), 1e-9);
    assertTrue(e.path("server").has("hostname"));
    assertTrue(e.path("server").has("version"));
    assertFalse(e.has("consumer"), "no consumer attached");
  }

  @Test
  void noUpstream_allLatencyIsTheGateways() {
    FakeContext ctx = servedRequest();
    ctx.served.upstreamLatencyMillis = -1;
    ctx.served.upstreamAddr = null;
    ObjectNode e = LogEntries.build(ctx, LogEntries.Options.decode(json("{}")), "http-logger");
    assertFalse(e.has("upstream_latency"));
    assertFalse(e.has("upstream"));
    assertEquals(12.5, e.path("apisix_latency").asDouble());
  }

  @Test
  void clientLeftBeforeAStatus_logs499() {
    FakeContext ctx = servedRequest();
    ctx.status = 0;
    assertEquals(499, LogEntries.build(ctx, LogEntries.Options.decode(json("{}")), "http-logger").path("response").path("status").asInt());
  }

  @Test
  void bodies_onlyWhenAsked_andCapped() {
    LogEntries.Options options =
        LogEntries.Options.decode(json("{'include_req_body':true,'max_req_body_bytes':64,'include_resp_body':true,'max_resp_body_bytes':5}"));
    FakeContext ctx = servedRequest();
    LogEntries.wantBodies(ctx, options);
    assertEquals(64, ctx.captureLimit, "the request body copy is asked for with its cap");
    ctx.requestBody = Buffer.buffer("{\"k\":1}");
    Buffer chunk = Buffer.buffer("abc");
    assertTrue(LogEntries.collectResponse(ctx, options, chunk) == chunk, "the body goes on unchanged");
    LogEntries.collectResponse(ctx, options, Buffer.buffer("defgh"));
    ObjectNode e = LogEntries.build(ctx, options, "http-logger");
    assertEquals("{\"k\":1}", e.path("request").path("body").asText());
    assertEquals("abcde", e.path("response").path("body").asText());

    FakeContext plain = servedRequest();
    LogEntries.Options none = LogEntries.Options.decode(json("{}"));
    LogEntries.wantBodies(plain, none);
    assertEquals(-1, plain.captureLimit, "no copy unless asked");
    LogEntries.collectResponse(plain, none, Buffer.buffer("abc"));
    assertEquals(null, plain.attr(LogEntries.RESPONSE_BODY_ATTR));
  }

  @Test
  void logFormat_varsLiteralsNested_absentVarsLeftOut() {
    FakeContext ctx = servedRequest();
    ctx.vars.put("request_time", "0.013");
    LogEntries.Options options =
        LogEntries.Options.decode(
            json("{'log_format':{'host':'$host','@ts':'$request_time','kind':'access','n':3,'missing':'$nope','who':{'ip':'$remote_addr'}}}"));
    ObjectNode e = LogEntries.build(ctx, options, "http-logger");
    assertEquals(json("{'host':'example.com','@ts':'0.013','kind':'access','n':3,'who':{'ip':'10.0.0.7'},'route_id':'r1','service_id':'s1'}"), e);
  }

  @Test
  void httpLogger_decode_defaultsAndChecks() {
    HttpLoggerPlugin p = new HttpLoggerPlugin();
    HttpLoggerPlugin.Config c = p.decode(json("{'uri':'http://127.0.0.1:1980/log'}"));
    assertEquals(3, c.timeout());
    assertFalse(c.newLine());
    assertFalse(c.sslVerify());
    assertEquals(new BatchConfig("http logger", 1000, 5, 60, 0, 1), c.batch());
    assertRejected(() -> p.decode(json("{'uri':'ftp://host/x'}")), "uri: scheme must be http or https, got ftp");
  }

  @Test
  void httpLogger_encode_oneObject_array_orLines() throws Exception {
    ObjectNode a = Json.MAPPER.createObjectNode().put("n", 1);
    ObjectNode b = Json.MAPPER.createObjectNode().put("n", 2);
    assertEquals("{\"n\":1}", HttpLoggerPlugin.encode(List.of(a), false).toString());
    assertEquals("[{\"n\":1},{\"n\":2}]", HttpLoggerPlugin.encode(List.of(a, b), false).toString());
    assertEquals("{\"n\":1}\n{\"n\":2}", HttpLoggerPlugin.encode(List.of(a, b), true).toString());
  }

  @Test
  void fileLogger_match_decidesWhatIsLogged() {
    FileLoggerPlugin p = new FileLoggerPlugin();
    FileLoggerPlugin.Config c = p.decode(json("{'path':'logs/x.log','match':[['arg_a','==','1']]}"));
    assertTrue(c.path().isAbsolute());
    FakeContext yes = new FakeContext().query("a=1");
    FakeContext no = new FakeContext().query("a=2");
    assertTrue(c.match().test(yes));
    assertFalse(c.match().test(no));
    assertRejected(() -> p.decode(json("{'path':'x','match':[['arg_a','~~','(']]}")), "match: ");
  }

  static void assertRejected(Executable decode, String messageStart) {
    PluginConfigException e = org.junit.jupiter.api.Assertions.assertThrows(PluginConfigException.class, decode);
    assertTrue(e.getMessage().startsWith(messageStart), e.getMessage());
  }
}
