package org.apigw.plugins.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.apigw.plugin.Credential;
import org.apigw.plugin.FakeContext;
import org.apigw.plugin.Json;
import org.apigw.plugin.PhaseResult;
import org.apigw.resource.Consumer;
import org.junit.jupiter.api.Test;

class AuthPluginsTest {

  static JsonNode json(String s) {
    try {
      return Json.MAPPER.readTree(s.replace('\'', '"'));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static Consumer consumer(String name) {
    return new Consumer(name, null, null, Map.of(), Map.of());
  }

  static String body(PhaseResult r) {
    return ((PhaseResult.Respond) r).body().toString();
  }

  @Test
  void keyAuth_headerWinsOverQuery_andAnInvalidHeaderIsNotRescuedByTheQuery() {
    KeyAuthPlugin p = new KeyAuthPlugin();
    var conf = p.decode(json("{}"));
    FakeContext ctx = new FakeContext().header("apikey", "bad").query("apikey=good");
    ctx.credentials.put("key-auth/good", new Credential(consumer("jack"), null, p.decodeConsumer(json("{'key':'good'}"))));
    PhaseResult r = p.rewrite(conf, ctx);
    assertEquals("{\"message\":\"Invalid API key in request\"}", body(r));
    assertNull(ctx.consumer());
    FakeContext viaQuery = new FakeContext().query("apikey=good");
    viaQuery.credentials.putAll(ctx.credentials);
    assertSame(PhaseResult.CONTINUE, p.rewrite(conf, viaQuery));
    assertEquals("jack", viaQuery.consumer().consumer().username());
  }

  @Test
  void keyAuth_customHeaderAndRealm() {
    KeyAuthPlugin p = new KeyAuthPlugin();
    var conf = p.decode(json("{'header':'X-Key','realm':'shop'}"));
    PhaseResult.Respond r = (PhaseResult.Respond) p.rewrite(conf, new FakeContext().header("apikey", "x"));
    assertEquals(401, r.status());
    assertEquals("apikey realm=\"shop\"", r.headers().get("WWW-Authenticate"));
    assertEquals("{\"message\":\"Missing API key in request\"}", body(r));
  }

  @Test
  void basicAuth_parse_acceptsAnySchemeCase_stripsWhitespace_keepsColonsInThePassword() {
    assertEquals(new BasicAuthPlugin.UserPassword("bob", "a:b"), BasicAuthPlugin.parse("BASIC Ym9iOmE6Yg=="));
    assertEquals(new BasicAuthPlugin.UserPassword("bob", "pw"), BasicAuthPlugin.parse("Basic IGJvYiA6IHB3IA=="));
    assertNull(BasicAuthPlugin.parse("Bearer Ym9iOnB3"));
    assertNull(BasicAuthPlugin.parse("Basic bm9jb2xvbg=="), "no colon");
    assertNull(BasicAuthPlugin.parse("Basic %%%"));
  }

  @Test
  void basicAuth_wrongPasswordIsTheSameAnswerAsAnUnknownUser() {
    BasicAuthPlugin p = new BasicAuthPlugin();
    var conf = p.decode(json("{}"));
    FakeContext ctx = new FakeContext().header("Authorization", "Basic Ym9iOmd1ZXNz"); // bob:guess
    ctx.credentials.put("basic-auth/bob", new Credential(consumer("bob"), null, p.decodeConsumer(json("{'username':'bob','password':'pw'}"))));
    String wrongPassword = body(p.rewrite(conf, ctx));
    String unknownUser = body(p.rewrite(conf, new FakeContext().header("Authorization", "Basic bWFsbG9yeTpwdw==")));
    assertEquals("{\"message\":\"Invalid user authorization\"}", wrongPassword);
    assertEquals(wrongPassword, unknownUser);
  }

  @Test
  void consumerRestriction_blacklistFirst_thenWhitelist_thenMethods() {
    ConsumerRestrictionPlugin p = new ConsumerRestrictionPlugin();
    var conf = p.decode(json("{'blacklist':['eve'],'whitelist':['eve','alice'],'allowed_by_methods':[{'user':'bob','methods':['GET']}]}"));
    FakeContext eve = new FakeContext();
    eve.vars.put("consumer_name", "eve");
    assertEquals(403, ((PhaseResult.Respond) p.access(conf, eve)).status(), "blacklist wins over whitelist");
    FakeContext alice = new FakeContext();
    alice.vars.put("consumer_name", "alice");
    assertSame(PhaseResult.CONTINUE, p.access(conf, alice));
    FakeContext bob = new FakeContext();
    bob.vars.put("consumer_name", "bob");
    assertSame(PhaseResult.CONTINUE, p.access(conf, bob));
    bob.method = "DELETE";
    assertEquals("{\"message\":\"The consumer_name is forbidden.\"}", body(p.access(conf, bob)));
  }

  @Test
  void consumerRestriction_byRouteId() {
    ConsumerRestrictionPlugin p = new ConsumerRestrictionPlugin();
    var conf = p.decode(json("{'type':'route_id','whitelist':['r1']}"));
    FakeContext ctx = new FakeContext();
    assertEquals(
        "{\"message\":\"The request is rejected, please check the route_id for this request\"}", body(p.access(conf, ctx)));
    ctx.vars.put("route_id", "r2");
    assertEquals("{\"message\":\"The route_id is forbidden.\"}", body(p.access(conf, ctx)));
  }
}
