package org.apigw.plugins.limitreq;

import com.github.benmanes.caffeine.cache.Ticker;
import org.apigw.plugin.PluginState;
import org.apigw.plugins.limit.StateIds;

/**
 * The buckets of one configured limit-req (owner + conf): local ones, or the prefix of its keys
 * in Redis. Kept in a {@link PluginState}, so it outlives revisions that leave the conf alone.
 *
 * @param local the buckets of the local policy; null for the redis policies
 * @param redisPrefix {@code plugin-limit-req:<owner>:<conf digest>:}; the key value follows
 */
record ReqState(LeakyBucket local, String redisPrefix) {

  /** Keys tracked per conf by the local policy. */
  static final long MAX_LOCAL_KEYS = 100_000;

  static ReqState create(PluginState.Key key, LimitReqConfig conf, Ticker clock) {
    LeakyBucket local =
        conf.redis() == null ? new LeakyBucket(conf.rate(), conf.burst(), MAX_LOCAL_KEYS, clock) : null;
    return new ReqState(local, "plugin-limit-req:" + StateIds.of(key) + ":");
  }
}
