package org.apigw.plugins.limitconn;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The concurrent-request counters of one limit-conn conf, with lua-resty-limit-traffic's {@code
 * resty.limit.conn} arithmetic. A request beyond {@code conn + burst} in flight for its key is
 * refused; one beyond {@code conn} should wait {@code unitDelay * floor((n - 1) / conn)} seconds.
 * The unit delay starts at {@code default_conn_delay} and, unless {@code only_use_default_delay},
 * follows the requests' latency: each leaving request sets it to the mean of itself and that
 * request's latency.
 *
 * <p>A key whose last request left is removed, so the map holds only keys in flight.
 * Thread-safe: each key is updated atomically; the unit delay is a best-effort running average.
 */
public final class ConnLimiter {

  /** What {@link #incoming} returns for a refused request. */
  public static final double REJECTED = -1;

  private final int max;
  private final int burst;
  private final ConcurrentHashMap<String, Integer> inFlight = new ConcurrentHashMap<>();
  private volatile double unitDelay;

  /**
   * @param max {@code conn}: requests in flight without delay (&gt; 0)
   * @param burst {@code burst}: further requests let in after a delay
   * @param defaultDelay {@code default_conn_delay} in seconds
   */
  public ConnLimiter(int max, int burst, double defaultDelay) {
    this.max = max;
    this.burst = burst;
    this.unitDelay = defaultDelay;
  }

  /**
   * Counts a request in under {@code key}.
   *
   * @return seconds it should wait (0 within {@code conn}), or {@link #REJECTED} (not counted)
   */
  public double incoming(String key) {
    int[] n = {0};
    inFlight.compute(
        key,
        (k, v) -> {
          int next = (v == null ? 0 : v) + 1;
          if (next > max + burst) {
            return v;
          }
          n[0] = next;
          return next;
        });
    if (n[0] == 0) {
      return REJECTED;
    }
    return n[0] > max ? unitDelay * ((n[0] - 1) / max) : 0;
  }

  /**
   * Counts a request out.
   *
   * @param latencySeconds how long it took (to adapt the unit delay), or NaN to leave it alone
   */
  public void leaving(String key, double latencySeconds) {
    inFlight.computeIfPresent(key, (k, v) -> v <= 1 ? null : v - 1);
    if (!Double.isNaN(latencySeconds)) {
      unitDelay = (Math.max(latencySeconds, 0) + unitDelay) / 2;
    }
  }

  /** Requests in flight for {@code key}. */
  public int inFlight(String key) {
    return inFlight.getOrDefault(key, 0);
  }

  /** The current unit delay in seconds. */
  public double unitDelay() {
    return unitDelay;
  }
}
