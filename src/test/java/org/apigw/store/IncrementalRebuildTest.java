package org.apigw.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apigw.plugin.PluginChain;
import org.apigw.plugin.Plugins;
import org.apigw.plugins.BuiltinPlugins;
import org.apigw.resource.ResourceCodec;
import org.apigw.resource.ResourceType;
import org.apigw.router.Match;
import org.apigw.router.RequestView;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * A store that applies changes one batch at a time re-resolves only the routes a change reaches
 * (see {@link RoutingUpdate}); it must serve exactly what a store loading the same keys from
 * scratch serves, and carry state over exactly as a full build would.
 */
class IncrementalRebuildTest {

  private static final Plugins PLUGINS =
      new Plugins(BuiltinPlugins.create(Map.of()), List.of("request-id", "proxy-rewrite"));

  private static final String[] URIS = {"/a", "/a/*", "/b", "/a/b", "/c/*", "/c/d"};
  private static final String[] HOSTS = {"foo.com", "*.foo.com", "bar.com"};
  private static final String[] NODES = {"127.0.0.1:1980", "127.0.0.1:1981"};

  private static ConfigStore store(String kind) {
    return new ConfigStore("/apisix", new ResourceCodec(PLUGINS), kind, PLUGINS, c -> {});
  }

  private static ConfigEntry put(String key, String value, long revision) {
    return new ConfigEntry(key, value.getBytes(StandardCharsets.UTF_8), revision, revision);
  }

  private static String pick(Random random, String[] from) {
    return from[random.nextInt(from.length)];
  }

  private static String upstream(Random random) {
    return "{\"nodes\":{\"" + pick(random, NODES) + "\":1}}";
  }

  private static String route(Random random, String id) {
    StringBuilder b = new StringBuilder("{\"id\":\"").append(id).append('"');
    b.append(",\"uri\":\"").append(pick(random, URIS)).append('"');
    if (random.nextInt(4) == 0) {
      b.append(",\"hosts\":[\"").append(pick(random, HOSTS)).append("\"]");
    }
    if (random.nextInt(5) == 0) {
      b.append(",\"methods\":[\"POST\"]");
    }
    if (random.nextInt(5) == 0) {
      b.append(",\"priority\":").append(random.nextInt(3));
    }
    if (random.nextInt(8) == 0) {
      b.append(",\"status\":0");
    }
    if (random.nextInt(2) == 0) {
      b.append(",\"service_id\":\"s").append(random.nextInt(5)).append('"'); // s4 never exists
    }
    if (random.nextInt(3) == 0) {
      b.append(",\"plugin_config_id\":\"p").append(random.nextInt(3)).append('"');
    }
    switch (random.nextInt(4)) {
      case 0 -> b.append(",\"upstream_id\":\"u").append(random.nextInt(3)).append('"');
      case 1 -> b.append(",\"upstream\":").append(upstream(random));
      default -> { } // the service's upstream, if any
    }
    if (random.nextInt(3) == 0) {
      b.append(",\"plugins\":{\"request-id\":{}}");
    }
    return b.append('}').toString();
  }

  private static String service(Random random, String id) {
    StringBuilder b = new StringBuilder("{\"id\":\"").append(id).append('"');
    if (random.nextInt(3) == 0) {
      b.append(",\"hosts\":[\"").append(pick(random, HOSTS)).append("\"]");
    }
    if (random.nextInt(2) == 0) {
      b.append(",\"upstream\":").append(upstream(random));
    } else if (random.nextInt(2) == 0) {
      b.append(",\"upstream_id\":\"u").append(random.nextInt(3)).append('"');
    }
    if (random.nextInt(2) == 0) {
      b.append(",\"plugins\":{\"proxy-rewrite\":{\"uri\":\"/s").append(random.nextInt(3)).append("\"}}");
    }
    return b.append('}').toString();
  }

  private static String pluginConfig(Random random, String id) {
    return "{\"id\":\"" + id + "\",\"plugins\":{\"proxy-rewrite\":{\"uri\":\"/p" + random.nextInt(3) + "\"}}}";
  }

  /** One random put or delete of a route, service, plugin config or upstream; sometimes a bad value. */
  private static ConfigEntry randomChange(Random random, long revision) {
    int kind = random.nextInt(10);
    String type;
    String id;
    String value;
    if (kind < 5) {
      id = "r" + random.nextInt(30);
      type = "routes";
      value = route(random, id);
    } else if (kind < 7) {
      id = "s" + random.nextInt(4);
      type = "services";
      value = service(random, id);
    } else if (kind < 9) {
      id = "p" + random.nextInt(3);
      type = "plugin_configs";
      value = pluginConfig(random, id);
    } else {
      id = "u" + random.nextInt(3);
      type = "upstreams";
      value = upstream(random);
    }
    String key = "/apisix/" + type + "/" + id;
    int fate = random.nextInt(12);
    if (fate < 2) {
      return ConfigEntry.delete(key, revision);
    }
    return put(key, fate == 2 ? "{\"uri\":42}" : value, revision);
  }

  /** Every uri, host and method the random routes can ask for, and a few they cannot. */
  private static List<Request> requests() {
    List<Request> out = new ArrayList<>();
    for (String path : new String[] {"/a", "/a/x", "/b", "/a/b", "/c/d", "/c/x/y", "/nope"}) {
      for (String host : new String[] {"foo.com", "x.foo.com", "bar.com", "other.org"}) {
        for (String method : new String[] {"GET", "POST"}) {
          out.add(new Request(method, path, host));
        }
      }
    }
    return out;
  }

  /** What a request is routed to, resolved: everything a RouteTarget says, by value. */
  private static String routed(RuntimeConfig config, Request request) {
    Match<RouteTarget> m = config.router().match(request);
    if (m == null) {
      return "404";
    }
    RouteTarget t = m.route().payload();
    List<String> chain = new ArrayList<>();
    for (PluginChain.Entry e : t.chain().entries()) {
      chain.add(e.name() + "=" + e.stateKey());
    }
    return m.route().id() + " via " + m.matchedUri() + " hosts " + m.route().hosts()
        + " service " + (t.service() == null ? null : t.service().id()) + " missing " + t.serviceMissing()
        + " upstream_id " + t.upstreamId()
        + " inline " + (t.inlineUpstream() == null ? null : t.inlineUpstream().upstream())
        + " plugin_config " + (t.pluginConfig() == null ? null : t.pluginConfig().id())
        + " chain " + chain;
  }

  private static List<ConfigEntry> allEntries(RuntimeConfig config) {
    List<ConfigEntry> entries = new ArrayList<>();
    for (ResourceType type : ResourceType.values()) {
      for (StoredResource s : config.all(type).values()) {
        entries.add(new ConfigEntry(s.key(), s.raw(), s.createRevision(), s.modRevision()));
      }
    }
    return entries;
  }

  private static Map<String, Integer> inlineUsers(Routing routing) {
    Map<String, Integer> users = new TreeMap<>();
    routing.inlineUpstreams().forEach((k, v) -> users.put(k, v.users()));
    return users;
  }

  private static Map<String, java.util.Set<String>> sorted(
      Map<String, ? extends Map<String, String>> index) {
    Map<String, java.util.Set<String>> out = new TreeMap<>();
    index.forEach((k, v) -> out.put(k, new java.util.TreeSet<>(v.keySet())));
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"radixtree_host_uri", "radixtree_uri", "radixtree_uri_with_parameter"})
  void randomChanges_serveExactlyWhatALoadFromScratchServes(String kind) {
    Random random = new Random(kind.hashCode() * 31L);
    ConfigStore incremental = store(kind);
    List<Request> requests = requests();
    long revision = 1;
    for (int step = 0; step < 400; step++) {
      List<ConfigEntry> batch = new ArrayList<>();
      revision++;
      for (int n = 1 + random.nextInt(random.nextInt(5) == 0 ? 4 : 1); n > 0; n--) {
        batch.add(randomChange(random, revision));
      }
      incremental.apply(revision, batch);
      RuntimeConfig got = incremental.current();
      ConfigStore scratch = store(kind);
      scratch.replaceAll(ConfigOrigin.ETCD, revision, 1, allEntries(got), "oracle");
      RuntimeConfig want = scratch.current();
      for (Request q : requests) {
        assertEquals(routed(want, q), routed(got, q), "step " + step + " " + q + " after " + batch);
      }
      assertEquals(want.routing().table().size(), got.routing().table().size(), "step " + step);
      assertEquals(want.routing().resolved().keySet(), got.routing().resolved().keySet(), "step " + step);
      assertEquals(inlineUsers(want.routing()), inlineUsers(got.routing()), "step " + step);
      assertEquals(sorted(want.routing().routesByService()), sorted(got.routing().routesByService()), "step " + step);
      assertEquals(
          sorted(want.routing().routesByPluginConfig()), sorted(got.routing().routesByPluginConfig()), "step " + step);
      assertEquals(want.upstreamStates().keySet(), got.upstreamStates().keySet(), "step " + step);
      assertEquals(want.counts(), got.counts(), "step " + step);
    }
  }

  @Test
  void serviceChange_reResolvesExactlyTheRoutesThatNameIt() {
    ConfigStore store = store("radixtree_host_uri");
    store.apply(
        2,
        List.of(
            put("/apisix/services/s1", "{\"upstream\":{\"nodes\":{\"127.0.0.1:1980\":1}}}", 2),
            put("/apisix/routes/1", "{\"uri\":\"/one\",\"service_id\":\"s1\"}", 2),
            put("/apisix/routes/2", "{\"uri\":\"/two\",\"service_id\":\"s2\"}", 2),
            put("/apisix/routes/3", "{\"uri\":\"/three\",\"upstream_id\":\"u1\"}", 2)));
    RouteTarget one = target(store, "/one");
    RouteTarget two = target(store, "/two");
    RouteTarget three = target(store, "/three");
    assertTrue(two.serviceMissing());

    store.apply(3, List.of(put("/apisix/services/s1", "{\"upstream\":{\"nodes\":{\"127.0.0.1:1981\":1}}}", 3)));
    assertNotSame(one, target(store, "/one"), "names the changed service");
    assertEquals("127.0.0.1", target(store, "/one").inlineUpstream().upstream().nodes().get(0).host());
    assertEquals(1981, target(store, "/one").inlineUpstream().upstream().nodes().get(0).port());
    assertSame(two, target(store, "/two"), "names another service");
    assertSame(three, target(store, "/three"), "names no service");

    store.apply(4, List.of(put("/apisix/services/s2", "{\"upstream_id\":\"u2\"}", 4)));
    assertEquals("u2", target(store, "/two").upstreamId(), "a service that appears resolves its routes");
    assertTrue(!target(store, "/two").serviceMissing());
    store.apply(5, List.of(ConfigEntry.delete("/apisix/services/s2", 5)));
    assertTrue(target(store, "/two").serviceMissing(), "and one that goes unresolves them");
  }

  @Test
  void pluginConfigChange_reResolvesItsRoutes_andOtherRoutesKeepTheirChains() {
    ConfigStore store = store("radixtree_host_uri");
    store.apply(
        2,
        List.of(
            put("/apisix/plugin_configs/p1", "{\"plugins\":{\"proxy-rewrite\":{\"uri\":\"/x\"}}}", 2),
            put("/apisix/routes/1", "{\"uri\":\"/one\",\"plugin_config_id\":\"p1\",\"upstream_id\":\"u\"}", 2),
            put("/apisix/routes/2", "{\"uri\":\"/two\",\"plugins\":{\"request-id\":{}},\"upstream_id\":\"u\"}", 2)));
    PluginChain two = target(store, "/two").chain();
    store.apply(3, List.of(put("/apisix/plugin_configs/p1", "{\"plugins\":{\"proxy-rewrite\":{\"uri\":\"/y\"}}}", 3)));
    assertEquals("/y", target(store, "/one").chain().entries().get(0).stateKey().conf().get("uri").asText());
    assertSame(two, target(store, "/two").chain(), "an unrelated route's chain is reused, not merged again");
  }

  @Test
  void inlineUpstreamState_isKeptWhileARouteUsesIt_andDroppedWithItsLastUser() {
    ConfigStore store = store("radixtree_host_uri");
    String service = "{\"upstream\":{\"nodes\":{\"127.0.0.1:1980\":1,\"127.0.0.1:1981\":1}}}";
    store.apply(
        2,
        List.of(
            put("/apisix/services/s1", service, 2),
            put("/apisix/routes/1", "{\"uri\":\"/one\",\"service_id\":\"s1\"}", 2),
            put("/apisix/routes/2", "{\"uri\":\"/two\",\"service_id\":\"s1\"}", 2)));
    UpstreamState shared = target(store, "/one").inlineUpstream();
    assertSame(shared, target(store, "/two").inlineUpstream(), "one balancer per service");

    store.apply(3, List.of(put("/apisix/routes/1", "{\"uri\":\"/uno\",\"service_id\":\"s1\"}", 3)));
    assertSame(shared, target(store, "/uno").inlineUpstream(), "an equal upstream keeps its balancer");
    store.apply(4, List.of(put("/apisix/services/s1", service.replace("{\"upstream\"", "{\"desc\":\"d\",\"upstream\""), 4)));
    assertSame(shared, target(store, "/uno").inlineUpstream(), "the service changed, its upstream did not");

    store.apply(5, List.of(ConfigEntry.delete("/apisix/routes/1", 5)));
    assertSame(shared, target(store, "/two").inlineUpstream(), "route 2 still uses it");
    store.apply(6, List.of(ConfigEntry.delete("/apisix/routes/2", 6)));
    assertNull(store.current().routing().inlineUpstreams().get("service/s1"), "no route uses it any more");
    store.apply(7, List.of(put("/apisix/routes/2", "{\"uri\":\"/two\",\"service_id\":\"s1\"}", 7)));
    assertNotSame(shared, target(store, "/two").inlineUpstream(), "a full build would start a new balancer too");
  }

  @Test
  void oneRouteChange_sharesEveryOtherRoutesTarget_andResourceMapEntries() {
    ConfigStore store = store("radixtree_uri_with_parameter");
    List<ConfigEntry> entries = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      entries.add(put("/apisix/routes/r" + i, "{\"uri\":\"/u/:id/r" + i + "\",\"upstream_id\":\"u\"}", 2));
    }
    store.replaceAll(ConfigOrigin.ETCD, 2, 1, entries, "start");
    RuntimeConfig before = store.current();
    store.apply(3, List.of(put("/apisix/routes/r7", "{\"uri\":\"/moved\",\"upstream_id\":\"u\"}", 3)));
    RuntimeConfig after = store.current();
    for (int i = 0; i < 500; i++) {
      if (i != 7) {
        assertSame(before.routing().table().route("r" + i), after.routing().table().route("r" + i), "r" + i);
        assertSame(before.all(ResourceType.ROUTES).get("r" + i), after.all(ResourceType.ROUTES).get("r" + i));
      }
    }
    assertNotNull(after.router().match(new Request("GET", "/moved", null)));
    assertNull(after.router().match(new Request("GET", "/u/1/r7", null)));
    assertNotNull(before.router().match(new Request("GET", "/u/1/r7", null)), "the old revision still serves as it did");
    assertEquals(500, after.counts().get(ResourceType.ROUTES));
  }

  @Test
  void serviceThatMostRoutesName_changes_andEveryRouteIsResolvedAgainInBulk_withStateCarriedOver() {
    ConfigStore store = store("radixtree_host_uri");
    String upstream = "{\"nodes\":{\"127.0.0.1:1980\":1,\"127.0.0.1:1981\":1}}";
    List<ConfigEntry> entries = new ArrayList<>();
    entries.add(put("/apisix/services/s1", "{\"upstream\":" + upstream + "}", 2));
    int routes = RoutingUpdate.WHOLESALE_MIN * 2 + 2; // the service reaches WHOLESALE_MIN + 1
    for (int i = 0; i < routes; i++) {
      String value = i % 2 == 0
          ? "{\"uri\":\"/r" + i + "\",\"service_id\":\"s1\"}"
          : "{\"uri\":\"/r" + i + "\",\"upstream\":" + upstream + "}";
      entries.add(put("/apisix/routes/r" + i, value, 2));
    }
    store.replaceAll(ConfigOrigin.ETCD, 2, 1, entries, "start");
    UpstreamState own = target(store, "/r1").inlineUpstream();
    Object untouchedSpec = store.current().routing().table().route("r1");
    store.apply(3, List.of(put("/apisix/services/s1", "{\"hosts\":[\"foo.com\"],\"upstream\":" + upstream + "}", 3)));
    RuntimeConfig got = store.current();
    assertNull(got.router().match(new Request("GET", "/r0", "bar.com")), "routes inherit the new hosts");
    assertNotNull(got.router().match(new Request("GET", "/r0", "foo.com")));
    assertNotSame(untouchedSpec, got.routing().table().route("r1"), "every route was resolved again");
    assertSame(own, target(store, "/r1").inlineUpstream(), "a route the change did not reach keeps its balancer");
    ConfigStore scratch = store("radixtree_host_uri");
    scratch.replaceAll(ConfigOrigin.ETCD, 3, 1, allEntries(got), "oracle");
    for (int i = 0; i < routes; i += 7) {
      Request q = new Request("GET", "/r" + i, i % 3 == 0 ? "foo.com" : "bar.com");
      assertEquals(routed(scratch.current(), q), routed(got, q), q.toString());
    }
    assertEquals(inlineUsers(scratch.current().routing()), inlineUsers(got.routing()));
  }

  private static RouteTarget target(ConfigStore store, String path) {
    Match<RouteTarget> m = store.current().router().match(new Request("GET", path, null));
    assertNotNull(m, path);
    return m.route().payload();
  }

  private record Request(String method, String path, String host) implements RequestView {
    @Override
    public String remoteAddr() {
      return "127.0.0.1";
    }

    @Override
    public String var(String name) {
      return switch (name) {
        case "uri" -> path;
        case "host", "http_host" -> host;
        case "request_method" -> method;
        case "remote_addr" -> "127.0.0.1";
        default -> null;
      };
    }
  }
}
