package org.apigw.plugin;

/** APISIX's request phases a plugin may hook, in the order a request goes through them. */
public enum Phase {
  REWRITE,
  ACCESS,
  BEFORE_PROXY,
  HEADER_FILTER,
  BODY_FILTER,
  LOG
}
