package org.apigw.plugins.limitcount;

import com.github.benmanes.caffeine.cache.Ticker;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import org.apigw.plugin.PluginState;

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
    String id = conf.group() != null ? conf.group() : key.owner() + ":" + digest(key.conf().toString());
    FixedWindow local =
        conf.redis() == null
            ? new FixedWindow(conf.count(), Duration.ofSeconds(conf.timeWindowSeconds()), MAX_LOCAL_KEYS, clock)
            : null;
    return new CountState(local, "plugin-limit-count:" + id + ":");
  }

  /** A short, stable digest of a conf: stands in for APISIX's conf version in Redis keys. */
  static String digest(String conf) {
    try {
      byte[] sha = MessageDigest.getInstance("SHA-256").digest(conf.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
