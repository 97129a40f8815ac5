package org.apigw.plugins.limitreq;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.apigw.plugins.limit.redis.RedisCalls;

/**
 * A leaky bucket kept in Redis, so that every gateway sharing the server fills one bucket per
 * key: {@link LeakyBucket}'s arithmetic in one atomic script on one hash ({@code excess}, {@code
 * last}). Unlike APISIX's limit-req-redis (separate GET/SET of two keys, the gateway's clock),
 * the read-modify-write cannot interleave between gateways and time is Redis's own ({@code
 * TIME}), so gateways with skewed clocks still agree. The key expires once the bucket has
 * drained.
 */
final class RedisBucket {

  /** KEYS[1] the bucket; ARGV: rate (r/s), burst, expiry (ms). Returns the excess or 'rejected'. */
  static final String SCRIPT =
      "local t = redis.call('time') "
          + "local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000 "
          + "local rate = tonumber(ARGV[1]) "
          + "local s = redis.call('hmget', KEYS[1], 'excess', 'last') "
          + "local excess = 0 "
          + "if s[1] and s[2] then "
          + "excess = math.max(tonumber(s[1]) - rate * math.abs(now - tonumber(s[2])) / 1000 + 1, 0) "
          + "if excess > tonumber(ARGV[2]) then return 'rejected' end "
          + "end "
          + "redis.call('hset', KEYS[1], 'excess', tostring(excess), 'last', tostring(now)) "
          + "redis.call('pexpire', KEYS[1], ARGV[3]) "
          // a Lua number would come back truncated to an integer
          + "return tostring(excess)";

  private RedisBucket() {}

  /**
   * Counts one request under {@code redisKey}; completes on {@code context} within {@code
   * timeoutMillis} with the seconds to wait or {@link LeakyBucket#REJECTED}, failed when Redis
   * errs or is too slow.
   */
  static Future<Double> incoming(
      Redis redis, Context context, String redisKey, double rate, double burst, int timeoutMillis) {
    Request eval =
        Request.cmd(io.vertx.redis.client.Command.EVAL) // qualified: picocli has a Command too
            .arg(SCRIPT)
            .arg(1)
            .arg(redisKey)
            .arg(rate)
            .arg(burst)
            .arg(LeakyBucket.drainTime(rate, burst).toMillis());
    return RedisCalls.send(redis, context, eval, timeoutMillis).map(reply -> delay(reply, rate));
  }

  /** The script's reply as seconds to wait, or {@link LeakyBucket#REJECTED}. */
  static double delay(Response reply, double rate) {
    String text = reply == null ? null : reply.toString();
    if ("rejected".equals(text)) {
      return LeakyBucket.REJECTED;
    }
    try {
      return Double.parseDouble(text) / rate;
    } catch (NumberFormatException | NullPointerException e) {
      throw new IllegalStateException("unexpected reply from the limit-req script: " + text);
    }
  }
}
