package org.apigw.plugins.limit.redis;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One Vert.x Redis client per distinct {@link RedisSettings}, created on first use. Creating a
 * client opens nothing: connections are made, pooled and reconnected by the client when counts
 * are sent, so this never blocks the event loop that asks.
 *
 * <p>Clients live as long as the gateway: the set of redis confs is small, and their pooled
 * connections close themselves after {@code keepalive_timeout} idle. Thread-safe.
 */
public final class RedisClients {

  /** Requests queued for a pooled connection beyond which Redis fails fast instead of queueing. */
  private static final int MAX_WAITING = 4096;

  private final ConcurrentHashMap<RedisSettings, Redis> clients = new ConcurrentHashMap<>();

  /** The client for {@code settings}, created with {@code vertx} on first use. */
  public Redis get(Vertx vertx, RedisSettings settings) {
    Redis client = clients.get(settings);
    return client != null ? client : clients.computeIfAbsent(settings, s -> Redis.createClient(vertx, options(s)));
  }

  static RedisOptions options(RedisSettings s) {
    NetClientOptions net =
        new NetClientOptions()
            .setConnectTimeout(s.timeoutMillis())
            .setTcpNoDelay(true)
            .setTrustAll(!s.sslVerify());
    if (!s.sslVerify()) {
      net.setHostnameVerificationAlgorithm("");
    }
    RedisOptions options =
        new RedisOptions()
            .setType(s.cluster() ? RedisClientType.CLUSTER : RedisClientType.STANDALONE)
            .setEndpoints(new java.util.ArrayList<>(s.endpoints()))
            .setNetClientOptions(net)
            .setMaxPoolSize(s.poolSize())
            .setMaxPoolWaiting(MAX_WAITING)
            .setMaxWaitingHandlers(MAX_WAITING)
            .setPoolRecycleTimeout(s.keepaliveMillis());
    if (s.user() != null) {
      options.setUser(s.user());
    }
    if (s.password() != null && !s.password().isEmpty()) {
      options.setPassword(s.password());
    }
    return options;
  }
}
