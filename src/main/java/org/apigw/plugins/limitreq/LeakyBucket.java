package org.apigw.plugins.limitreq;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;

/**
 * The leaky buckets of one limit-req conf, one per key value, with nginx's {@code limit_req}
 * arithmetic (lua-resty-limit-traffic's {@code resty.limit.req}): each request adds one to the
 * bucket's excess, which drains at {@code rate} per second. A request that would take the excess
 * above {@code burst} is refused and changes nothing; an accepted one should wait {@code excess /
 * rate} seconds, so requests leave at {@code rate}.
 *
 * <p>Buckets idle long enough to have drained are evicted: a drained bucket and a missing one
 * behave the same. Thread-safe: each key is updated atomically.
 */
public final class LeakyBucket {

  /** What {@link #incoming} returns for a refused request. */
  public static final double REJECTED = -1;

  /** A bucket: its excess (in requests) after the last accepted request, and when that was. */
  private record State(double excess, long lastNanos) {}

  private final double rate;
  private final double burst;
  private final Ticker clock;
  private final Cache<String, State> buckets;

  /**
   * @param rate requests per second (&gt; 0)
   * @param burst excess requests accepted (and delayed) beyond the rate (&ge; 0)
   * @param maxKeys how many key values are tracked at most
   * @param clock monotonic nanoseconds
   */
  public LeakyBucket(double rate, double burst, long maxKeys, Ticker clock) {
    this.rate = rate;
    this.burst = burst;
    this.clock = clock;
    this.buckets =
        Caffeine.newBuilder().expireAfterAccess(drainTime(rate, burst)).maximumSize(maxKeys).ticker(clock).build();
  }

  /** How long a full bucket (burst + the request itself) takes to drain, plus a second to spare. */
  static Duration drainTime(double rate, double burst) {
    return Duration.ofMillis((long) Math.ceil((burst + 1) / rate * 1000) + 1000);
  }

  /**
   * Counts one request under {@code key}.
   *
   * @return seconds the request should wait (0 when within the rate), or {@link #REJECTED}
   */
  public double incoming(String key) {
    long now = clock.read();
    double[] delay = {0};
    buckets
        .asMap()
        .compute(
            key,
            (k, s) -> {
              if (s == null) {
                delay[0] = 0;
                return new State(0, now);
              }
              double elapsed = Math.abs(now - s.lastNanos()) / 1e9;
              double excess = Math.max(s.excess() - rate * elapsed + 1, 0);
              if (excess > burst) {
                delay[0] = REJECTED;
                return s;
              }
              delay[0] = excess / rate;
              return new State(excess, now);
            });
    return delay[0];
  }
}
