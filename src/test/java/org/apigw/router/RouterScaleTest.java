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
}
