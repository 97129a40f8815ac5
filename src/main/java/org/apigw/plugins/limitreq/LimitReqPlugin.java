package org.apigw.plugins.limitreq;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.Set;
import org.apigw.plugin.Phase;
import org.apigw.plugin.PhaseResult;
import org.apigw.plugin.Plugin;
import org.apigw.plugin.PluginContext;
import org.apigw.plugin.PluginState;

/**
 * limit-req (1001, access): a leaky bucket per key value ({@link LeakyBucket}). Requests above
 * {@code rate} but within {@code burst} wait on a timer (never blocking the event loop) unless
 * {@code nodelay}; beyond the burst they are refused with {@code rejected_code}. Buckets are
 * per configured conf (owner + conf), kept in this process: only {@code policy: local} exists
 * here, the schema refuses the redis policies.
 */
public final class LimitReqPlugin implements Plugin<LimitReqConfig> {

  /** Keys tracked per conf. */
  static final long MAX_KEYS = 100_000;

  private final PluginState<LeakyBucket> states = new PluginState<>(Duration.ofHours(1), 100_000);
  private final Ticker clock;

  public LimitReqPlugin() {
    this(System::nanoTime);
  }

  LimitReqPlugin(Ticker clock) {
    this.clock = clock;
  }

  @Override
  public String name() {
    return "limit-req";
  }

  @Override
  public int priority() {
    return 1001;
  }

  @Override
  public Set<Phase> phases() {
    return Set.of(Phase.ACCESS);
  }

  @Override
  public LimitReqConfig decode(JsonNode conf) {
    return LimitReqConfig.decode(conf);
  }

  @Override
  public PhaseResult access(LimitReqConfig conf, PluginContext ctx) {
    LeakyBucket bucket =
        states.get(ctx.stateKey(), k -> new LeakyBucket(conf.rate(), conf.burst(), MAX_KEYS, clock));
    double delay = bucket.incoming(conf.key().resolve(ctx));
    if (delay == LeakyBucket.REJECTED) {
      return conf.rejection();
    }
    // nginx does not bother sleeping below a millisecond
    if (delay >= 0.001 && !conf.nodelay()) {
      return new PhaseResult.Async(ctx.timer(Math.round(delay * 1000)).map(v -> PhaseResult.CONTINUE));
    }
    return PhaseResult.CONTINUE;
  }
}
