package org.apigw.testing;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;

/** Waits for a condition with a deadline, polling; never a bare sleep in a test. */
public final class Deadline {
  private Deadline() {}

  /** Polls {@code condition} every 20 ms until it holds, failing after {@code timeout}. */
  public static void await(Duration timeout, String what, BooleanSupplier condition) {
    long end = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException e) {
        // not there yet (e.g. connection refused); keep polling until the deadline
      }
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      pause(20);
    }
  }

  /** Polls {@code assertion} until it stops throwing, rethrowing its last failure at the deadline. */
  public static <T> T untilPasses(Duration timeout, Callable<T> assertion) {
    long end = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        return assertion.call();
      } catch (Throwable e) {
        if (System.nanoTime() > end) {
          if (e instanceof AssertionError ae) {
            throw ae;
          }
          throw new AssertionError("still failing after " + timeout, e);
        }
      }
      pause(20);
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting", e);
    }
  }
}
