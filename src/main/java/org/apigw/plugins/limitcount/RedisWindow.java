package org.apigw.plugins.limitcount;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.apigw.plugins.limit.redis.RedisCalls;

/**
 * A fixed window kept in Redis, so that every gateway sharing the server spends one budget. One
 * atomic script per request (APISIX's limit-count-redis): the first request of a window creates
 * the key with the budget left and the window as its TTL; later ones decrement it and read the
 * TTL. A negative result means the budget was spent.
 */
final class RedisWindow {

  /** KEYS[1] the counter; ARGV: count, time_window (s), cost. Returns {remaining, ttl}. */
  static final String SCRIPT =
      "local ttl = redis.call('ttl', KEYS[1]) "
          + "if ttl < 0 then "
          + "redis.call('set', KEYS[1], ARGV[1] - ARGV[3], 'EX', ARGV[2]) "
          + "return {ARGV[1] - ARGV[3], ARGV[2]} "
          + "end "
          + "return {redis.call('incrby', KEYS[1], 0 - ARGV[3]), ttl}";

  private RedisWindow() {}

  /**
   * Counts one request under {@code redisKey}; completes on {@code context} (the request's event
   * loop) within {@code timeoutMillis}, failed when Redis errs or is too slow.
   */
  static Future<Quota> take(
      Redis redis, Context context, String redisKey, long count, long timeWindowSeconds, int timeoutMillis) {
    // fully qualified: picocli has a Command too
    Request eval =
        Request.cmd(io.vertx.redis.client.Command.EVAL)
            .arg(SCRIPT)
            .arg(1)
            .arg(redisKey)
            .arg(count)
            .arg(timeWindowSeconds)
            .arg(1);
    return RedisCalls.send(redis, context, eval, timeoutMillis).map(reply -> quota(reply, count));
  }

  /** The script's {remaining, ttl} as a quota. */
  static Quota quota(Response reply, long count) {
    if (reply == null || reply.size() != 2) {
      throw new IllegalStateException("unexpected reply from the limit-count script: " + reply);
    }
    long remaining = reply.get(0).toLong();
    long ttl = Math.max(reply.get(1).toLong(), 1);
    return remaining < 0 ? Quota.rejected(count, ttl) : Quota.allowed(count, remaining, ttl);
  }
}
