package org.apigw.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A {@link RouteTable} patched one change at a time must route exactly like {@link Router#build}
 * over the same routes listed in id order, for every router kind; and older tables must keep
 * routing as they did.
 */
class RouteTableTest {

  /** A small vocabulary, so that routes share buckets, hosts and tie on priority and uri length. */
  private static final String[] URIS = {
    "/a", "/b", "/a/b", "/a/*", "/a/b/*", "/a/:x", "/a/:x/c", "/a/*rest", "/b/:x/:y", "/*", "/a*", "/c/d"
  };

  private static final String[] HOSTS = {"foo.com", "bar.com", "*.foo.com", "*", "foo.com:8080", "*.com"};

  private static RouteSpec<String> randomRoute(Random random, String id) {
    List<String> uris = new ArrayList<>();
    for (int n = 1 + random.nextInt(random.nextInt(6) == 0 ? 3 : 1); n > 0; n--) {
      uris.add(URIS[random.nextInt(URIS.length)]);
    }
    List<String> hosts = new ArrayList<>();
    if (random.nextInt(3) == 0) {
      for (int n = 1 + random.nextInt(2); n > 0; n--) {
        hosts.add(HOSTS[random.nextInt(HOSTS.length)]);
      }
    }
    List<String> methods = random.nextInt(4) == 0 ? List.of("POST") : List.of();
    int priority = random.nextInt(6) == 0 ? random.nextInt(3) - 1 : 0;
    return new RouteSpec<>(id, uris, methods, hosts, List.of(), null, priority, id + "@" + random.nextInt(1000));
  }

  private static Req randomRequest(Random random) {
    String[] paths = {"/a", "/b", "/a/b", "/a/b/c", "/a/z", "/a/z/c", "/b/1/2", "/c/d", "/ax", "/", "/zz"};
    String[] hosts = {"foo.com", "x.foo.com", "bar.com", "other.org", "FOO.com"};
    Req r = Req.get(paths[random.nextInt(paths.length)]).method(random.nextInt(3) == 0 ? "POST" : "GET");
    String host = hosts[random.nextInt(hosts.length)];
    return random.nextInt(4) == 0 ? r.hostHeader(host + ":8080") : r.host(host);
  }

  private static String describe(Match<String> m) {
    return m == null ? null : m.route().payload() + " via " + m.matchedUri() + " " + m.params();
  }

  @ParameterizedTest
  @ValueSource(strings = {"radixtree_host_uri", "radixtree_uri", "radixtree_uri_with_parameter"})
  void randomUpdates_routeExactlyLikeAFullBuildInIdOrder(String kind) {
    Random random = new Random(kind.hashCode());
    RouteTable<String> table = RouteTable.empty(kind);
    TreeMap<String, RouteSpec<String>> model = new TreeMap<>();
    List<RouteTable<String>> versions = new ArrayList<>();
    List<Router<String>> references = new ArrayList<>();
    for (int step = 0; step < 600; step++) {
      List<String> removed = new ArrayList<>();
      List<RouteSpec<String>> put = new ArrayList<>();
      for (int n = 1 + random.nextInt(3); n > 0; n--) {
        String id = "r" + random.nextInt(60);
        if (random.nextInt(4) == 0) {
          removed.add(id);
          model.remove(id);
        } else {
          RouteSpec<String> spec = randomRoute(random, id);
          put.add(spec);
          model.put(id, spec);
        }
      }
      // the model applies removals and puts in call order; the table applies removals first
      put.removeIf(spec -> model.get(spec.id()) != spec);
      removed.removeIf(model::containsKey);
      table = table.update(removed, put);
      assertEquals(model.size(), table.size());
      Router<String> reference = Router.build(kind, new ArrayList<>(model.values()));
      for (int k = 0; k < 40; k++) {
        Req q = randomRequest(random);
        String context = "step " + step + " " + q.method() + " " + q.host() + q.path();
        assertEquals(describe(reference.match(q)), describe(table.match(q)), context);
      }
      if (step % 100 == 0) {
        versions.add(table);
        references.add(reference);
      }
    }
    for (int v = 0; v < versions.size(); v++) {
      for (int k = 0; k < 200; k++) {
        Req q = randomRequest(random);
        assertEquals(describe(references.get(v).match(q)), describe(versions.get(v).match(q)), "old version " + v);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"radixtree_host_uri", "radixtree_uri"})
  void equalPriorityAndUriLength_areBrokenByRouteId_notByUpdateOrder(String kind) {
    RouteSpec<String> b = R.route("b", "/same").spec();
    RouteSpec<String> a = R.route("a", "/same").spec();
    RouteTable<String> table = RouteTable.<String>empty(kind).update(List.of(), List.of(b)).update(List.of(), List.of(a));
    assertEquals("a", table.match(Req.get("/same")).route().id());
    table = table.update(List.of(), List.of(R.route("a", "/same").methods("POST").spec()));
    assertEquals("b", table.match(Req.get("/same")).route().id());
  }

  @ParameterizedTest
  @ValueSource(strings = {"radixtree_host_uri", "radixtree_uri_with_parameter"})
  void removingTheLastRouteOfAHostOrBucket_leavesNoTrace(String kind) {
    RouteSpec<String> hosted = R.route("h", "/p/*").hosts("*.foo.com").spec();
    RouteSpec<String> plain = R.route("p", "/p/*x").spec();
    RouteTable<String> table = RouteTable.<String>empty(kind).update(List.of(), List.of(hosted, plain));
    RouteTable<String> without = table.update(List.of("h", "missing"), List.of());
    assertEquals(1, without.size());
    assertNull(without.route("h"));
    assertEquals("p", without.match(Req.get("/p/1").host("a.foo.com")).route().id());
    RouteTable<String> empty = without.update(List.of("p"), List.of());
    assertNull(empty.match(Req.get("/p/1").host("a.foo.com")));
    assertEquals(kind.equals("radixtree_host_uri") ? "h" : "p", table.match(Req.get("/p/1").host("a.foo.com")).route().id());
  }

  @ParameterizedTest
  @ValueSource(strings = {"radixtree_host_uri", "radixtree_uri"})
  void aRouteThatDoesNotCompile_failsTheUpdate_andLeavesTheTableAsItWas(String kind) {
    RouteTable<String> table = RouteTable.<String>empty(kind).update(List.of(), List.of(R.route("a", "/a").spec()));
    RouteSpec<String> bad = R.route("b", "/b").remoteAddrs("not-an-address").spec();
    assertThrows(IllegalArgumentException.class, () -> table.update(List.of("a"), List.of(bad)));
    assertEquals("a", table.match(Req.get("/a")).route().id());
    assertTrue(table.route("b") == null && table.size() == 1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"radixtree_host_uri", "radixtree_uri_with_parameter"})
  void noChange_returnsTheSameTable(String kind) {
    RouteTable<String> table = RouteTable.<String>empty(kind).update(List.of(), List.of(R.route("a", "/a").spec()));
    assertTrue(table == table.update(List.of("nope"), List.of()));
    assertEquals(Map.of(), table.match(Req.get("/a")).params());
  }
}
