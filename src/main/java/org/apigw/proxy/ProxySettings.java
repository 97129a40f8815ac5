package org.apigw.proxy;

/**
 * Node-wide proxy behaviour from {@code conf/config.yaml}.
 *
 * @param serverHeader value of the {@code Server} response header
 * @param deleteUriTailSlash {@code apisix.delete_uri_tail_slash}
 */
public record ProxySettings(String serverHeader, boolean deleteUriTailSlash) {}
