package org.apigw.resource;

/** Upstream timeouts in seconds, as in APISIX's {@code timeout: {connect, send, read}}. */
public record Timeout(double connect, double send, double read) {

  /** nginx's proxy defaults, which APISIX inherits when no timeout is configured. */
  public static final Timeout DEFAULT = new Timeout(60, 60, 60);
}
