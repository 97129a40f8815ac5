package org.apigw.config;

import java.util.List;

/**
 * A configuration that loaded, with what the operator should be told about it.
 *
 * @param warnings one message per line, meant to be logged at WARN by the caller
 */
public record LoadedConfig(GatewayConfig config, List<String> warnings) {
  public LoadedConfig {
    warnings = List.copyOf(warnings);
  }
}
