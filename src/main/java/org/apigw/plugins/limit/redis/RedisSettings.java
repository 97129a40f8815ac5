package org.apigw.plugins.limit.redis;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.apigw.plugin.Json;
import org.apigw.plugin.PluginConfigException;

/**
 * Where the redis and redis-cluster policies of the limit plugins keep their state: the {@code
 * redis_*} fields of a conf. Value-based: confs naming the same server with the same settings
 * share one client ({@link RedisClients}), whatever route or plugin they come from.
 *
 * @param endpoints connection strings ({@code redis://host:port/db}, {@code rediss://…}); one for
 *     a single server, the seed nodes for a cluster
 * @param cluster true for {@code redis-cluster}
 * @param clusterName {@code redis_cluster_name}: only tells clusters apart, as in APISIX
 * @param user {@code redis_username} or null
 * @param password {@code redis_password} or null
 * @param timeoutMillis {@code redis_timeout}: connect timeout and the longest a count may take
 * @param sslVerify whether the server certificate is verified ({@code redis_ssl_verify})
 * @param poolSize {@code keepalive_pool}: connections per server
 * @param keepaliveMillis {@code keepalive_timeout}: idle time before a pooled connection closes
 */
public record RedisSettings(
    List<String> endpoints,
    boolean cluster,
    String clusterName,
    String user,
    String password,
    int timeoutMillis,
    boolean sslVerify,
    int poolSize,
    int keepaliveMillis) {

  public RedisSettings {
    endpoints = List.copyOf(endpoints);
  }

  /**
   * The settings of a schema-valid conf's {@code policy}: null for {@code local}.
   *
   * @throws PluginConfigException when a {@code redis_cluster_nodes} entry is not host:port
   */
  public static RedisSettings of(JsonNode conf) {
    return switch (Json.text(conf, "policy", "local")) {
      case "redis" -> single(conf);
      case "redis-cluster" -> cluster(conf);
      default -> null;
    };
  }

  /** The settings of a schema-valid {@code policy: redis} conf. */
  static RedisSettings single(JsonNode conf) {
    boolean ssl = Json.bool(conf, "redis_ssl", false);
    String endpoint =
        (ssl ? "rediss://" : "redis://")
            + hostPort(conf.get("redis_host").asText(), Json.integer(conf, "redis_port", 6379))
            + "/"
            + Json.integer(conf, "redis_database", 0);
    return new RedisSettings(
        List.of(endpoint),
        false,
        null,
        Json.text(conf, "redis_username", null),
        Json.text(conf, "redis_password", null),
        Json.integer(conf, "redis_timeout", 1000),
        Json.bool(conf, "redis_ssl_verify", false),
        Json.integer(conf, "keepalive_pool", 100),
        Json.integer(conf, "keepalive_timeout", 10000));
  }

  /** The settings of a schema-valid {@code policy: redis-cluster} conf. */
  static RedisSettings cluster(JsonNode conf) {
    boolean ssl = Json.bool(conf, "redis_cluster_ssl", false);
    List<String> endpoints = new ArrayList<>();
    for (String node : Json.strings(conf, "redis_cluster_nodes")) {
      int colon = node.lastIndexOf(':');
      int port = -1;
      if (colon > 0) {
        try {
          port = Integer.parseInt(node.substring(colon + 1));
        } catch (NumberFormatException e) {
          port = -1;
        }
      }
      if (port < 1 || port > 65535) {
        throw new PluginConfigException("redis_cluster_nodes: expected host:port, got \"" + node + "\"");
      }
      endpoints.add((ssl ? "rediss://" : "redis://") + hostPort(node.substring(0, colon), port));
    }
    return new RedisSettings(
        endpoints,
        true,
        conf.get("redis_cluster_name").asText(),
        null,
        Json.text(conf, "redis_password", null),
        Json.integer(conf, "redis_timeout", 1000),
        Json.bool(conf, "redis_cluster_ssl_verify", false),
        Json.integer(conf, "keepalive_pool", 100),
        Json.integer(conf, "keepalive_timeout", 10000));
  }

  private static String hostPort(String host, int port) {
    // a bare IPv6 literal needs brackets in a URI
    boolean v6 = host.indexOf(':') >= 0 && !host.startsWith("[");
    return (v6 ? "[" + host + "]" : host) + ":" + port;
  }

  /** Without the password: this ends up in logs. */
  @Override
  public String toString() {
    return (cluster ? "redis-cluster " + clusterName + " " : "redis ") + endpoints;
  }
}
