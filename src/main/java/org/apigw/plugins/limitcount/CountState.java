package org.apigw.plugins.limitcount;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import org.apigw.plugin.PluginState;
import org.apigw.plugins.limit.StateIds;

/**
 * The counters of one configured limit-count (an owner's conf, or a group): local windows, or
 * the prefix of its keys in Redis. Kept in a {@link PluginState}, so it outlives revisions that
 * leave the conf alone.
 *
 * @param local the windows of the local policy; null for the redis policies
 * @param redisPrefix {@code plugin-limit-count:<owner>:<conf digest>:} or {@code
 *     plugin-limit-count:<group>:}; the key value follows. Every gateway reading the same conf
 *     from etcd derives the same prefix, which is what makes them share one budget.
 */
record CountState(FixedWindow local, String redisPrefix) {

  /** Keys tracked per conf by the local policy. */
  static final long MAX_LOCAL_KEYS = 100_000;

  static CountState create(PluginState.Key key, LimitCountConfig conf, Ticker clock) {
    String id = conf.group() != null ? conf.group() : StateIds.of(key);
    FixedWindow local =
        conf.redis() == null
            ? new FixedWindow(conf.count(), Duration.ofSeconds(conf.timeWindowSeconds()), MAX_LOCAL_KEYS, clock)
            : null;
    return new CountState(local, "plugin-limit-count:" + id + ":");
  }

}
