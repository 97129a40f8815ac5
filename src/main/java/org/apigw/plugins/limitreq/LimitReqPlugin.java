package org.apigw.plugins.limitreq;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Ticker;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Set;
import org.apigw.plugin.Phase;
import org.apigw.plugin.PhaseResult;
import org.apigw.plugin.Plugin;
import org.apigw.plugin.PluginContext;
import org.apigw.plugin.PluginState;
import org.apigw.plugins.limit.redis.RedisClients;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * limit-req (1001, access): a leaky bucket per key value ({@link LeakyBucket}). Requests above
 * {@code rate} but within {@code burst} wait on a timer (never blocking the event loop) unless
 * {@code nodelay}; beyond the burst they are refused with {@code rejected_code}. Buckets are per
 * configured conf (owner + conf), in this process ({@code policy: local}) or in Redis ({@code
 * redis}, {@code redis-cluster}; {@link RedisBucket}) so several gateways fill one bucket. When
 * Redis fails the request gets 500, or passes with {@code allow_degradation}.
 */
public final class LimitReqPlugin implements Plugin<LimitReqConfig> {

  private static final Logger log = LoggerFactory.getLogger(LimitReqPlugin.class);

  private final PluginState<ReqState> states = new PluginState<>(Duration.ofHours(1), 100_000);
  private final RedisClients redisClients = new RedisClients();
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
    ReqState state = states.get(ctx.stateKey(), k -> ReqState.create(k, conf, clock));
    String key = conf.key().resolve(ctx);
    if (conf.redis() == null) {
      return outcome(conf, ctx, state.local().incoming(key));
    }
    Context context = Vertx.currentContext();
    if (context == null) {
      throw new IllegalStateException("limit-req access must run on an event loop");
    }
    Future<PhaseResult> result =
        RedisBucket.incoming(
                redisClients.get(context.owner(), conf.redis()),
                context,
                state.redisPrefix() + key,
                conf.rate(),
                conf.burst(),
                conf.redis().timeoutMillis())
            .compose(delay -> outcomeLater(conf, ctx, delay))
            .recover(e -> Future.succeededFuture(failed(conf, e)));
    return new PhaseResult.Async(result);
  }

  /** Refuses, delays or lets the request through. */
  private static PhaseResult outcome(LimitReqConfig conf, PluginContext ctx, double delay) {
    if (delay == LeakyBucket.REJECTED) {
      return conf.rejection();
    }
    // nginx does not bother sleeping below a millisecond
    if (delay >= 0.001 && !conf.nodelay()) {
      return new PhaseResult.Async(ctx.timer(Math.round(delay * 1000)).map(v -> PhaseResult.CONTINUE));
    }
    return PhaseResult.CONTINUE;
  }

  /** {@link #outcome} as a future, so a delay after a Redis answer is waited for in place. */
  private static Future<PhaseResult> outcomeLater(LimitReqConfig conf, PluginContext ctx, double delay) {
    PhaseResult r = outcome(conf, ctx, delay);
    return r instanceof PhaseResult.Async a ? a.result() : Future.succeededFuture(r);
  }

  private static PhaseResult failed(LimitReqConfig conf, Throwable e) {
    log.error("failed to limit req with {}: {}", conf.redis(), e.toString());
    return conf.allowDegradation() ? PhaseResult.CONTINUE : PhaseResult.respond(500);
  }
}
