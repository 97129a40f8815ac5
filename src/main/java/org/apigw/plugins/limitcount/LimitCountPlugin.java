package org.apigw.plugins.limitcount;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Ticker;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
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
 * limit-count (1002, access): at most {@code count} requests per {@code time_window} seconds for
 * each key value, in fixed windows. Counters are per configured conf (owner + conf, so an
 * unrelated change keeps them and a change of this conf starts afresh) or per {@code group},
 * kept in this process ({@code policy: local}) or in Redis ({@code redis}, {@code redis-cluster})
 * so that several gateways share one budget.
 *
 * <p>Every counted response carries {@code X-RateLimit-Limit}, {@code X-RateLimit-Remaining} and
 * {@code X-RateLimit-Reset} (seconds to the window's end) unless {@code show_limit_quota_header}
 * is false; a refused one has Remaining 0. When Redis fails the request gets 500 {@code
 * {"error_msg":"failed to limit count"}}, or passes uncounted with {@code allow_degradation}.
 */
public final class LimitCountPlugin implements Plugin<LimitCountConfig> {

  private static final Logger log = LoggerFactory.getLogger(LimitCountPlugin.class);

  static final String LIMIT_HEADER = "X-RateLimit-Limit";
  static final String REMAINING_HEADER = "X-RateLimit-Remaining";
  static final String RESET_HEADER = "X-RateLimit-Reset";

  private static final PhaseResult.Respond FAILED =
      PhaseResult.message(500, "error_msg", "failed to limit count");

  /** Counter states idle this long are dropped; longer than any usual window. */
  private static final Duration STATE_IDLE = Duration.ofDays(1);

  private final PluginState<CountState> states = new PluginState<>(STATE_IDLE, 100_000);
  private final GroupConfs groups = new GroupConfs();
  private final RedisClients redisClients = new RedisClients();
  private final Ticker clock;

  public LimitCountPlugin() {
    this(System::nanoTime);
  }

  /** @param clock monotonic nanoseconds for the local windows (tests move it by hand) */
  LimitCountPlugin(Ticker clock) {
    this.clock = clock;
  }

  @Override
  public String name() {
    return "limit-count";
  }

  @Override
  public int priority() {
    return 1002;
  }

  @Override
  public Set<Phase> phases() {
    return Set.of(Phase.ACCESS);
  }

  @Override
  public LimitCountConfig decode(JsonNode conf) {
    LimitCountConfig decoded = LimitCountConfig.decode(conf);
    if (decoded.group() != null) {
      groups.check(decoded.group(), conf);
    }
    return decoded;
  }

  @Override
  public PhaseResult access(LimitCountConfig conf, PluginContext ctx) {
    String key = conf.key().resolve(ctx);
    PluginState.Key stateKey = conf.groupKey() != null ? conf.groupKey() : ctx.stateKey();
    CountState state = states.get(stateKey, k -> CountState.create(k, conf, clock));
    if (conf.redis() == null) {
      return outcome(conf, ctx, state.local().take(key));
    }
    Context context = Vertx.currentContext();
    if (context == null) {
      throw new IllegalStateException("limit-count access must run on an event loop");
    }
    Future<PhaseResult> result =
        RedisWindow.take(
                redisClients.get(context.owner(), conf.redis()),
                context,
                state.redisPrefix() + key,
                conf.count(),
                conf.timeWindowSeconds(),
                conf.redis().timeoutMillis())
            .map(quota -> outcome(conf, ctx, quota))
            .recover(e -> Future.succeededFuture(failed(conf, e)));
    return new PhaseResult.Async(result);
  }

  /** Lets the request through with its quota headers, or refuses it. */
  static PhaseResult outcome(LimitCountConfig conf, PluginContext ctx, Quota quota) {
    if (quota.allowed()) {
      if (conf.showLimitQuotaHeader()) {
        ctx.setResponseHeader(LIMIT_HEADER, Long.toString(quota.limit()));
        ctx.setResponseHeader(REMAINING_HEADER, Long.toString(quota.remaining()));
        ctx.setResponseHeader(RESET_HEADER, Long.toString(quota.resetSeconds()));
      }
      return PhaseResult.CONTINUE;
    }
    if (!conf.showLimitQuotaHeader()) {
      return conf.rejection();
    }
    PhaseResult.Respond rejection = conf.rejection();
    Map<String, String> headers = new LinkedHashMap<>(rejection.headers());
    headers.put(LIMIT_HEADER, Long.toString(quota.limit()));
    headers.put(REMAINING_HEADER, "0");
    headers.put(RESET_HEADER, Long.toString(quota.resetSeconds()));
    return new PhaseResult.Respond(rejection.status(), headers, rejection.body());
  }

  private static PhaseResult failed(LimitCountConfig conf, Throwable e) {
    log.error("failed to limit count with {}: {}", conf.redis(), e.toString());
    return conf.allowDegradation() ? PhaseResult.CONTINUE : FAILED;
  }
}
