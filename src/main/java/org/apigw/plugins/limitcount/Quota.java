package org.apigw.plugins.limitcount;

/**
 * What one counted request learnt about its window.
 *
 * @param allowed false when the window's budget was already spent
 * @param limit the window's budget ({@code count})
 * @param remaining requests still allowed in this window after this one (0 when refused)
 * @param resetSeconds seconds until the window ends, rounded up
 */
public record Quota(boolean allowed, long limit, long remaining, long resetSeconds) {

  static Quota allowed(long limit, long remaining, long resetSeconds) {
    return new Quota(true, limit, remaining, resetSeconds);
  }

  static Quota rejected(long limit, long resetSeconds) {
    return new Quota(false, limit, 0, resetSeconds);
  }

  /** Nanoseconds left in a window as whole seconds, rounded up (a window never reports 0 s left). */
  static long seconds(long nanosLeft) {
    return Math.max(1, (nanosLeft + 999_999_999L) / 1_000_000_000L);
  }
}
