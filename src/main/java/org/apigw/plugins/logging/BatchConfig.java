package org.apigw.plugins.logging;

import com.fasterxml.jackson.databind.JsonNode;
import org.apigw.plugin.Json;

/**
 * The batch processor fields every APISIX logger shares (schema: {@code batch_max_size} 1000,
 * {@code inactive_timeout} 5 s, {@code buffer_duration} 60 s, {@code max_retry_count} 0, {@code
 * retry_delay} 1 s, {@code name} the logger's own).
 *
 * @param name shown in the processor's logs
 * @param inactiveTimeout seconds without a new entry before a batch goes
 * @param bufferDuration seconds after which the oldest entry's batch goes anyway
 * @param retryDelay seconds between retries of a failed batch
 */
public record BatchConfig(
    String name, int batchMaxSize, int inactiveTimeout, int bufferDuration, int maxRetryCount, int retryDelay) {

  /** The fields of a schema-valid logger conf, with APISIX's defaults. */
  public static BatchConfig decode(JsonNode conf, String defaultName) {
    return new BatchConfig(
        Json.text(conf, "name", defaultName),
        Json.integer(conf, "batch_max_size", 1000),
        Json.integer(conf, "inactive_timeout", 5),
        Json.integer(conf, "buffer_duration", 60),
        Json.integer(conf, "max_retry_count", 0),
        Json.integer(conf, "retry_delay", 1));
  }
}
