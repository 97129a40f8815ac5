package org.apigw.plugins.limitcount;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

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

  /** An expected failure (redis slow or stalled): no stack trace. */
  private static final VertxException TIMEOUT = VertxException.noStackTrace("redis did not answer in time");

  private RedisWindow() {}

  /**
   * Counts one request under {@code redisKey}. The future completes on {@code context} (the
   * request's event loop) within {@code timeoutMillis}, failed when Redis errs or is too slow.
   */
  static Future<Quota> take(
      Redis redis, Context context, String redisKey, long count, long timeWindowSeconds, int timeoutMillis) {
    Request eval =
        Request.cmd(io.vertx.redis.client.Command.EVAL)
            .arg(SCRIPT)
            .arg(1)
            .arg(redisKey)
            .arg(count)
            .arg(timeWindowSeconds)
            .arg(1);
    Promise<Quota> promise = Promise.promise();
    Vertx vertx = context.owner();
    long timer = vertx.setTimer(timeoutMillis, id -> promise.tryFail(TIMEOUT));
    redis
        .send(eval)
        .onComplete(
            ar -> {
              // the client may answer on another event loop: hand the result back to the request's
              Runnable finish =
                  () -> {
                    vertx.cancelTimer(timer);
                    if (ar.failed()) {
                      promise.tryFail(ar.cause());
                      return;
                    }
                    try {
                      promise.tryComplete(quota(ar.result(), count));
                    } catch (RuntimeException e) {
                      promise.tryFail(e);
                    }
                  };
              if (Vertx.currentContext() == context) {
                finish.run();
              } else {
                context.runOnContext(v -> finish.run());
              }
            });
    return promise.future();
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
