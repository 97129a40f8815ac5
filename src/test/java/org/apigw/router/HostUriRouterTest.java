package org.apigw.router;

import static org.apigw.router.R.id;
import static org.apigw.router.R.route;
import static org.apigw.router.R.router;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** radixtree_host_uri: host routes first (exact host, then wildcard suffixes), then host-less. */
class HostUriRouterTest {
  private static final String KIND = "radixtree_host_uri";

  @Test
  void defaultKind_isHostUri() {
    Router<String> r =
        Router.build(
            null,
            java.util.List.of(
                route("hostless", "/x").priority(100).spec(), route("host", "/x").hosts("a.com").spec()));
    assertEquals("host", id(r, Req.get("/x").host("a.com")));
  }

  @Test
  void hostRoute_beatsHostless_regardlessOfPriority() {
    Router<String> r =
        router(KIND, route("hostless", "/x").priority(100), route("host", "/x").hosts("a.com"));
    assertEquals("host", id(r, Req.get("/x").host("a.com")));
    assertEquals("hostless", id(r, Req.get("/x").host("b.com")));
  }

  @Test
  void hostRoute_beatsHostless_evenWhenHostlessUriIsMoreSpecific() {
    Router<String> r =
        router(KIND, route("hostless", "/api/v1/x"), route("host", "/*").hosts("a.com"));
    assertEquals("host", id(r, Req.get("/api/v1/x").host("a.com")));
  }

  @Test
  void hostRouteFailingFilter_fallsBackToHostless() {
    Router<String> r =
        router(
            KIND,
            route("hostless", "/x"),
            route("host", "/x").hosts("a.com").methods("POST"));
    assertEquals("host", id(r, Req.get("/x").host("a.com").method("POST")));
    assertEquals("hostless", id(r, Req.get("/x").host("a.com").method("GET")));
  }

  @Test
  void hostRouteWithOtherUri_fallsBackToHostless() {
    Router<String> r = router(KIND, route("hostless", "/y"), route("host", "/x").hosts("a.com"));
    assertEquals("hostless", id(r, Req.get("/y").host("a.com")));
  }

  @Test
  void wildcardHost_matchesSubdomainsButNotApex() {
    Router<String> r = router(KIND, route("wild", "/x").hosts("*.foo.com"));
    assertEquals("wild", id(r, Req.get("/x").host("a.foo.com")));
    assertEquals("wild", id(r, Req.get("/x").host("a.b.foo.com")));
    assertEquals("wild", id(r, Req.get("/x").host(".foo.com")));
    assertNull(id(r, Req.get("/x").host("foo.com")));
    assertNull(id(r, Req.get("/x").host("afoo.com")));
    assertNull(id(r, Req.get("/x").host("a.foo.co")));
  }

  @Test
  void exactHost_beatsWildcardHost() {
    Router<String> r =
        router(
            KIND,
            route("wild", "/x").hosts("*.foo.com").priority(10),
            route("exact", "/x").hosts("a.foo.com"));
    assertEquals("exact", id(r, Req.get("/x").host("a.foo.com")));
    assertEquals("wild", id(r, Req.get("/x").host("b.foo.com")));
  }

  @Test
  void longerWildcard_beatsShorter_andFallsBackToShorter() {
    Router<String> r =
        router(
            KIND,
            route("com", "/*").hosts("*.com"),
            route("foo", "/x").hosts("*.foo.com"),
            route("bar", "/x").hosts("*.bar.foo.com").methods("POST"));
    assertEquals("bar", id(r, Req.get("/x").host("a.bar.foo.com").method("POST")));
    assertEquals("foo", id(r, Req.get("/x").host("a.bar.foo.com")));
    assertEquals("com", id(r, Req.get("/y").host("a.bar.foo.com")));
  }

  @Test
  void bareStarHost_matchesAnyHost_butAfterSpecificHosts() {
    Router<String> r =
        router(
            KIND,
            route("any", "/x").hosts("*"),
            route("a", "/x").hosts("a.com"),
            route("hostless", "/x").priority(99));
    assertEquals("a", id(r, Req.get("/x").host("a.com")));
    assertEquals("any", id(r, Req.get("/x").host("z.org")));
    assertEquals("hostless", id(r, Req.get("/x"))); // no Host at all
  }

  @Test
  void routeWithSeveralHosts_isIndexedUnderEach() {
    Router<String> r = router(KIND, route("multi", "/x").hosts("a.com", "*.b.com"));
    assertEquals("multi", id(r, Req.get("/x").host("a.com")));
    assertEquals("multi", id(r, Req.get("/x").host("c.b.com")));
    assertNull(id(r, Req.get("/x").host("c.com")));
  }

  @Test
  void routeHosts_areLowerCased() {
    Router<String> r = router(KIND, route("a", "/x").hosts("A.Com"), route("w", "/y").hosts("*.B.com"));
    assertEquals("a", id(r, Req.get("/x").host("a.com")));
    assertEquals("w", id(r, Req.get("/y").host("x.b.com")));
  }

  @Test
  void withinHost_uriRulesStillApply() {
    Router<String> r =
        router(
            KIND,
            route("prefix", "/api/*").hosts("a.com"),
            route("exact", "/api/x").hosts("a.com").priority(-1),
            route("high", "/api/*").hosts("a.com").priority(5));
    assertEquals("exact", id(r, Req.get("/api/x").host("a.com")));
    assertEquals("high", id(r, Req.get("/api/y").host("a.com")));
  }

  @Test
  void hostWithPort_comparesFullHostHeader_first() {
    Router<String> r =
        router(
            KIND,
            route("plain", "/x").hosts("a.com"),
            route("port", "/x").hosts("a.com:8080"));
    assertEquals("port", id(r, Req.get("/x").hostHeader("a.com:8080")));
    assertEquals("plain", id(r, Req.get("/x").hostHeader("a.com:9090")));
    assertEquals("plain", id(r, Req.get("/x").host("a.com")));
  }

  @Test
  void hostlessRoutes_filtersStillApply() {
    Router<String> r = router(KIND, route("v", "/x").vars("[['arg_a','==','1']]"));
    assertEquals("v", id(r, Req.get("/x").host("q.com").var("arg_a", "1")));
    assertNull(id(r, Req.get("/x").host("q.com")));
  }
}
