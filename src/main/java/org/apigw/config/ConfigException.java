package org.apigw.config;

/**
 * A configuration that cannot be used. The message names the key path, e.g.
 * {@code apisix->node_listen: expected array, got string}.
 */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
