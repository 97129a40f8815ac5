package org.apigw.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apigw.plugin.PluginCatalog;
import org.apigw.resource.ResourceCodec;
import org.apigw.router.Match;
import org.apigw.store.ConfigEntry;
import org.apigw.store.ConfigOrigin;
import org.apigw.store.ConfigStore;
import org.apigw.store.RuntimeConfig;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one route change costs the data plane: {@code ConfigStore.apply(revision, [one changed
 * route])} on a store already holding 1k, 10k or 100k {@link RouteMix} routes, i.e. decode and
 * validate the value, then build and publish the next {@code RuntimeConfig} (router included).
 * Each invocation moves route {@code m<n/2>} to a new uri, so every apply is a real change.
 *
 * <p>Target (issue 4): under 50 ms at 100k routes.
 *
 * <pre>mvn -Pbenchmark test-compile exec:exec -Djmh.args="ConfigRebuildBenchmark"</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx2g", "-XX:+UseG1GC"})
public class ConfigRebuildBenchmark {

  private static final String PREFIX = "/apisix";
  private static final String UPSTREAM =
      "{\"id\":\"1\",\"type\":\"roundrobin\",\"nodes\":{\"127.0.0.1:1980\":1}}";

  @Param({"1000", "10000", "100000"})
  int routes;

  private ConfigStore store;
  private int changed;
  private String changedKey;
  private long revision;

  @Setup(Level.Trial)
  public void setUp() {
    store = new ConfigStore(PREFIX, new ResourceCodec(PluginCatalog.NONE), "radixtree_uri_with_parameter", c -> {});
    List<ConfigEntry> entries = new ArrayList<>(routes + 1);
    entries.add(new ConfigEntry(PREFIX + "/upstreams/1", UPSTREAM.getBytes(StandardCharsets.UTF_8), 2, 2));
    revision = 2;
    for (int i = 0; i < routes; i++) {
      revision++;
      entries.add(new ConfigEntry(PREFIX + "/routes/m" + i, RouteMix.json(i, null), revision, revision));
    }
    store.replaceAll(ConfigOrigin.ETCD, revision, 1, entries, "benchmark set-up");
    if (store.current().counts().values().stream().mapToInt(Integer::intValue).sum() != routes + 1) {
      throw new IllegalStateException("store holds " + store.current().counts() + ", expected " + routes + " routes");
    }
    changed = routes / 2;
    changedKey = PREFIX + "/routes/m" + changed;
  }

  @Benchmark
  public RuntimeConfig applyOneChange() {
    revision++;
    byte[] value = RouteMix.json(changed, "/changed/r" + revision);
    store.apply(revision, List.of(new ConfigEntry(changedKey, value, 3, revision)));
    return store.current();
  }

  @TearDown(Level.Trial)
  public void check() {
    RouteMix.View probe = new RouteMix.View("GET", "/changed/r" + revision, "bench.local");
    Match<?> m = store.current().router().match(probe);
    if (m == null) {
      throw new IllegalStateException("the last change (revision " + revision + ") is not routed");
    }
  }
}
