package org.apigw.benchmarks;

import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apigw.router.Match;
import org.apigw.router.RouteSpec;
import org.apigw.router.Router;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One {@code Router.match} over {@link RouteMix} at 1k, 10k and 100k routes. Each invocation
 * matches the next of 1024 requests aimed at random routes of every kind (exact, prefix,
 * parameter, host), so the median is over a realistic spread, not one hot path. SampleTime mode:
 * the percentiles include System.nanoTime's own cost (~20 ns), so they slightly overstate.
 *
 * <p>Target (issue 4): median under 1 µs at 100k routes, and flat from 1k to 100k.
 *
 * <pre>mvn -Pbenchmark test-compile exec:exec -Djmh.args="RouterMatchBenchmark"</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx2g", "-XX:+UseG1GC"})
public class RouterMatchBenchmark {

  @Param({"1000", "10000", "100000"})
  int routes;

  @Param({"radixtree_uri_with_parameter", "radixtree_host_uri"})
  String kind;

  private Router<String> router;
  private RouteMix.View[] requests;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    List<RouteSpec<String>> specs = RouteMix.specs(routes);
    router = Router.build(kind, specs);
    boolean params = kind.equals("radixtree_uri_with_parameter");
    Random random = new Random(42);
    requests = new RouteMix.View[1024];
    for (int k = 0; k < requests.length; k++) {
      int i = random.nextInt(routes);
      requests[k] = RouteMix.request(i, params);
      Match<String> m = router.match(requests[k]);
      if (m == null || !m.route().payload().equals("m" + i)) {
        throw new IllegalStateException(
            kind + ": " + requests[k].path() + " matched " + (m == null ? "nothing" : m.route().id()) + ", not m" + i);
      }
    }
  }

  @Benchmark
  public Match<String> match() {
    RouteMix.View request = requests[next];
    next = (next + 1) & (requests.length - 1);
    return router.match(request);
  }
}
