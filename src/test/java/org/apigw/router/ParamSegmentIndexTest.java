package org.apigw.router;

import static org.apigw.router.R.id;
import static org.apigw.router.R.route;
import static org.apigw.router.R.router;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Prefix buckets with many capture entries are segment-indexed ({@link UriIndex.SegmentIndex});
 * the result must be exactly that of scanning the bucket in {@link RouteEntry#ORDER}.
 */
class ParamSegmentIndexTest {
  private static final String KIND = "radixtree_uri_with_parameter";

  /** Filler routes that push the /a/ bucket over the index threshold without matching. */
  private static List<R> filler(String prefix, int n) {
    List<R> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(route("fill" + i, prefix + ":f" + i + "/nomatch" + i));
    }
    return out;
  }

  private static Router<String> indexed(String kind, R... routes) {
    List<R> all = new ArrayList<>(filler("/a/", UriIndex.SEGMENT_INDEX_MIN + 4));
    all.addAll(filler("/a/c/", UriIndex.SEGMENT_INDEX_MIN + 4));
    all.addAll(List.of(routes));
    return router(kind, all.toArray(new R[0]));
  }

  @Test
  void backtracking_acrossParamLiteralAndStar() {
    // keys: /a/:x/b and /a/*r are in bucket /a/, /a/c/:y in the deeper bucket /a/c/
    Router<String> r =
        indexed(KIND, route("xb", "/a/:x/b"), route("cy", "/a/c/:y"), route("rest", "/a/*r"));
    assertEquals("cy", id(r, Req.get("/a/c/b"))); // the longer prefix bucket is tried first
    assertEquals(Map.of("y", "b"), r.match(Req.get("/a/c/b")).params());
    assertEquals("cy", id(r, Req.get("/a/c/d")));
    assertEquals("xb", id(r, Req.get("/a/z/b")));
    assertEquals(Map.of("x", "z"), r.match(Req.get("/a/z/b")).params());
    assertEquals("rest", id(r, Req.get("/a/z/d")));
    assertEquals("rest", id(r, Req.get("/a/c")));
    // /a/c/:y cannot take b/e: back to the /a/ bucket, where /a/:x/b fails and *r matches
    assertEquals("rest", id(r, Req.get("/a/c/b/e")));
    assertEquals(Map.of("r", "c/b/e"), r.match(Req.get("/a/c/b/e")).params());
    assertEquals("rest", id(r, Req.get("/a/")));
    assertEquals(Map.of("r", ""), r.match(Req.get("/a/")).params());
    assertNull(id(r, Req.get("/a")));
  }

  @Test
  void backtracking_reversedInputOrder_andPriority() {
    Router<String> r =
        indexed(KIND, route("cy", "/a/c/:y"), route("xb", "/a/:x/b"), route("rest", "/a/*r"));
    assertEquals("cy", id(r, Req.get("/a/c/b")));
    assertEquals("xb", id(r, Req.get("/a/z/b")));
    Router<String> p =
        indexed(
            KIND,
            route("xb", "/a/:x/b"),
            route("cy", "/a/c/:y"),
            route("rest", "/a/*r").priority(1));
    assertEquals("cy", id(p, Req.get("/a/c/b"))); // priority does not cross buckets
    assertEquals("rest", id(p, Req.get("/a/z/b"))); // but orders within one
  }

  @Test
  void backtracking_withinOneBucket() {
    Router<String> r =
        indexed(
            KIND,
            route("xb", "/a/:x/b"),
            route("zw", "/a/:z/:w"),
            route("mid", "/a/*mid/b"),
            route("rest", "/a/*rest"));
    // all four match /a/c/b: longest uri first (/a/*mid/b, 9 chars)
    assertEquals("mid", id(r, Req.get("/a/c/b")));
    assertEquals("mid", id(r, Req.get("/a/c/d/b")));
    assertEquals(Map.of("mid", "c/d"), r.match(Req.get("/a/c/d/b")).params());
    assertEquals("zw", id(r, Req.get("/a/c/d")));
    assertEquals("rest", id(r, Req.get("/a/c/d/e")));
    Router<String> p =
        indexed(
            KIND,
            route("xb", "/a/:x/b").priority(2),
            route("zw", "/a/:z/:w").priority(1),
            route("mid", "/a/*mid/b"),
            route("rest", "/a/*rest"));
    assertEquals("xb", id(p, Req.get("/a/c/b")));
    assertEquals("zw", id(p, Req.get("/a/c/d")));
    assertEquals("mid", id(p, Req.get("/a//b")));
  }

  @Test
  void orderAcrossCandidates_priorityThenLongerUriThenInput() {
    Router<String> r =
        indexed(
            KIND,
            route("p", "/a/:id"),
            route("longer", "/a/:identifier"),
            route("lit", "/a/me"),
            route("star", "/a/*"));
    assertEquals("lit", id(r, Req.get("/a/me"))); // exact uri first
    assertEquals("longer", id(r, Req.get("/a/you"))); // /a/:identifier is the longest uri
    Router<String> r2 =
        indexed(
            KIND,
            route("p", "/a/:id").priority(2),
            route("longer", "/a/:identifier"),
            route("star", "/a/*").priority(3));
    assertEquals("star", id(r2, Req.get("/a/you")));
    Router<String> r3 =
        indexed(KIND, route("p1", "/a/:id"), route("p2", "/a/:ix"), route("longer", "/a/:i"));
    assertEquals("p1", id(r3, Req.get("/a/you"))); // same length: input order
  }

  @Test
  void filtersFallThroughToNextCandidate_thenToShorterPrefix() {
    Router<String> r =
        router(
            KIND,
            concat(
                filler("/a/", 20),
                route("post", "/a/:x/b").methods("POST"),
                route("get", "/a/c/:y").methods("GET").priority(-1),
                route("root", "/*")));
    assertEquals("post", id(r, Req.get("/a/c/b").method("POST")));
    assertEquals("get", id(r, Req.get("/a/c/b")));
    assertEquals("root", id(r, Req.get("/a/z/b")));
    assertEquals("root", id(r, Req.get("/a/c/b").method("PUT")));
  }

  @Test
  void nonCaptureEntriesInIndexedBucket_stillCompete() {
    // /a/x* has key /a/x, a different bucket; /a/* captures; exact /a/q beats all
    Router<String> r =
        indexed(
            KIND,
            route("star", "/a/*").priority(5),
            route("xpre", "/a/x*"),
            route("exact", "/a/q"),
            route("p", "/a/:p"));
    assertEquals("xpre", id(r, Req.get("/a/xy"))); // longer prefix bucket first
    assertEquals("exact", id(r, Req.get("/a/q")));
    assertEquals("star", id(r, Req.get("/a/zz")));
  }

  @Test
  void manyParamRoutesUnderOnePrefix() {
    List<R> rs = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      rs.add(route("r" + i, "/users/:uid/s" + i + "/orders"));
    }
    rs.add(route("any", "/users/:uid/*rest"));
    Router<String> r = router(KIND, rs.toArray(new R[0]));
    for (int i = 0; i < 3000; i += 7) {
      Match<String> m = r.match(Req.get("/users/u" + i + "/s" + i + "/orders"));
      assertEquals("r" + i, m.route().id());
      assertEquals(Map.of("uid", "u" + i), m.params());
    }
    assertEquals("any", id(r, Req.get("/users/u/s3000/orders")));
    assertEquals("any", id(r, Req.get("/users/u/s1/orders/x")));
    assertNull(id(r, Req.get("/users//s1/orders")));
    assertNull(id(r, Req.get("/users/u")));
  }

  /* ---- randomized differential test against a linear reference ---- */

  private static final String[] PREFIXES = {"/", "/users/", "/users/a/", "/v/", "/users/a"};
  private static final String[] LIT_SEGS = {"a", "b", "c", "x", "", "a:b", "b*"};
  private static final String[] PATH_SEGS = {"a", "b", "c", "x", "", "zz", "a:b", "b*", ":p"};

  private static String randomUri(Random rnd) {
    String prefix = PREFIXES[rnd.nextInt(PREFIXES.length)];
    int kind = rnd.nextInt(10);
    if (kind == 0) {
      return prefix + LIT_SEGS[rnd.nextInt(LIT_SEGS.length)]; // exact
    }
    if (kind == 1) {
      return prefix + LIT_SEGS[rnd.nextInt(4)] + "*"; // prefix marker
    }
    StringBuilder sb = new StringBuilder(prefix.endsWith("/") ? prefix : prefix + "/");
    int segs = 1 + rnd.nextInt(4);
    for (int s = 0; s < segs; s++) {
      if (s > 0) {
        sb.append('/');
      }
      int t = rnd.nextInt(10);
      if (s == 0 || t < 4) {
        sb.append(t % 3 == 0 ? "*" : ":").append("p").append(rnd.nextInt(3));
        if (t % 3 == 0 && rnd.nextBoolean()) {
          sb.setLength(sb.length() - 2); // bare * or :
        }
      } else {
        sb.append(LIT_SEGS[rnd.nextInt(LIT_SEGS.length)]);
      }
    }
    if (rnd.nextInt(6) == 0) {
      sb.append('/');
    }
    return sb.toString();
  }

  private static String randomPath(Random rnd) {
    StringBuilder sb = new StringBuilder();
    int segs = rnd.nextInt(6);
    if (rnd.nextInt(3) > 0) {
      sb.append("/users");
      if (rnd.nextBoolean()) {
        sb.append("/a");
      }
    }
    for (int s = 0; s < segs; s++) {
      sb.append('/').append(PATH_SEGS[rnd.nextInt(PATH_SEGS.length)]);
    }
    if (sb.length() == 0 || rnd.nextInt(5) == 0) {
      sb.append('/');
    }
    return sb.toString();
  }

  /** The pre-index algorithm: exact bucket, then prefix buckets longest key first, linear scan. */
  private static Match<String> reference(List<RouteEntry<String>> entries, RequestView r) {
    String path = r.path();
    List<RouteEntry<String>> exact = new ArrayList<>();
    Map<String, List<RouteEntry<String>>> byKey = new HashMap<>();
    for (RouteEntry<String> e : entries) {
      if (e.pattern.exact) {
        if (e.pattern.key.equals(path)) {
          exact.add(e);
        }
      } else if (path.startsWith(e.pattern.key)) {
        byKey.computeIfAbsent(e.pattern.key, k -> new ArrayList<>()).add(e);
      }
    }
    exact.sort(RouteEntry.ORDER);
    for (RouteEntry<String> e : exact) {
      if (e.accepts(r)) {
        return e.toMatch(path);
      }
    }
    List<String> keys = new ArrayList<>(byKey.keySet());
    keys.sort(Comparator.comparingInt(String::length).reversed());
    for (String k : keys) {
      List<RouteEntry<String>> b = byKey.get(k);
      b.sort(RouteEntry.ORDER);
      for (RouteEntry<String> e : b) {
        if (e.pattern.matches(path) && e.accepts(r)) {
          return e.toMatch(path);
        }
      }
    }
    return null;
  }

  @ParameterizedTest
  @ValueSource(strings = {"radixtree_uri_with_parameter", "radixtree_uri", "radixtree_host_uri"})
  void randomized_sameResultsAsLinearScan(String kind) {
    boolean params = kind.equals(KIND);
    for (long seed = 1; seed <= 4; seed++) {
      Random rnd = new Random(seed * 7919 + kind.hashCode());
      int nRoutes = 3000;
      List<RouteSpec<String>> specs = new ArrayList<>();
      List<RouteEntry<String>> entries = new ArrayList<>();
      int order = 0;
      for (int i = 0; i < nRoutes; i++) {
        String uri = randomUri(rnd);
        List<String> methods = rnd.nextInt(4) == 0 ? List.of("POST") : List.of();
        int priority = rnd.nextInt(3);
        RouteSpec<String> spec =
            new RouteSpec<>("r" + i, List.of(uri), methods, List.of(), List.of(), null, priority, "r" + i);
        specs.add(spec);
        entries.add(new RouteEntry<>(spec, PathPattern.of(uri, params), order++, 0, true));
      }
      Router<String> router = Router.build(kind, specs);
      int matched = 0;
      for (int k = 0; k < 5000; k++) {
        Req q = Req.get(randomPath(rnd)).method(rnd.nextInt(3) == 0 ? "POST" : "GET");
        Match<String> want = reference(entries, q);
        Match<String> got = router.match(q);
        String ctx = kind + " seed " + seed + " " + q.method() + " " + q.path();
        if (want == null) {
          assertNull(got, ctx);
          continue;
        }
        matched++;
        assertEquals(want.route().id(), got == null ? null : got.route().id(), ctx);
        assertEquals(want.matchedUri(), got.matchedUri(), ctx);
        assertEquals(want.params(), got.params(), ctx);
      }
      assertTrue(matched > 1000, "too few matches to be meaningful: " + matched);
    }
  }

  private static R[] concat(List<R> a, R... b) {
    List<R> all = new ArrayList<>(a);
    all.addAll(List.of(b));
    return all.toArray(new R[0]);
  }
}
