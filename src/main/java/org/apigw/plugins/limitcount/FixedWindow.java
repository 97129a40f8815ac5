package org.apigw.plugins.limitcount;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;

/**
 * The local (per gateway process) counters of one limit-count conf or group: for each key value,
 * a fixed window of {@code timeWindow} that opens with the first request and allows {@code
 * count} requests until it ends, like APISIX's {@code limit-count-local}.
 *
 * <p>A refused request does not consume budget. A key untouched for a whole window is evicted
 * (its window is necessarily over by then); beyond {@code maxKeys} keys the least used ones are
 * evicted, which resets their windows early, as an overflowing nginx shared dict does.
 *
 * <p>Thread-safe: every event loop counts into the same windows; each key is updated atomically.
 */
public final class FixedWindow {

  /** One key's window: requests allowed so far, and the {@link Ticker} time the window ends. */
  private record Window(long used, long endNanos) {}

  private final long count;
  private final long windowNanos;
  private final Ticker clock;
  private final Cache<String, Window> windows;

  /**
   * @param count requests allowed per window (&gt; 0)
   * @param timeWindow the window's length
   * @param maxKeys how many key values are tracked at most
   * @param clock monotonic nanoseconds ({@code System::nanoTime} outside tests)
   */
  public FixedWindow(long count, Duration timeWindow, long maxKeys, Ticker clock) {
    this.count = count;
    this.windowNanos = timeWindow.toNanos();
    this.clock = clock;
    this.windows = Caffeine.newBuilder().expireAfterAccess(timeWindow).maximumSize(maxKeys).ticker(clock).build();
  }

  /** Counts one request under {@code key}. */
  public Quota take(String key) {
    long now = clock.read();
    Quota[] out = new Quota[1];
    windows
        .asMap()
        .compute(
            key,
            (k, w) -> {
              if (w == null || now - w.endNanos() >= 0) {
                out[0] = Quota.allowed(count, count - 1, Quota.seconds(windowNanos));
                return new Window(1, now + windowNanos);
              }
              long left = w.endNanos() - now;
              if (w.used() >= count) {
                out[0] = Quota.rejected(count, Quota.seconds(left));
                return w;
              }
              out[0] = Quota.allowed(count, count - w.used() - 1, Quota.seconds(left));
              return new Window(w.used() + 1, w.endNanos());
            });
    return out[0];
  }
}
