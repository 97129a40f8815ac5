package org.apigw.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.apigw.plugin.FakeContext;
import org.apigw.plugin.Json;
import org.apigw.plugin.PhaseResult;
import org.junit.jupiter.api.Test;

class PluginLogicTest {

  static JsonNode json(String s) {
    try {
      return Json.MAPPER.readTree(s.replace('\'', '"'));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static String body(PhaseResult r) {
    return ((PhaseResult.Respond) r).body() == null ? null : ((PhaseResult.Respond) r).body().toString();
  }

  static int status(PhaseResult r) {
    return ((PhaseResult.Respond) r).status();
  }

  // ---- request-id ----

  @Test
  void requestId_generatesOnce_keepsClientValue_echoesInResponse() {
    RequestIdPlugin p = new RequestIdPlugin();
    var conf = p.decode(json("{}"));
    FakeContext ctx = new FakeContext();
    p.rewrite(conf, ctx);
    String id = ctx.header("X-Request-Id");
    assertEquals(36, id.length());
    p.headerFilter(conf, ctx);
    assertEquals(id, ctx.responseHeader("X-Request-Id"));
    FakeContext given = new FakeContext().header("X-Request-Id", "abc");
    p.rewrite(conf, given);
    assertEquals("abc", given.header("X-Request-Id"));
    var off = p.decode(json("{'include_in_response':false,'header_name':'X-Id'}"));
    FakeContext c3 = new FakeContext();
    p.rewrite(off, c3);
    p.headerFilter(off, c3);
    assertNotNull(c3.header("X-Id"));
    assertNull(c3.responseHeader("X-Id"));
  }

  @Test
  void requestId_algorithms() {
    RequestIdPlugin p = new RequestIdPlugin();
    assertEquals(21, RequestIdPlugin.generate(p.decode(json("{'algorithm':'nanoid'}"))).length());
    String range = RequestIdPlugin.generate(p.decode(json("{'algorithm':'range_id','range_id':{'length':8,'char_set':'abcdef'}}")));
    assertTrue(range.matches("[a-f]{8}"), range);
    assertTrue(RequestIdPlugin.generate(p.decode(json("{'algorithm':'ksuid'}"))).matches("[0-9A-Za-z]{27}"));
  }

  // ---- ip-restriction ----

  @Test
  void ipRestriction_whitelistAndBlacklist() {
    IpRestrictionPlugin p = new IpRestrictionPlugin();
    var white = p.decode(json("{'whitelist':['10.0.0.0/8','::1']}"));
    FakeContext ctx = new FakeContext();
    ctx.remoteAddr = "10.1.2.3";
    assertSame(PhaseResult.CONTINUE, p.access(white, ctx));
    ctx.remoteAddr = "11.0.0.1";
    PhaseResult r = p.access(white, ctx);
    assertEquals(403, status(r));
    assertEquals("{\"message\":\"Your IP address is not allowed\"}", body(r));
    var black = p.decode(json("{'blacklist':['127.0.0.1'],'response_code':404,'message':'go away'}"));
    ctx.remoteAddr = "127.0.0.1";
    assertEquals(404, status(p.access(black, ctx)));
    assertEquals("{\"message\":\"go away\"}", body(p.access(black, ctx)));
  }

  // ---- uri-blocker ----

  @Test
  void uriBlocker_matchesPathAndQuery_caseOption() {
    UriBlockerPlugin p = new UriBlockerPlugin();
    var conf = p.decode(json("{'block_rules':['root.exe','\\\\?debug=1'],'rejected_msg':'blocked'}"));
    assertSame(PhaseResult.CONTINUE, p.rewrite(conf, new FakeContext().uri("/ok")));
    PhaseResult r = p.rewrite(conf, new FakeContext().uri("/a/root.exe"));
    assertEquals(403, status(r));
    assertEquals("{\"error_msg\":\"blocked\"}", body(r));
    assertEquals(403, status(p.rewrite(conf, new FakeContext().uri("/x").query("debug=1"))));
    assertSame(PhaseResult.CONTINUE, p.rewrite(conf, new FakeContext().uri("/ROOT.exe")));
    var ci = p.decode(json("{'block_rules':['root.exe'],'case_insensitive':true,'rejected_code':410}"));
    PhaseResult r2 = p.rewrite(ci, new FakeContext().uri("/ROOT.EXE"));
    assertEquals(410, status(r2));
    assertNull(body(r2));
  }

  // ---- referer / ua ----

  @Test
  void refererRestriction_hosts_wildcards_missing() {
    RefererRestrictionPlugin p = new RefererRestrictionPlugin();
    var conf = p.decode(json("{'whitelist':['*.xx.com','yy.com']}"));
    assertSame(PhaseResult.CONTINUE, p.access(conf, new FakeContext().header("Referer", "http://a.xx.com/x")));
    assertSame(PhaseResult.CONTINUE, p.access(conf, new FakeContext().header("Referer", "https://YY.com:8443")));
    PhaseResult r = p.access(conf, new FakeContext().header("Referer", "http://zz.com/"));
    assertEquals("{\"message\":\"Your referer host is not allowed\"}", body(r));
    assertEquals(403, status(p.access(conf, new FakeContext())));
    var bypass = p.decode(json("{'blacklist':['bad.com'],'bypass_missing':true}"));
    assertSame(PhaseResult.CONTINUE, p.access(bypass, new FakeContext()));
    assertEquals(403, status(p.access(bypass, new FakeContext().header("Referer", "http://bad.com/x"))));
    assertEquals("a.b", RefererRestrictionPlugin.hostOf("http://user@a.b:80/p?q"));
    assertNull(RefererRestrictionPlugin.hostOf("not a url"));
  }

  @Test
  void uaRestriction_allowAndDeny() {
    UaRestrictionPlugin p = new UaRestrictionPlugin();
    var deny = p.decode(json("{'denylist':['my-bot\\\\d','(Baiduspider)']}"));
    assertSame(PhaseResult.CONTINUE, p.access(deny, new FakeContext().header("User-Agent", "curl/8")));
    PhaseResult r = p.access(deny, new FakeContext().header("User-Agent", "x my-bot2 y"));
    assertEquals("{\"message\":\"Not allowed\"}", body(r));
    assertEquals(403, status(p.access(deny, new FakeContext())));
    var allow = p.decode(json("{'allowlist':['^curl'],'bypass_missing':true,'message':'no'}"));
    assertSame(PhaseResult.CONTINUE, p.access(allow, new FakeContext()));
    assertEquals("{\"message\":\"no\"}", body(p.access(allow, new FakeContext().header("User-Agent", "wget"))));
  }

  // ---- real-ip ----

  @Test
  void realIp_sources_trusted_recursive() {
    RealIpPlugin p = new RealIpPlugin();
    FakeContext ctx = new FakeContext().query("realip=1.2.3.4:8080");
    p.rewrite(p.decode(json("{'source':'arg_realip'}")), ctx);
    assertEquals("1.2.3.4", ctx.remoteAddr);
    assertEquals(8080, ctx.remotePort);
    FakeContext xff = new FakeContext().header("X-Forwarded-For", "9.9.9.9, 10.0.0.2, 10.0.0.1");
    p.rewrite(p.decode(json("{'source':'http_x_forwarded_for'}")), xff);
    assertEquals("10.0.0.1", xff.remoteAddr);
    FakeContext rec = new FakeContext().header("X-Forwarded-For", "9.9.9.9, 10.0.0.2, 10.0.0.1");
    p.rewrite(p.decode(json("{'source':'http_x_forwarded_for','recursive':true,'trusted_addresses':['127.0.0.1','10.0.0.0/8']}")), rec);
    assertEquals("9.9.9.9", rec.remoteAddr);
    FakeContext untrusted = new FakeContext().query("realip=1.2.3.4");
    untrusted.remoteAddr = "8.8.8.8";
    p.rewrite(p.decode(json("{'source':'arg_realip','trusted_addresses':['127.0.0.1']}")), untrusted);
    assertEquals("8.8.8.8", untrusted.remoteAddr);
    FakeContext bad = new FakeContext().query("realip=nope");
    p.rewrite(p.decode(json("{'source':'arg_realip'}")), bad);
    assertEquals("127.0.0.1", bad.remoteAddr);
  }

  // ---- proxy-rewrite ----

  @Test
  void proxyRewrite_uriWithVars_keepsQuery_headers() {
    ProxyRewritePlugin p = new ProxyRewritePlugin();
    var conf =
        p.decode(json("{'uri':'/new/$arg_name','method':'POST','host':'up.com',"
            + "'headers':{'add':{'X-Add':'a'},'set':{'X-Set':'$uri'},'remove':['X-Del']}}"));
    FakeContext ctx = new FakeContext().uri("/old").query("name=bob").header("X-Del", "1").header("X-Add", "0");
    p.rewrite(conf, ctx);
    assertEquals("/new/bob?name=bob", ctx.upstreamUri);
    assertEquals("POST", ctx.upstreamMethod);
    assertEquals("up.com", ctx.upstreamHost);
    assertEquals(java.util.List.of("0", "a"), ctx.headers.getAll("X-Add"));
    assertEquals("/old", ctx.header("X-Set"));
    assertNull(ctx.header("X-Del"));
  }

  @Test
  void proxyRewrite_regexUri_firstMatchingPair_queryJoinedWithAmpersand_legacyHeaders() {
    ProxyRewritePlugin p = new ProxyRewritePlugin();
    var conf = p.decode(json("{'regex_uri':['^/nomatch','/x','^/api/(.*)/(.*)','/v2/$2?from=$1'],"
        + "'headers':{'X-Cap':'$1','X-Gone':''}}"));
    FakeContext ctx = new FakeContext().uri("/api/a b/c").query("q=1").header("X-Gone", "1");
    p.rewrite(conf, ctx);
    assertEquals("/v2/c?from=a b&q=1", ctx.upstreamUri);
    assertEquals("a b", ctx.header("X-Cap"));
    assertNull(ctx.header("X-Gone"));
    FakeContext none = new FakeContext().uri("/other");
    p.rewrite(conf, none);
    assertNull(none.upstreamUri);
    FakeContext enc = new FakeContext().uri("/api/a b/c d");
    p.rewrite(p.decode(json("{'uri':'/a b'}")), enc);
    assertEquals("/a%20b", enc.upstreamUri);
  }

  // ---- redirect ----

  @Test
  void redirect_uriTemplate_appendQuery_regex_https() {
    RedirectPlugin p = new RedirectPlugin(443);
    PhaseResult r = p.rewrite(p.decode(json("{'uri':'/to/$uri','append_query_string':true}")), new FakeContext().uri("/a").query("x=1"));
    assertEquals(302, status(r));
    assertEquals("/to//a?x=1", ((PhaseResult.Respond) r).headers().get("Location"));
    var regex = p.decode(json("{'regex_uri':['^/old/(.*)','/new/$1'],'ret_code':301}"));
    PhaseResult r2 = p.rewrite(regex, new FakeContext().uri("/old/p"));
    assertEquals(301, status(r2));
    assertEquals("/new/p", ((PhaseResult.Respond) r2).headers().get("Location"));
    assertSame(PhaseResult.CONTINUE, p.rewrite(regex, new FakeContext().uri("/else")));
    var https = p.decode(json("{'http_to_https':true}"));
    FakeContext ctx = new FakeContext().uri("/p").query("a=b").header("Host", "foo.com");
    assertEquals("https://foo.com/p?a=b", ((PhaseResult.Respond) p.rewrite(https, ctx)).headers().get("Location"));
    assertEquals(301, status(p.rewrite(https, ctx)));
    ctx.method = "POST";
    assertEquals(308, status(p.rewrite(https, ctx)));
    ctx.scheme = "https";
    assertSame(PhaseResult.CONTINUE, p.rewrite(https, ctx));
    RedirectPlugin port = new RedirectPlugin(9443);
    FakeContext c2 = new FakeContext().uri("/p").header("Host", "foo.com");
    assertEquals("https://foo.com:9443/p", ((PhaseResult.Respond) port.rewrite(https, c2)).headers().get("Location"));
    PhaseResult enc = p.rewrite(p.decode(json("{'uri':'/a b','encode_uri':true}")), new FakeContext());
    assertEquals("/a%20b", ((PhaseResult.Respond) enc).headers().get("Location"));
  }

  // ---- fault-injection ----

  @Test
  void faultInjection_abortWithVarsBody_delayFirst_percentageZeroNeverHits() {
    FaultInjectionPlugin p = new FaultInjectionPlugin();
    var conf = p.decode(json("{'abort':{'http_status':418,'body':'hi $arg_name','headers':{'X-F':'1'},"
        + "'vars':[[['arg_name','==','jack']]]}}"));
    assertSame(PhaseResult.CONTINUE, p.rewrite(conf, new FakeContext().query("name=bob")));
    PhaseResult r = p.rewrite(conf, new FakeContext().query("name=jack"));
    assertEquals(418, status(r));
    assertEquals("hi jack", body(r));
    assertEquals("1", ((PhaseResult.Respond) r).headers().get("X-F"));
    var delayAbort = p.decode(json("{'delay':{'duration':0.25},'abort':{'http_status':500}}"));
    FakeContext ctx = new FakeContext();
    PhaseResult async = p.rewrite(delayAbort, ctx);
    assertInstanceOf(PhaseResult.Async.class, async);
    assertEquals(250, ctx.timerMillis);
    assertEquals(500, status(((PhaseResult.Async) async).result().result()));
    var never = p.decode(json("{'abort':{'http_status':500,'percentage':0}}"));
    for (int i = 0; i < 50; i++) {
      assertSame(PhaseResult.CONTINUE, p.rewrite(never, new FakeContext()));
    }
  }
}
