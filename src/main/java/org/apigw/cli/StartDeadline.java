package org.apigw.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Bounds a node's start: a node not serving within the limit says so on stderr (its log when
 * started in the background) and halts with exit code 1. Whoever started it in the background
 * ({@code bin/apisix start}, {@link Launcher}) waits only while the node lives, so this is what
 * turns a start that hangs into a start that fails with a reason.
 *
 * <p>Halts rather than exits: a start that hangs may hold the locks that shutdown hooks need.
 */
final class StartDeadline implements AutoCloseable {

  private final CountDownLatch serving = new CountDownLatch(1);

  private StartDeadline() {}

  /** Starts counting now; {@link #close()} once the node serves (or has failed by itself). */
  static StartDeadline arm(Duration limit) {
    StartDeadline deadline = new StartDeadline();
    Thread watchdog =
        new Thread(
            () -> {
              try {
                if (!deadline.serving.await(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                  System.err.println(
                      "failed to start: not serving after " + limit.toSeconds()
                          + " s (deployment.etcd.startup_timeout + 60 s); stopping");
                  System.err.flush();
                  Runtime.getRuntime().halt(1);
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "apisix-start-deadline");
    watchdog.setDaemon(true);
    watchdog.start();
    return deadline;
  }

  @Override
  public void close() {
    serving.countDown();
  }
}
