package org.apigw.plugins.limitconn;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import org.apigw.plugin.Phase;
import org.apigw.plugin.PhaseResult;
import org.apigw.plugin.Plugin;
import org.apigw.plugin.PluginContext;
import org.apigw.plugin.PluginState;

/**
 * limit-conn (1003, access + log): limits the requests in flight per key value ({@link
 * ConnLimiter}). The access phase counts a request in (refusing it beyond {@code conn + burst},
 * delaying it on a timer beyond {@code conn}); the log phase, which runs once the response ended
 * or the client went away, counts it out. Counters are per configured conf (owner + conf), kept
 * in this process: only {@code policy: local} exists here, the schema refuses the redis policies.
 */
public final class LimitConnPlugin implements Plugin<LimitConnConfig> {

  /** Request attribute: the {@link Lease}s this request holds, counted out in the log phase. */
  static final String LEASES = "limit-conn.leases";

  /** One counted-in request: what the log phase needs to count it out. */
  record Lease(ConnLimiter limiter, String key, double delaySeconds, long startNanos, boolean keepDelay) {}

  private final PluginState<ConnLimiter> states = new PluginState<>(Duration.ofHours(1), 100_000);
  private final LongSupplier clock;

  public LimitConnPlugin() {
    this(System::nanoTime);
  }

  LimitConnPlugin(LongSupplier clock) {
    this.clock = clock;
  }

  @Override
  public String name() {
    return "limit-conn";
  }

  @Override
  public int priority() {
    return 1003;
  }

  @Override
  public Set<Phase> phases() {
    return Set.of(Phase.ACCESS, Phase.LOG);
  }

  @Override
  public LimitConnConfig decode(JsonNode conf) {
    return LimitConnConfig.decode(conf);
  }

  @Override
  public PhaseResult access(LimitConnConfig conf, PluginContext ctx) {
    ConnLimiter limiter =
        states.get(ctx.stateKey(), k -> new ConnLimiter(conf.conn(), conf.burst(), conf.defaultConnDelay()));
    String key = conf.key().resolve(ctx);
    double delay = limiter.incoming(key);
    if (delay == ConnLimiter.REJECTED) {
      return conf.rejection();
    }
    // recorded before any delay, so a client that leaves while waiting is counted out too
    leases(ctx).add(new Lease(limiter, key, delay, clock.getAsLong(), conf.onlyUseDefaultDelay()));
    if (delay >= 0.001) {
      return new PhaseResult.Async(ctx.timer(Math.round(delay * 1000)).map(v -> PhaseResult.CONTINUE));
    }
    return PhaseResult.CONTINUE;
  }

  @SuppressWarnings("unchecked")
  private static List<Lease> leases(PluginContext ctx) {
    List<Lease> leases = (List<Lease>) ctx.attr(LEASES);
    if (leases == null) {
      leases = new ArrayList<>(2);
      ctx.attr(LEASES, leases);
    }
    return leases;
  }

  /** Counts out every lease of the request (all limit-conn entries at once, as APISIX does). */
  @Override
  @SuppressWarnings("unchecked")
  public void log(LimitConnConfig conf, PluginContext ctx) {
    List<Lease> leases = (List<Lease>) ctx.attr(LEASES);
    if (leases == null) {
      return;
    }
    ctx.attr(LEASES, null);
    long now = clock.getAsLong();
    for (Lease lease : leases) {
      double latency = lease.keepDelay() ? Double.NaN : (now - lease.startNanos()) / 1e9 - lease.delaySeconds();
      lease.limiter().leaving(lease.key(), latency);
    }
  }
}
