package org.apigw.router;

import static org.apigw.router.R.id;
import static org.apigw.router.R.route;
import static org.apigw.router.R.router;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** radixtree_uri_with_parameter: {@code :name} and {@code *name} captures. */
class ParamRouterTest {
  private static final String KIND = "radixtree_uri_with_parameter";

  @Test
  void paramSegment_isCaptured() {
    Router<String> r = router(KIND, route("u", "/user/:id"));
    Match<String> m = r.match(Req.get("/user/42"));
    assertEquals("u", m.route().id());
    assertEquals("/user/:id", m.matchedUri());
    assertEquals(Map.of("id", "42"), m.params());
  }

  @Test
  void paramSegment_needsOneNonEmptySegment() {
    Router<String> r = router(KIND, route("u", "/user/:id"));
    assertNull(id(r, Req.get("/user/")));
    assertNull(id(r, Req.get("/user")));
    assertNull(id(r, Req.get("/user/42/more")));
  }

  @Test
  void severalParams_andLiteralsBetween() {
    Router<String> r = router(KIND, route("f", "/user/:uid/files/:fid/"));
    assertEquals(
        Map.of("uid", "7", "fid", "a.txt"), r.match(Req.get("/user/7/files/a.txt/")).params());
    assertNull(id(r, Req.get("/user/7/files/a.txt")));
    assertNull(id(r, Req.get("/user/7/dirs/a.txt/")));
  }

  @Test
  void restParam_capturesEverythingIncludingSlashes() {
    Router<String> r = router(KIND, route("s", "/static/*path"));
    assertEquals(Map.of("path", "css/site/a.css"), r.match(Req.get("/static/css/site/a.css")).params());
    assertEquals(Map.of("path", ""), r.match(Req.get("/static/")).params());
    assertNull(id(r, Req.get("/static")));
  }

  @Test
  void bareStar_isCapturedAsExt() {
    Router<String> r = router(KIND, route("s", "/files/*"));
    assertEquals(Map.of(":ext", "a/b"), r.match(Req.get("/files/a/b")).params());
  }

  @Test
  void paramThenRest() {
    Router<String> r = router(KIND, route("p", "/repo/:name/*rest"));
    assertEquals(
        Map.of("name", "gw", "rest", "src/main"), r.match(Req.get("/repo/gw/src/main")).params());
  }

  @Test
  void restInTheMiddle_backtracksToMatchTheEnd() {
    Router<String> r = router(KIND, route("m", "/a/*mid/:last"));
    assertEquals(Map.of("mid", "b/c", "last", "d"), r.match(Req.get("/a/b/c/d")).params());
  }

  @Test
  void exactUri_beatsParamUri() {
    Router<String> r = router(KIND, route("param", "/user/:id").priority(10), route("me", "/user/me"));
    assertEquals("me", id(r, Req.get("/user/me")));
    assertEquals("param", id(r, Req.get("/user/you")));
  }

  @Test
  void sameBucket_longerOriginalUriFirst_thenPriorityOverrides() {
    Router<String> r =
        router(KIND, route("short", "/user/:id"), route("long", "/user/:id/profile"));
    assertEquals("long", id(r, Req.get("/user/1/profile")));
    assertEquals("short", id(r, Req.get("/user/1")));
    Router<String> r2 =
        router(KIND, route("short", "/user/*rest").priority(1), route("long", "/user/:id/profile"));
    assertEquals("short", id(r2, Req.get("/user/1/profile")));
  }

  @Test
  void paramRoute_failingPattern_fallsBackToShorterPrefix() {
    Router<String> r = router(KIND, route("root", "/*"), route("u", "/user/:id"));
    assertEquals("u", id(r, Req.get("/user/1")));
    assertEquals("root", id(r, Req.get("/user/1/2")));
  }

  @Test
  void colonInsideSegment_isLiteral() {
    Router<String> r = router(KIND, route("c", "/a:b"));
    assertEquals("c", id(r, Req.get("/a:b")));
    assertNull(id(r, Req.get("/a:c")));
  }

  @Test
  void filtersApplyToParamRoutes() {
    Router<String> r =
        router(KIND, route("post", "/u/:id").methods("POST"), route("get", "/u/:id"));
    assertEquals("post", id(r, Req.get("/u/1").method("POST")));
    assertEquals("get", id(r, Req.get("/u/1")));
  }

  @Test
  void otherKinds_exposeNoParams() {
    Router<String> r = router("radixtree_uri", route("s", "/static/*path"));
    assertEquals(Map.of(), r.match(Req.get("/static/a")).params());
  }
}
