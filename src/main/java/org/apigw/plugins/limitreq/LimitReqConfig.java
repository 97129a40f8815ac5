package org.apigw.plugins.limitreq;

import com.fasterxml.jackson.databind.JsonNode;
import org.apigw.plugin.Json;
import org.apigw.plugin.PhaseResult;
import org.apigw.plugins.limit.LimitKey;
import org.apigw.plugins.limit.Rejection;
import org.apigw.plugins.limit.redis.RedisSettings;

/**
 * A decoded limit-req conf.
 *
 * @param rate requests per second
 * @param burst excess requests that are delayed rather than refused
 * @param nodelay let requests within the burst through at once (their excess still counts)
 * @param redis null for the local policy
 * @param allowDegradation let requests through when Redis fails
 */
public record LimitReqConfig(
    double rate,
    double burst,
    LimitKey key,
    boolean nodelay,
    RedisSettings redis,
    boolean allowDegradation,
    PhaseResult.Respond rejection) {

  /** Decodes a schema-valid conf. */
  static LimitReqConfig decode(JsonNode conf) {
    return new LimitReqConfig(
        conf.get("rate").asDouble(),
        conf.get("burst").asDouble(),
        LimitKey.of(Json.text(conf, "key_type", "var"), conf.get("key").asText()),
        Json.bool(conf, "nodelay", false),
        RedisSettings.of(conf),
        Json.bool(conf, "allow_degradation", false),
        Rejection.of(Json.integer(conf, "rejected_code", 503), Json.text(conf, "rejected_msg", null)));
  }
}
