package org.apigw.resource;

import static org.apigw.resource.ResourceCodecValidateTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apigw.expr.VarResolver;
import org.junit.jupiter.api.Test;

/** {@link ResourceCodec#decode}: parsing, id rules and the mapping to records with defaults. */
class ResourceCodecDecodeTest {

  private static final ResourceCodec CODEC = new ResourceCodec(TestPlugins.INSTANCE);

  private static byte[] bytes(String body) {
    return body.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
  }

  private static Resource accepted(ResourceType type, String id, String body) {
    Decoded decoded = CODEC.decode(type, id, bytes(body));
    if (decoded instanceof Decoded.Rejected rejected) {
      throw new AssertionError("rejected: " + rejected.reason() + " for " + body);
    }
    return ((Decoded.Accepted) decoded).resource();
  }

  private static String rejected(ResourceType type, String id, String body) {
    Decoded decoded = CODEC.decode(type, id, bytes(body));
    return assertInstanceOf(Decoded.Rejected.class, decoded, body).reason();
  }

  /* ---------------------------------------- parsing ---------------------------------------- */

  @Test
  void decode_duplicateKeys_rejected() {
    String reason = rejected(ResourceType.ROUTES, "1", "{'uri':'/a','uri':'/b','plugins':{}}");
    assertTrue(reason.startsWith("invalid JSON: Duplicate field 'uri'"), reason);
    String nested =
        rejected(
            ResourceType.UPSTREAMS, "1", "{'nodes':{'a:1':1,'a:1':2}}");
    assertTrue(nested.contains("Duplicate field 'a:1'"), nested);
  }

  @Test
  void decode_malformedJson_rejected() {
    assertTrue(rejected(ResourceType.ROUTES, "1", "{'uri':").startsWith("invalid JSON: "));
    assertTrue(
        rejected(ResourceType.ROUTES, "1", "{'uri':'/a','plugins':{}} x")
            .startsWith("invalid JSON: "));
    // the placeholder APISIX's init_etcd writes for every directory
    assertTrue(rejected(ResourceType.ROUTES, "", "init_dir").startsWith("invalid JSON: "));
  }

  @Test
  void decode_nonObject_rejected() {
    assertEquals(
        "invalid configuration: expected a JSON object, got array",
        rejected(ResourceType.ROUTES, "1", "[1]"));
    assertEquals(
        "invalid configuration: expected a JSON object, got string",
        rejected(ResourceType.ROUTES, "1", "'x'"));
    assertEquals(
        "invalid configuration: expected a JSON object, got null",
        rejected(ResourceType.ROUTES, "1", "null"));
    assertEquals(
        "invalid route value: empty",
        assertInstanceOf(
                Decoded.Rejected.class, CODEC.decode(ResourceType.ROUTES, "1", (byte[]) null))
            .reason());
  }

  @Test
  void decode_invalidValue_rejectedWithTheValidationMessage() {
    assertEquals(
        "invalid configuration: additional properties forbidden, found foo",
        rejected(ResourceType.ROUTES, "1", "{'uri':'/a','plugins':{},'foo':1}"));
    assertEquals(
        "unknown plugin [nope]",
        rejected(ResourceType.GLOBAL_RULES, "1", "{'plugins':{'nope':{}}}"));
  }

  /* ------------------------------------------ ids ------------------------------------------ */

  @Test
  void decode_idMustMatchTheKey() {
    assertEquals(
        "wrong route id", rejected(ResourceType.ROUTES, "1", "{'id':'2','uri':'/a','plugins':{}}"));
    assertEquals(
        "wrong plugin config id",
        rejected(ResourceType.PLUGIN_CONFIGS, "a", "{'id':'b','plugins':{}}"));
    assertEquals(
        "wrong upstream id", rejected(ResourceType.UPSTREAMS, "1", "{'id':2,'nodes':{}}"));
    // integer ids compare as text; an absent id takes the key's
    assertEquals("7", accepted(ResourceType.ROUTES, "7", "{'id':7,'uri':'/a','plugins':{}}").id());
    assertEquals("7", accepted(ResourceType.ROUTES, "7", "{'uri':'/a','plugins':{}}").id());
    assertEquals(
        "missing route id",
        assertInstanceOf(Decoded.Rejected.class, CODEC.decode(ResourceType.ROUTES, "", json("{}")))
            .reason());
  }

  @Test
  void decode_consumer_isKeyedByUsername() {
    Consumer c =
        (Consumer)
            accepted(
                ResourceType.CONSUMERS,
                "jack",
                "{'username':'jack','desc':'d','group_id':5,'labels':{'team':'a'},"
                    + "'plugins':{'key-auth':{'key':'secret'}}}");
    assertEquals("jack", c.id());
    assertEquals("jack", c.username());
    assertEquals("d", c.desc());
    assertEquals("5", c.groupId());
    assertEquals(Map.of("team", "a"), c.labels());
    assertEquals("secret", c.plugins().get("key-auth").get("key").asText());
    assertEquals("wrong consumer id", rejected(ResourceType.CONSUMERS, "jill", "{'username':'jack'}"));
  }

  /* ----------------------------------------- routes ----------------------------------------- */

  @Test
  void route_defaults() {
    Route r = (Route) accepted(ResourceType.ROUTES, "1", "{'uri':'/a','upstream_id':'u1'}");
    assertEquals(List.of("/a"), r.uris());
    assertEquals(0, r.priority());
    assertEquals(1, r.status());
    assertEquals(List.of(), r.methods());
    assertEquals(List.of(), r.hosts());
    assertEquals(List.of(), r.remoteAddrs());
    assertNull(r.vars());
    assertNull(r.name());
    assertNull(r.serviceId());
    assertEquals("u1", r.upstreamId());
    assertNull(r.upstream());
    assertNull(r.pluginConfigId());
    assertEquals(Map.of(), r.plugins());
    assertNull(r.timeout());
    assertNull(r.enableWebsocket());
    assertEquals(Map.of(), r.labels());
  }

  @Test
  void route_allFields() {
    Route r =
        (Route)
            accepted(
                ResourceType.ROUTES,
                "r1",
                "{'id':'r1','name':'n','uris':['/a','/b/*'],'methods':['GET','POST'],"
                    + "'hosts':['Foo.COM','*.Bar.com'],'remote_addrs':['10.0.0.0/8','::1'],"
                    + "'priority':10,'status':0,'service_id':3,'plugin_config_id':'pc',"
                    + "'upstream':{'nodes':{'127.0.0.1:8080':1}},"
                    + "'plugins':{'proxy-rewrite':{'uri':'/x'},'key-auth':{}},"
                    + "'timeout':{'connect':1.5,'send':2,'read':3},'enable_websocket':true,"
                    + "'labels':{'env':'prod'},'create_time':1,'update_time':2}");
    assertEquals("n", r.name());
    assertEquals(List.of("/a", "/b/*"), r.uris());
    assertEquals(List.of("GET", "POST"), r.methods());
    assertEquals(List.of("foo.com", "*.bar.com"), r.hosts());
    assertEquals(List.of("10.0.0.0/8", "::1"), r.remoteAddrs());
    assertEquals(10, r.priority());
    assertEquals(0, r.status());
    assertEquals("3", r.serviceId());
    assertEquals("pc", r.pluginConfigId());
    assertNotNull(r.upstream());
    assertNull(r.upstream().id());
    assertEquals(List.of(new Node("127.0.0.1", 8080, 1, 0)), r.upstream().nodes());
    assertEquals(List.of("proxy-rewrite", "key-auth"), new ArrayList<>(r.plugins().keySet()));
    assertEquals(new Timeout(1.5, 2, 3), r.timeout());
    assertEquals(Boolean.TRUE, r.enableWebsocket());
    assertEquals(Map.of("env", "prod"), r.labels());
  }

  @Test
  void route_singularFormsFoldIntoLists() {
    Route r =
        (Route)
            accepted(
                ResourceType.ROUTES,
                "1",
                "{'uri':'/a','host':'API.Example.com','remote_addr':'127.0.0.1','plugins':{}}");
    assertEquals(List.of("/a"), r.uris());
    assertEquals(List.of("api.example.com"), r.hosts());
    assertEquals(List.of("127.0.0.1"), r.remoteAddrs());
  }

  @Test
  void route_vars_compiled() {
    Route r =
        (Route)
            accepted(
                ResourceType.ROUTES,
                "1",
                "{'uri':'/a','plugins':{},'vars':[['arg_name','==','json'],['http_x','~~','^a']]}");
    assertNotNull(r.vars());
    VarResolver match = name -> switch (name) {
      case "arg_name" -> "json";
      case "http_x" -> "abc";
      default -> null;
    };
    VarResolver miss = name -> name.equals("arg_name") ? "xml" : "abc";
    assertTrue(r.vars().test(match));
    assertFalse(r.vars().test(miss));
  }

  @Test
  void route_vars_invalid() {
    assertEquals(
        "failed to validate the 'vars' expression: invalid operator '='",
        rejected(ResourceType.ROUTES, "1", "{'uri':'/a','plugins':{},'vars':[['arg_a','=','1']]}"));
    assertEquals(
        "failed to validate the 'vars' expression: rule should be wrapped inside brackets",
        rejected(ResourceType.ROUTES, "1", "{'uri':'/a','plugins':{},'vars':['arg_a','==','1']}"));
  }

  @Test
  void route_pluginConfs_areDetachedCopies() {
    ObjectNode body = (ObjectNode) json("{'uri':'/a','plugins':{'key-auth':{'header':'k'}}}");
    Route r = (Route) ((Decoded.Accepted) CODEC.decode(ResourceType.ROUTES, "1", body)).resource();
    ((ObjectNode) body.get("plugins").get("key-auth")).put("header", "changed");
    assertEquals("k", r.plugins().get("key-auth").get("header").asText());
    assertThrows(UnsupportedOperationException.class, () -> r.plugins().put("x", body));
  }

  /* ---------------------------------------- upstreams ---------------------------------------- */

  @Test
  void upstream_defaults() {
    Upstream u = (Upstream) accepted(ResourceType.UPSTREAMS, "u1", "{'nodes':{'a.com':1}}");
    assertEquals("u1", u.id());
    assertNull(u.name());
    assertEquals("roundrobin", u.type());
    assertEquals(List.of(new Node("a.com", 80, 1, 0)), u.nodes());
    assertNull(u.retries());
    assertEquals(0, u.retryTimeout());
    assertNull(u.timeout());
    assertEquals("pass", u.passHost());
    assertNull(u.upstreamHost());
    assertEquals("http", u.scheme());
    assertNull(u.hashOn());
    assertNull(u.key());
    assertEquals(Upstream.KeepalivePool.DEFAULT, u.keepalivePool());
  }

  @Test
  void upstream_allFields() {
    Upstream u =
        (Upstream)
            accepted(
                ResourceType.UPSTREAMS,
                "u1",
                "{'id':'u1','name':'n','type':'chash','hash_on':'header','key':'X-Id',"
                    + "'nodes':[{'host':'b.com','weight':3,'priority':-1}],'retries':2,"
                    + "'retry_timeout':1.5,'timeout':{'connect':1,'send':2,'read':3},"
                    + "'pass_host':'rewrite','upstream_host':'up.local','scheme':'https',"
                    + "'keepalive_pool':{'size':10}}");
    assertEquals("n", u.name());
    assertEquals("chash", u.type());
    assertEquals("header", u.hashOn());
    assertEquals("X-Id", u.key());
    assertEquals(List.of(new Node("b.com", 443, 3, -1)), u.nodes());
    assertEquals(2, u.retries());
    assertEquals(1.5, u.retryTimeout());
    assertEquals(new Timeout(1, 2, 3), u.timeout());
    assertEquals("rewrite", u.passHost());
    assertEquals("up.local", u.upstreamHost());
    assertEquals("https", u.scheme());
    assertEquals(new Upstream.KeepalivePool(10, 60, 1000), u.keepalivePool());
  }

  @Test
  void upstream_chash_defaultsHashOnToVars() {
    Upstream u =
        (Upstream)
            accepted(
                ResourceType.UPSTREAMS, "u", "{'type':'chash','key':'remote_addr','nodes':{}}");
    assertEquals("vars", u.hashOn());
    assertEquals("remote_addr", u.key());
  }

  @Test
  void upstream_nodeFormats() {
    Upstream map =
        (Upstream)
            accepted(
                ResourceType.UPSTREAMS,
                "u",
                "{'nodes':{'127.0.0.1:8080':2,'[::1]:80':1,'[fe80::1]':0,'b.com':5}}");
    assertEquals(
        List.of(
            new Node("127.0.0.1", 8080, 2, 0),
            new Node("::1", 80, 1, 0),
            new Node("fe80::1", 80, 0, 0),
            new Node("b.com", 80, 5, 0)),
        map.nodes());
    assertEquals("[::1]:80", map.nodes().get(1).authority());

    Upstream array =
        (Upstream)
            accepted(
                ResourceType.UPSTREAMS,
                "u",
                "{'scheme':'https','nodes':[{'host':'[::1]','port':8443,'weight':1,'priority':1},"
                    + "{'host':'10.0.0.1','weight':1,'metadata':{'zone':'a'}}]}");
    assertEquals(
        List.of(new Node("::1", 8443, 1, 1), new Node("10.0.0.1", 443, 1, 0)), array.nodes());
  }

  @Test
  void upstream_emptyNodes_isLegal() {
    assertEquals(List.of(), ((Upstream) accepted(ResourceType.UPSTREAMS, "u", "{'nodes':{}}")).nodes());
    assertEquals(List.of(), ((Upstream) accepted(ResourceType.UPSTREAMS, "u", "{'nodes':[]}")).nodes());
  }

  @Test
  void upstream_ipv6_rejectedUnbracketed() {
    assertEquals(
        "invalid configuration: IPv6 address must be enclosed with '[' and ']'",
        rejected(ResourceType.UPSTREAMS, "u", "{'nodes':[{'host':'::1','port':80,'weight':1}]}"));
  }

  /* ------------------------------------- other resources ------------------------------------- */

  @Test
  void service() {
    Service s =
        (Service)
            accepted(
                ResourceType.SERVICES,
                "s1",
                "{'name':'s','hosts':['A.com'],'upstream':{'nodes':{'a:1':1}},'upstream_id':2,"
                    + "'plugins':{'key-auth':{}},'enable_websocket':false,'labels':{'k':'v'}}");
    assertEquals("s1", s.id());
    assertEquals("s", s.name());
    assertEquals(List.of("a.com"), s.hosts());
    assertEquals("2", s.upstreamId());
    assertEquals(List.of(new Node("a", 1, 1, 0)), s.upstream().nodes());
    assertEquals(List.of("key-auth"), new ArrayList<>(s.plugins().keySet()));
    assertEquals(Boolean.FALSE, s.enableWebsocket());
    assertEquals(Map.of("k", "v"), s.labels());

    Service bare = (Service) accepted(ResourceType.SERVICES, "s2", "{}");
    assertEquals(List.of(), bare.hosts());
    assertNull(bare.upstream());
    assertNull(bare.enableWebsocket());
  }

  @Test
  void pluginConfigAndGlobalRule() {
    PluginConfig pc =
        (PluginConfig)
            accepted(
                ResourceType.PLUGIN_CONFIGS, "pc", "{'name':'p','plugins':{'limit-count':{'count':2}}}");
    assertEquals("pc", pc.id());
    assertEquals("p", pc.name());
    assertEquals(2, pc.plugins().get("limit-count").get("count").asInt());

    GlobalRule g = (GlobalRule) accepted(ResourceType.GLOBAL_RULES, "g", "{'id':'g','plugins':{}}");
    assertEquals("g", g.id());
    assertEquals(Map.of(), g.plugins());
  }

  /* --------------------------------------- concurrency --------------------------------------- */

  @Test
  void sharedInstance_isUsableFromSeveralThreads() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        final int n = t;
        results.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 200; i++) {
                    String id = n + "-" + i;
                    Decoded good =
                        CODEC.decode(
                            ResourceType.ROUTES,
                            id,
                            bytes("{'uri':'/" + id + "','upstream':{'nodes':{'[::1]:80':1}}}"));
                    Decoded bad =
                        CODEC.decode(ResourceType.ROUTES, id, bytes("{'uri':'/a','upstream':{}}"));
                    if (!(good instanceof Decoded.Accepted)
                        || !(bad instanceof Decoded.Rejected r)
                        || !r.reason().contains("property \"upstream\" validation failed")) {
                      return false;
                    }
                  }
                  return true;
                }));
      }
      for (Future<Boolean> f : results) {
        assertTrue(f.get(60, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void valueOverTheAdminBodyLimit_isRejectedForItsSize() {
    byte[] big = new byte[ResourceCodec.MAX_VALUE_BYTES + 1];
    java.util.Arrays.fill(big, (byte) ' ');
    Decoded decoded = new ResourceCodec(org.apigw.plugin.PluginCatalog.NONE).decode(ResourceType.ROUTES, "1", big);
    org.junit.jupiter.api.Assertions.assertTrue(
        decoded instanceof Decoded.Rejected r && r.reason().contains("over the limit of 1572864 bytes"), decoded.toString());
  }
}
