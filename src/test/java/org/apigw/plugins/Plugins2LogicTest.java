package org.apigw.plugins;

import static org.apigw.plugins.PluginLogicTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import org.apigw.plugin.FakeContext;
import org.apigw.plugin.PhaseResult;
import org.apigw.plugin.PluginConfigException;
import org.junit.jupiter.api.Test;

class Plugins2LogicTest {

  // ---- mocking ----

  @Test
  void mocking_example_headers_status() {
    MockingPlugin p = new MockingPlugin();
    var conf = p.decode(json("{'response_example':'{\\'a\\':1}','response_status':201,'response_headers':{'X-A':'b'}}"));
    PhaseResult.Respond r = (PhaseResult.Respond) p.access(conf, new FakeContext());
    assertEquals(201, r.status());
    assertEquals("{\"a\":1}", r.body().toString());
    assertEquals("application/json;charset=utf8", r.headers().get("Content-Type"));
    assertTrue(r.headers().get("x-mock-by").startsWith("APISIX/"));
    assertEquals("b", r.headers().get("X-A"));
    var noHeader = p.decode(json("{'response_example':'x','with_mock_header':false,'content_type':'text/plain'}"));
    PhaseResult.Respond r2 = (PhaseResult.Respond) p.access(noHeader, new FakeContext());
    assertNull(r2.headers().get("x-mock-by"));
    assertEquals("text/plain", r2.headers().get("Content-Type"));
    assertEquals(200, r2.status());
  }

  @Test
  void mocking_schemaGeneratesMinimalJson_andDelayIsAsync() {
    MockingPlugin p = new MockingPlugin();
    var conf = p.decode(json("{'delay':1,'response_schema':{'type':'object','properties':{'s':{'type':'string'},"
        + "'i':{'type':'integer','minimum':3},'b':{'type':'boolean'},'e':{'type':'string','example':'ex'},"
        + "'arr':{'type':'array','items':{'type':'number'}},'o':{'type':'object','properties':{'x':{'enum':['k']}}}}}}"));
    assertEquals(1000, conf.delayMillis());
    String body = conf.response().body().toString();
    assertEquals("{\"s\":\"aaaaaa\",\"i\":3,\"b\":true,\"e\":\"ex\",\"arr\":[0.0],\"o\":{\"x\":\"k\"}}", body);
    FakeContext ctx = new FakeContext();
    assertInstanceOf(PhaseResult.Async.class, p.access(conf, ctx));
    assertEquals(1000, ctx.timerMillis);
  }

  // ---- cors ----

  @Test
  void cors_defaults_star() {
    CorsPlugin p = new CorsPlugin();
    var conf = p.decode(json("{}"));
    FakeContext ctx = new FakeContext().header("Origin", "http://a.com");
    assertSame(PhaseResult.CONTINUE, p.rewrite(conf, ctx));
    p.headerFilter(conf, ctx);
    assertEquals("*", ctx.responseHeader("Access-Control-Allow-Origin"));
    assertEquals("*", ctx.responseHeader("Access-Control-Allow-Methods"));
    assertEquals("*", ctx.responseHeader("Access-Control-Allow-Headers"));
    assertEquals("5", ctx.responseHeader("Access-Control-Max-Age"));
    assertNull(ctx.responseHeader("Access-Control-Expose-Headers"));
    assertNull(ctx.responseHeader("Access-Control-Allow-Credentials"));
    assertNull(ctx.responseHeader("Vary"));
  }

  @Test
  void cors_list_regex_doubleStar_credential() {
    CorsPlugin p = new CorsPlugin();
    var conf = p.decode(json("{'allow_origins':'http://a.com,http://b.com','allow_methods':'GET,POST','allow_headers':'X-A',"
        + "'expose_headers':'X-E','max_age':60,'allow_credential':true,'allow_origins_by_regex':['^http://.*\\\\.test\\\\.com$']}"));
    FakeContext ok = new FakeContext().header("Origin", "http://b.com");
    p.rewrite(conf, ok);
    p.headerFilter(conf, ok);
    assertEquals("http://b.com", ok.responseHeader("Access-Control-Allow-Origin"));
    assertEquals("Origin", ok.responseHeader("Vary"));
    assertEquals("GET,POST", ok.responseHeader("Access-Control-Allow-Methods"));
    assertEquals("X-A", ok.responseHeader("Access-Control-Allow-Headers"));
    assertEquals("X-E", ok.responseHeader("Access-Control-Expose-Headers"));
    assertEquals("60", ok.responseHeader("Access-Control-Max-Age"));
    assertEquals("true", ok.responseHeader("Access-Control-Allow-Credentials"));
    FakeContext rx = new FakeContext().header("Origin", "http://x.test.com");
    p.headerFilter(conf, rx);
    assertEquals("http://x.test.com", rx.responseHeader("Access-Control-Allow-Origin"));
    FakeContext no = new FakeContext().header("Origin", "http://c.com");
    p.headerFilter(conf, no);
    assertNull(no.responseHeader("Access-Control-Allow-Origin"));
    assertNull(no.responseHeader("Access-Control-Allow-Methods"));

    var star2 = p.decode(json("{'allow_origins':'**','allow_methods':'**','allow_headers':'**'}"));
    FakeContext c = new FakeContext().header("Origin", "http://z.com").header("Access-Control-Request-Headers", "X-Q");
    p.headerFilter(star2, c);
    assertEquals("http://z.com", c.responseHeader("Access-Control-Allow-Origin"));
    assertEquals(CorsPlugin.ALL_METHODS, c.responseHeader("Access-Control-Allow-Methods"));
    assertEquals("X-Q", c.responseHeader("Access-Control-Allow-Headers"));

    PluginConfigException e = assertThrows(PluginConfigException.class, () -> p.decode(json("{'allow_credential':true}")));
    assertEquals("you can not set '*' for other option when 'allow_credential' is true", e.getMessage());
    assertThrows(PluginConfigException.class, () -> p.decode(json("{'allow_origins_by_regex':['(']}")));
  }

  @Test
  void cors_preflightAnsweredAndOriginKept() {
    CorsPlugin p = new CorsPlugin();
    var conf = p.decode(json("{'allow_origins':'http://a.com'}"));
    FakeContext ctx = new FakeContext().header("Origin", "http://a.com");
    ctx.method = "OPTIONS";
    PhaseResult.Respond r = (PhaseResult.Respond) p.rewrite(conf, ctx);
    assertEquals(200, r.status());
    assertEquals(0, r.body().length());
    ctx.headers.remove("Origin"); // a later plugin changed the request
    p.headerFilter(conf, ctx);
    assertEquals("http://a.com", ctx.responseHeader("Access-Control-Allow-Origin"));
  }

  // ---- response-rewrite ----

  @Test
  void responseRewrite_headersStatusBody() {
    ResponseRewritePlugin p = new ResponseRewritePlugin();
    var conf = p.decode(json("{'status_code':202,'body':'new','headers':{'add':['X-Add: $uri'],'set':{'X-Set':'v'},'remove':['X-Gone']}}"));
    FakeContext ctx = new FakeContext().uri("/p");
    ctx.status = 200;
    ctx.responseHeaders.set("X-Gone", "1").set("Content-Length", "10").set("X-Set", "old");
    p.headerFilter(conf, ctx);
    assertEquals(202, ctx.status);
    assertEquals("/p", ctx.responseHeader("X-Add"));
    assertEquals("v", ctx.responseHeader("X-Set"));
    assertNull(ctx.responseHeader("X-Gone"));
    assertNull(ctx.responseHeader("Content-Length"));
    assertEquals(0, p.bodyFilter(conf, ctx, Buffer.buffer("old1"), false).length());
    assertEquals("new", p.bodyFilter(conf, ctx, Buffer.buffer("old2"), true).toString());

    var b64 = p.decode(json("{'body':'aGVsbG8=','body_base64':true}"));
    FakeContext c2 = new FakeContext();
    p.headerFilter(b64, c2);
    assertEquals("hello", p.bodyFilter(b64, c2, Buffer.buffer(), true).toString());
    assertThrows(PluginConfigException.class, () -> p.decode(json("{'body':'%%%','body_base64':true}")));

    var legacy = p.decode(json("{'headers':{'X-L':'$uri'}}"));
    FakeContext c3 = new FakeContext().uri("/l");
    p.headerFilter(legacy, c3);
    assertEquals("/l", c3.responseHeader("X-L"));
    assertEquals("x", p.bodyFilter(legacy, c3, Buffer.buffer("x"), true).toString());
  }

  @Test
  void responseRewrite_varsAndFilters() {
    ResponseRewritePlugin p = new ResponseRewritePlugin();
    var conf = p.decode(json("{'vars':[['status','==',500]],'body':'err'}"));
    FakeContext ok = new FakeContext();
    ok.status = 200;
    p.headerFilter(conf, ok);
    assertEquals("orig", p.bodyFilter(conf, ok, Buffer.buffer("orig"), true).toString());
    var f = p.decode(json("{'filters':[{'regex':'(a)(b)','replace':'[$2${1}]','scope':'global'},{'regex':'X','replace':'y','options':'i'}]}"));
    FakeContext c = new FakeContext();
    p.headerFilter(f, c);
    assertEquals(0, p.bodyFilter(f, c, Buffer.buffer("ab-x-"), false).length());
    assertEquals("[ba]-y-[ba]x", p.bodyFilter(f, c, Buffer.buffer("abx"), true).toString());
    assertThrows(PluginConfigException.class, () -> p.decode(json("{'filters':[{'regex':'(','replace':''}]}")));
  }

  // ---- echo ----

  @Test
  void echo_beforeBodyAfterAndHeaders() {
    EchoPlugin p = new EchoPlugin();
    var wrap = p.decode(json("{'before_body':'<','after_body':'>','headers':{'X-E':'1'}}"));
    FakeContext ctx = new FakeContext();
    ctx.responseHeaders.set("Content-Length", "4");
    p.headerFilter(wrap, ctx);
    assertNull(ctx.responseHeader("Content-Length"));
    assertEquals("1", ctx.responseHeader("X-E"));
    assertEquals("<ab", p.bodyFilter(wrap, ctx, Buffer.buffer("ab"), false).toString());
    assertEquals("cd>", p.bodyFilter(wrap, ctx, Buffer.buffer("cd"), true).toString());
    var body = p.decode(json("{'body':'B','before_body':'['}"));
    FakeContext c2 = new FakeContext();
    assertEquals(0, p.bodyFilter(body, c2, Buffer.buffer("x"), false).length());
    assertEquals("[B", p.bodyFilter(body, c2, Buffer.buffer("y"), true).toString());
  }
}
