package org.apigw.plugins.limitconn;

import com.fasterxml.jackson.databind.JsonNode;
import org.apigw.plugin.Json;
import org.apigw.plugin.PhaseResult;
import org.apigw.plugins.limit.LimitKey;
import org.apigw.plugins.limit.Rejection;

/**
 * A decoded limit-conn conf.
 *
 * @param conn requests in flight per key without delay
 * @param burst further requests in flight that are delayed rather than refused
 * @param defaultConnDelay seconds: the starting unit delay
 * @param onlyUseDefaultDelay keep the unit delay at {@code defaultConnDelay}
 */
public record LimitConnConfig(
    int conn,
    int burst,
    double defaultConnDelay,
    boolean onlyUseDefaultDelay,
    LimitKey key,
    PhaseResult.Respond rejection) {

  /** Decodes a schema-valid conf. */
  static LimitConnConfig decode(JsonNode conf) {
    return new LimitConnConfig(
        conf.get("conn").asInt(),
        conf.get("burst").asInt(),
        conf.get("default_conn_delay").asDouble(),
        Json.bool(conf, "only_use_default_delay", false),
        LimitKey.of(Json.text(conf, "key_type", "var"), Json.text(conf, "key", "remote_addr")),
        Rejection.of(Json.integer(conf, "rejected_code", 503), Json.text(conf, "rejected_msg", null)));
  }
}
