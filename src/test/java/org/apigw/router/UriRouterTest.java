package org.apigw.router;

import static org.apigw.router.R.id;
import static org.apigw.router.R.route;
import static org.apigw.router.R.router;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** URI behaviour shared by all three router kinds, plus radixtree_uri specifics. */
class UriRouterTest {
  private static final String URI = "radixtree_uri";

  /* ---- uri matching, every kind ---- */

  @ParameterizedTest
  @ValueSource(strings = {"radixtree_uri", "radixtree_host_uri", "radixtree_uri_with_parameter"})
  void exactUri_matchesOnlyItself(String kind) {
    Router<String> r = router(kind, route("a", "/foo"));
    assertEquals("a", id(r, Req.get("/foo")));
    assertNull(id(r, Req.get("/foo/")));
    assertNull(id(r, Req.get("/fo")));
    assertNull(id(r, Req.get("/foobar")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"radixtree_uri", "radixtree_host_uri", "radixtree_uri_with_parameter"})
  void trailingStar_isPrefixOnTextBeforeIt(String kind) {
    Router<String> r = router(kind, route("a", "/foo*"));
    assertEquals("a", id(r, Req.get("/foo")));
    assertEquals("a", id(r, Req.get("/foo/")));
    assertEquals("a", id(r, Req.get("/foobar")));
    assertEquals("a", id(r, Req.get("/foo/bar/baz")));
    assertNull(id(r, Req.get("/fo")));
    assertNull(id(r, Req.get("/bar")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"radixtree_uri", "radixtree_host_uri", "radixtree_uri_with_parameter"})
  void slashStar_matchesUnderDirectoryButNotDirectoryItself(String kind) {
    Router<String> r = router(kind, route("a", "/blog/foo/*"));
    assertEquals("a", id(r, Req.get("/blog/foo/")));
    assertEquals("a", id(r, Req.get("/blog/foo/x")));
    assertEquals("a", id(r, Req.get("/blog/foo/x/y")));
    assertNull(id(r, Req.get("/blog/foo")));
    assertNull(id(r, Req.get("/blog/foobar")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"radixtree_uri", "radixtree_host_uri", "radixtree_uri_with_parameter"})
  void exact_beatsPrefix_evenWithLowerPriority(String kind) {
    Router<String> r =
        router(kind, route("prefix", "/foo*").priority(100), route("exact", "/foo").priority(-5));
    assertEquals("exact", id(r, Req.get("/foo")));
    assertEquals("prefix", id(r, Req.get("/foo/x")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"radixtree_uri", "radixtree_host_uri", "radixtree_uri_with_parameter"})
  void longestPrefix_wins_regardlessOfPriority(String kind) {
    Router<String> r =
        router(
            kind,
            route("root", "/*").priority(10),
            route("api", "/api/*").priority(5),
            route("v1", "/api/v1/*"));
    assertEquals("v1", id(r, Req.get("/api/v1/users")));
    assertEquals("api", id(r, Req.get("/api/v2/users")));
    assertEquals("root", id(r, Req.get("/other")));
    assertEquals("api", id(r, Req.get("/api/v1"))); // "/api/v1/" is not a prefix of "/api/v1"
  }

  @ParameterizedTest
  @ValueSource(strings = {"radixtree_uri", "radixtree_host_uri", "radixtree_uri_with_parameter"})
  void fallsBackToShorterPrefix_whenNoRouteInBucketPassesFilters(String kind) {
    Router<String> r =
        router(
            kind,
            route("root", "/*"),
            route("api", "/api/*"),
            route("v1post", "/api/v1/*").methods("POST"));
    assertEquals("v1post", id(r, Req.get("/api/v1/x").method("POST")));
    assertEquals("api", id(r, Req.get("/api/v1/x").method("GET")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"radixtree_uri", "radixtree_host_uri", "radixtree_uri_with_parameter"})
  void exactBucketFilteredOut_fallsBackToPrefix(String kind) {
    Router<String> r =
        router(kind, route("exact", "/foo").methods("PUT"), route("prefix", "/fo*"));
    assertEquals("exact", id(r, Req.get("/foo").method("PUT")));
    assertEquals("prefix", id(r, Req.get("/foo").method("GET")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"radixtree_uri", "radixtree_host_uri", "radixtree_uri_with_parameter"})
  void priority_ordersRoutesWithinBucket(String kind) {
    Router<String> r =
        router(
            kind,
            route("low", "/p").priority(1),
            route("high", "/p").priority(9),
            route("mid", "/p").priority(5));
    assertEquals("high", id(r, Req.get("/p")));
    Router<String> pr =
        router(kind, route("low", "/p/*").priority(-1), route("high", "/p/*").priority(3));
    assertEquals("high", id(pr, Req.get("/p/x")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"radixtree_uri", "radixtree_host_uri", "radixtree_uri_with_parameter"})
  void insertionOrder_breaksPriorityTies(String kind) {
    Router<String> r = router(kind, route("first", "/p"), route("second", "/p"));
    assertEquals("first", id(r, Req.get("/p")));
    Router<String> r2 = router(kind, route("second", "/p"), route("first", "/p"));
    assertEquals("second", id(r2, Req.get("/p")));
    Router<String> pr = router(kind, route("x", "/p/*"), route("y", "/p/*"), route("z", "/p/*"));
    assertEquals("x", id(pr, Req.get("/p/q")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"radixtree_uri", "radixtree_host_uri", "radixtree_uri_with_parameter"})
  void lowerPriorityRoute_matchesWhenHigherOneIsFilteredOut(String kind) {
    Router<String> r =
        router(kind, route("get", "/p").methods("GET").priority(5), route("any", "/p"));
    assertEquals("get", id(r, Req.get("/p")));
    assertEquals("any", id(r, Req.get("/p").method("DELETE")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"radixtree_uri", "radixtree_host_uri", "radixtree_uri_with_parameter"})
  void routeWithSeveralUris_isIndexedUnderEach_andReportsMatchedUri(String kind) {
    Router<String> r = router(kind, route("a", "/one", "/two/*"));
    Match<String> m1 = r.match(Req.get("/one"));
    Match<String> m2 = r.match(Req.get("/two/x"));
    assertEquals("/one", m1.matchedUri());
    assertEquals("/two/*", m2.matchedUri());
    assertEquals("a", m2.route().id());
    assertEquals(Map.of(), m1.params());
  }

  @ParameterizedTest
  @ValueSource(strings = {"radixtree_uri", "radixtree_host_uri", "radixtree_uri_with_parameter"})
  void noRoute_returnsNull(String kind) {
    assertNull(id(router(kind), Req.get("/")));
    assertNull(id(router(kind, route("a", "/a")), Req.get("/b")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"radixtree_uri", "radixtree_host_uri", "radixtree_uri_with_parameter"})
  void rootStar_matchesEverything(String kind) {
    Router<String> r = router(kind, route("all", "*"));
    assertEquals("all", id(r, Req.get("/")));
    assertEquals("all", id(r, Req.get("/x/y")));
  }

  /* ---- filters ---- */

  @Test
  void methods_emptyMeansAll_otherwiseListed() {
    Router<String> r =
        router(URI, route("rw", "/m").methods("post", "PUT"), route("all", "/m"));
    assertEquals("rw", id(r, Req.get("/m").method("POST")));
    assertEquals("rw", id(r, Req.get("/m").method("PUT")));
    assertEquals("all", id(r, Req.get("/m").method("GET")));
    assertEquals("all", id(r, Req.get("/m").method("PURGE")));
  }

  @Test
  void remoteAddrs_ipv4Cidr() {
    Router<String> r =
        router(URI, route("lan", "/r").remoteAddrs("192.168.0.0/16", "10.0.0.1"), route("any", "/r"));
    assertEquals("lan", id(r, Req.get("/r").from("192.168.3.4")));
    assertEquals("lan", id(r, Req.get("/r").from("10.0.0.1")));
    assertEquals("any", id(r, Req.get("/r").from("10.0.0.2")));
  }

  @Test
  void remoteAddrs_ipv6Cidr() {
    Router<String> r = router(URI, route("v6", "/r").remoteAddrs("2001:db8::/32", "::1"));
    assertEquals("v6", id(r, Req.get("/r").from("2001:db8:1::5")));
    assertEquals("v6", id(r, Req.get("/r").from("::1")));
    assertNull(id(r, Req.get("/r").from("2001:db9::5")));
    assertNull(id(r, Req.get("/r").from("127.0.0.1")));
  }

  @Test
  void remoteAddrs_invalid_failsBuildNamingRoute() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> router(URI, route("bad", "/r").remoteAddrs("10.0.0.0/40")));
    assertEquals("route bad: invalid ip address: 10.0.0.0/40", e.getMessage());
  }

  @Test
  void hosts_exactAndWildcardFilter() {
    Router<String> r =
        router(
            URI,
            route("exact", "/h").hosts("api.example.com"),
            route("wild", "/h").hosts("*.foo.com"));
    assertEquals("exact", id(r, Req.get("/h").host("api.example.com")));
    assertEquals("wild", id(r, Req.get("/h").host("a.foo.com")));
    assertEquals("wild", id(r, Req.get("/h").host("a.b.foo.com")));
    assertNull(id(r, Req.get("/h").host("foo.com")));
    assertNull(id(r, Req.get("/h").host("afoo.com")));
    assertNull(id(r, Req.get("/h"))); // no host at all
  }

  @Test
  void hosts_areCaseInsensitive() {
    Router<String> r = router(URI, route("a", "/h").hosts("API.Example.COM"));
    assertEquals("a", id(r, Req.get("/h").host("api.example.com")));
  }

  @Test
  void hosts_withPort_compareFullHostHeader() {
    Router<String> r = router(URI, route("p", "/h").hosts("foo.com:8080"));
    assertEquals("p", id(r, Req.get("/h").hostHeader("foo.com:8080")));
    assertEquals("p", id(r, Req.get("/h").hostHeader("FOO.com:8080")));
    assertNull(id(r, Req.get("/h").hostHeader("foo.com:9090")));
    assertNull(id(r, Req.get("/h").host("foo.com")));
  }

  @Test
  void hostPortDetection_handlesIpv6Literals() {
    assertTrue(RouteEntry.hasPort("foo.com:80"));
    assertTrue(RouteEntry.hasPort("[::1]:80"));
    assertEquals(false, RouteEntry.hasPort("[::1]"));
    assertEquals(false, RouteEntry.hasPort("foo.com"));
  }

  @Test
  void radixtreeUri_ignoresHostPrecedence_priorityDecides() {
    Router<String> r =
        router(URI, route("hostless", "/x").priority(5), route("hosted", "/x").hosts("a.com"));
    assertEquals("hostless", id(r, Req.get("/x").host("a.com")));
    // and with equal priority, input order
    Router<String> r2 = router(URI, route("hostless", "/x"), route("hosted", "/x").hosts("a.com"));
    assertEquals("hostless", id(r2, Req.get("/x").host("a.com")));
  }

  @Test
  void vars_filter() {
    Router<String> r =
        router(
            URI,
            route("beta", "/v").vars("[['http_x_env','==','beta'],['arg_n','>',10]]"),
            route("neg", "/v").vars("[['http_user_agent','!','~*','android']]"),
            route("or", "/v").vars("['OR',['arg_a','in',['1','2']],['cookie_c','has','z']]"));
    assertEquals("beta", id(r, Req.get("/v").var("http_x_env", "beta").var("arg_n", "11")
        .var("http_user_agent", "Android")));
    assertEquals("neg", id(r, Req.get("/v").var("http_x_env", "beta").var("arg_n", "9")));
    assertEquals("or", id(r, Req.get("/v").var("http_user_agent", "android").var("arg_a", "2")));
    assertEquals("or", id(r, Req.get("/v").var("http_user_agent", "android").var("cookie_c", "y,z")));
    assertNull(id(r, Req.get("/v").var("http_user_agent", "android")));
  }

  @Test
  void vars_ipmatchOnRemoteAddr() {
    Router<String> r =
        router(URI, route("a", "/v").vars("[['remote_addr','ipmatch',['10.0.0.0/8']]]"));
    assertEquals("a", id(r, Req.get("/v").from("10.9.9.9")));
    assertNull(id(r, Req.get("/v").from("11.9.9.9")));
  }

  @Test
  void filters_allMustPass() {
    Router<String> r =
        router(
            URI,
            route("a", "/f")
                .methods("GET")
                .hosts("a.com")
                .remoteAddrs("10.0.0.0/8")
                .vars("[['arg_k','==','v']]"));
    Req ok = Req.get("/f").host("a.com").from("10.1.1.1").var("arg_k", "v");
    assertEquals("a", id(r, ok));
    assertNull(id(r, Req.get("/f").host("a.com").from("10.1.1.1").var("arg_k", "v").method("PUT")));
    assertNull(id(r, Req.get("/f").host("b.com").from("10.1.1.1").var("arg_k", "v")));
    assertNull(id(r, Req.get("/f").host("a.com").from("11.1.1.1").var("arg_k", "v")));
    assertNull(id(r, Req.get("/f").host("a.com").from("10.1.1.1").var("arg_k", "w")));
  }

  /* ---- radixtree_uri specifics ---- */

  @Test
  void colon_isLiteral_withoutParameterRouter() {
    Router<String> r = router(URI, route("a", "/user/:id"));
    assertEquals("a", id(r, Req.get("/user/:id")));
    assertNull(id(r, Req.get("/user/42")));
    assertEquals(Map.of(), r.match(Req.get("/user/:id")).params());
  }

  @Test
  void starSegmentInTheMiddle_requiresTheRest() {
    Router<String> r = router(URI, route("a", "/a/*/end"));
    assertEquals("a", id(r, Req.get("/a/x/y/end")));
    assertEquals("a", id(r, Req.get("/a//end")));
    assertNull(id(r, Req.get("/a/x/y/other")));
    assertEquals(Map.of(), r.match(Req.get("/a/x/end")).params());
  }

  @Test
  void unknownKind_isRejectedByName() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Router.build("radix_magic", List.of()));
    assertTrue(e.getMessage().contains("'radix_magic'"), e.getMessage());
  }

  @Test
  void concurrentMatching_isSafe() throws Exception {
    Router<String> r =
        router(URI, route("a", "/a/*"), route("b", "/a/b/*").methods("GET"), route("c", "/c"));
    Thread[] ts = new Thread[4];
    java.util.concurrent.atomic.AtomicInteger bad = new java.util.concurrent.atomic.AtomicInteger();
    for (int t = 0; t < ts.length; t++) {
      ts[t] =
          new Thread(
              () -> {
                for (int i = 0; i < 20_000; i++) {
                  if (!"b".equals(id(r, Req.get("/a/b/c")))
                      || !"a".equals(id(r, Req.get("/a/b/c").method("POST")))
                      || !"c".equals(id(r, Req.get("/c")))) {
                    bad.incrementAndGet();
                  }
                }
              });
      ts[t].start();
    }
    for (Thread t : ts) {
      t.join();
    }
    assertEquals(0, bad.get());
  }

  @ParameterizedTest
  @ValueSource(strings = {"radixtree_uri", "radixtree_host_uri"})
  void match_allocatesOnlyTheMatch(String kind) {
    Router<String> r =
        router(
            kind,
            route("root", "/*"),
            route("api", "/api/*").methods("GET").remoteAddrs("10.0.0.0/8"),
            route("h", "/api/v1/*").hosts("*.foo.com").vars("[['arg_a','~~','^x']]"),
            route("e", "/exact"));
    Req[] reqs = {
      Req.get("/api/v1/q").host("a.foo.com").from("10.1.1.1").var("arg_a", "xy"),
      Req.get("/api/v1/q").host("a.bar.com").from("10.1.1.1"),
      Req.get("/api/v1/q").host("a.bar.com").from("11.1.1.1"),
      Req.get("/exact")
    };
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    int sink = 0;
    for (int i = 0; i < 20_000; i++) {
      for (Req q : reqs) {
        sink += r.match(q).matchedUri().length();
      }
    }
    long tid = Thread.currentThread().getId();
    long before = mx.getThreadAllocatedBytes(tid);
    int n = 10_000;
    for (int i = 0; i < n; i++) {
      for (Req q : reqs) {
        sink += r.match(q).matchedUri().length();
      }
    }
    long perMatch = (mx.getThreadAllocatedBytes(tid) - before) / (n * reqs.length);
    // a Match record is 24 bytes with compressed oops; anything else per match would show here
    assertTrue(perMatch <= 32, "allocated " + perMatch + " bytes per match (sink " + sink + ")");
  }
}
