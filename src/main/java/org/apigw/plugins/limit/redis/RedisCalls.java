package org.apigw.plugins.limit.redis;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/** Sending one command for a request without leaving its event loop's world. */
public final class RedisCalls {

  /** An expected failure (Redis slow or stalled): no stack trace. */
  private static final VertxException TIMEOUT = VertxException.noStackTrace("redis did not answer in time");

  private RedisCalls() {}

  /**
   * Sends {@code request}. The future completes on {@code context} (the request's event loop,
   * whose thread must be the caller's) within {@code timeoutMillis}: failed when Redis errs, is
   * unreachable or too slow. The Redis client may answer on another event loop; the answer is
   * handed back so the plugin chain stays confined to its own.
   */
  public static Future<Response> send(Redis redis, Context context, Request request, int timeoutMillis) {
    Promise<Response> promise = Promise.promise();
    Vertx vertx = context.owner();
    long timer = vertx.setTimer(timeoutMillis, id -> promise.tryFail(TIMEOUT));
    redis
        .send(request)
        .onComplete(
            ar -> {
              Runnable finish =
                  () -> {
                    vertx.cancelTimer(timer);
                    if (ar.succeeded()) {
                      promise.tryComplete(ar.result());
                    } else {
                      promise.tryFail(ar.cause());
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
}
