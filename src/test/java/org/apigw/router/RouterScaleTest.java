package org.apigw.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Builds routers of 1k..100k routes and prints build time and a rough match latency. Correctness
 * is asserted; timings are only printed (no timing assertions on a shared 2-core machine). The
 * real numbers come from the JMH benchmark.
 */
class RouterScaleTest {

  /** Route i: exact /api/s{i%1000}/r{i}, prefix /pfx/s{i%1000}/r{i}/*, every 4th with a host. */
  static List<RouteSpec<String>> routes(int n) {
    List<RouteSpec<String>> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String uri = (i % 2 == 0) ? "/api/s" + (i % 1000) + "/r" + i : "/pfx/s" + (i % 1000) + "/r" + i + "/*";
      List<String> hosts = i % 4 == 1 ? List.of("h" + (i % 100) + ".example.com") : List.of();
      List<String> methods = i % 3 == 0 ? List.of("GET", "POST") : List.of();
      out.add(new RouteSpec<>("r" + i, List.of(uri), methods, hosts, List.of(), null, i % 5, "r" + i));
    }
    return out;
  }

  @Test
  void buildAndMatch_atScale_printsTimings() {
    for (String kind : new String[] {"radixtree_host_uri", "radixtree_uri"}) {
      for (int n : new int[] {1_000, 10_000, 100_000}) {
        List<RouteSpec<String>> specs = routes(n);
        Router<String> router = null;
        long best = Long.MAX_VALUE;
        for (int rep = 0; rep < 3; rep++) {
          long t0 = System.nanoTime();
          router = Router.build(kind, specs);
          best = Math.min(best, System.nanoTime() - t0);
        }
        Req[] reqs = new Req[1024];
        String[] expect = new String[reqs.length];
        java.util.Random rnd = new java.util.Random(42);
        for (int k = 0; k < reqs.length; k++) {
          int i = rnd.nextInt(n);
          String host = i % 4 == 1 ? "h" + (i % 100) + ".example.com" : "other.com";
          String path = (i % 2 == 0) ? "/api/s" + (i % 1000) + "/r" + i : "/pfx/s" + (i % 1000) + "/r" + i + "/x/y";
          reqs[k] = Req.get(path).host(host);
          expect[k] = "r" + i;
        }
        for (int k = 0; k < reqs.length; k++) {
          Match<String> m = router.match(reqs[k]);
          assertNotNull(m, reqs[k].path());
          assertEquals(expect[k], m.route().payload());
        }
        // warm up, then time batches of 1024 matches; report the median per match
        int batches = 200;
        long[] perMatch = new long[batches];
        int sink = 0;
        for (int w = 0; w < 50; w++) {
          for (Req q : reqs) {
            sink += router.match(q).matchedUri().length();
          }
        }
        for (int b = 0; b < batches; b++) {
          long t0 = System.nanoTime();
          for (Req q : reqs) {
            sink += router.match(q).matchedUri().length();
          }
          perMatch[b] = (System.nanoTime() - t0) / reqs.length;
        }
        Arrays.sort(perMatch);
        System.out.printf(
            "[router-scale] %-19s routes=%6d build=%6.1f ms  match median=%4d ns p90=%4d ns (sink %d)%n",
            kind, n, best / 1e6, perMatch[batches / 2], perMatch[batches * 9 / 10], sink & 1);
      }
    }
  }

  /**
   * Parameter routes: route i is, by i % 4, {@code /users/:uid/s{i}/orders} (a quarter of all
   * routes share the {@code /users/} prefix bucket), {@code /api/s{i%1000}/r{i}/:id}, {@code
   * /pfx/s{i%1000}/r{i}/*} or the exact {@code /x/s{i%1000}/r{i}}.
   */
  static List<RouteSpec<String>> paramRoutes(int n) {
    List<RouteSpec<String>> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(
          new RouteSpec<>(
              "r" + i, List.of(paramUri(i)), List.of(), List.of(), List.of(), null, i % 5, "r" + i));
    }
    return out;
  }

  private static String paramUri(int i) {
    switch (i % 4) {
      case 0:
        return "/users/:uid/s" + i + "/orders";
      case 1:
        return "/api/s" + (i % 1000) + "/r" + i + "/:id";
      case 2:
        return "/pfx/s" + (i % 1000) + "/r" + i + "/*";
      default:
        return "/x/s" + (i % 1000) + "/r" + i;
    }
  }

  private static String paramPath(int i) {
    switch (i % 4) {
      case 0:
        return "/users/u" + (i * 7) + "/s" + i + "/orders";
      case 1:
        return "/api/s" + (i % 1000) + "/r" + i + "/id" + i;
      case 2:
        return "/pfx/s" + (i % 1000) + "/r" + i + "/x/y";
      default:
        return "/x/s" + (i % 1000) + "/r" + i;
    }
  }

  @Test
  void buildAndMatch_paramRoutes_atScale_printsTimings() {
    String kind = "radixtree_uri_with_parameter";
    for (int n : new int[] {1_000, 10_000, 100_000}) {
      List<RouteSpec<String>> specs = paramRoutes(n);
      Router<String> router = null;
      long best = Long.MAX_VALUE;
      for (int rep = 0; rep < 3; rep++) {
        long t0 = System.nanoTime();
        router = Router.build(kind, specs);
        best = Math.min(best, System.nanoTime() - t0);
      }
      Req[] all = new Req[1024];
      Req[] users = new Req[1024];
      String[] expectAll = new String[all.length];
      String[] expectUsers = new String[users.length];
      java.util.Random rnd = new java.util.Random(42);
      for (int k = 0; k < all.length; k++) {
        int i = rnd.nextInt(n);
        all[k] = Req.get(paramPath(i));
        expectAll[k] = "r" + i;
        int u = rnd.nextInt(n / 4) * 4;
        users[k] = Req.get(paramPath(u));
        expectUsers[k] = "r" + u;
      }
      for (int k = 0; k < all.length; k++) {
        assertEquals(expectAll[k], router.match(all[k]).route().payload(), all[k].path());
        assertEquals(expectUsers[k], router.match(users[k]).route().payload(), users[k].path());
      }
      long[] mixed = time(router, all, n >= 100_000 ? 30 : 100);
      long[] user = time(router, users, n >= 100_000 ? 30 : 100);
      System.out.printf(
          "[router-scale] %-28s routes=%6d build=%6.1f ms  match median mixed=%6d ns p90=%6d ns"
              + "  /users/ median=%6d ns p90=%6d ns%n",
          kind, n, best / 1e6, mixed[0], mixed[1], user[0], user[1]);
    }
  }

  /** Median and p90 per-match ns over batches of the given requests, after a warm-up. */
  private static long[] time(Router<String> router, Req[] reqs, int batches) {
    long[] perMatch = new long[batches];
    int sink = 0;
    for (int w = 0; w < 20; w++) {
      for (Req q : reqs) {
        sink += router.match(q).matchedUri().length();
      }
    }
    for (int b = 0; b < batches; b++) {
      long t0 = System.nanoTime();
      for (Req q : reqs) {
        sink += router.match(q).matchedUri().length();
      }
      perMatch[b] = (System.nanoTime() - t0) / reqs.length;
    }
    Arrays.sort(perMatch);
    if (sink == 42) {
      System.out.print("");
    }
    return new long[] {perMatch[batches / 2], perMatch[batches * 9 / 10]};
  }
}
