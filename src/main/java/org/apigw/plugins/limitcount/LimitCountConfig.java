package org.apigw.plugins.limitcount;

import com.fasterxml.jackson.databind.JsonNode;
import org.apigw.plugin.Json;
import org.apigw.plugin.PhaseResult;
import org.apigw.plugin.PluginState;
import org.apigw.plugins.limit.LimitKey;
import org.apigw.plugins.limit.Rejection;
import org.apigw.plugins.limit.redis.RedisSettings;

/**
 * A decoded limit-count conf: schema defaults applied, the rejection prepared.
 *
 * @param count requests allowed per window
 * @param timeWindowSeconds the window
 * @param key what requests are counted by
 * @param group null, or the name of the counter routes share
 * @param groupKey where a group's counters live in {@link org.apigw.plugin.PluginState}: the group
 *     plus its conf (so a changed group conf starts afresh); null without a group
 * @param redis null for the local policy
 * @param rejection the answer once the budget is spent (without the quota headers)
 */
public record LimitCountConfig(
    long count,
    long timeWindowSeconds,
    LimitKey key,
    String group,
    PluginState.Key groupKey,
    RedisSettings redis,
    boolean allowDegradation,
    boolean showLimitQuotaHeader,
    PhaseResult.Respond rejection) {

  /** Decodes a schema-valid conf. */
  static LimitCountConfig decode(JsonNode conf) {
    RedisSettings redis = RedisSettings.of(conf);
    String group = Json.text(conf, "group", null);
    return new LimitCountConfig(
        conf.get("count").asLong(),
        conf.get("time_window").asLong(),
        LimitKey.of(Json.text(conf, "key_type", "var"), Json.text(conf, "key", "remote_addr")),
        group,
        group == null ? null : new PluginState.Key("limit-count group " + group, conf),
        redis,
        Json.bool(conf, "allow_degradation", false),
        Json.bool(conf, "show_limit_quota_header", true),
        Rejection.of(Json.integer(conf, "rejected_code", 503), Json.text(conf, "rejected_msg", null)));
  }
}
