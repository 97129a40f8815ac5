package org.apigw.plugins.logging;

import io.vertx.core.Vertx;

/** {@link BatchProcessor.Scheduler} on Vert.x timers: tasks run on an event loop, never block. */
final class VertxScheduler implements BatchProcessor.Scheduler {

  private final Vertx vertx;

  VertxScheduler(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public long nowMillis() {
    return System.currentTimeMillis();
  }

  @Override
  public void schedule(long delayMillis, Runnable task) {
    vertx.setTimer(Math.max(1, delayMillis), id -> task.run()); // Vert.x refuses delays below 1 ms
  }
}
