package org.apigw.proxy;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apigw.config.GatewayConfig;
import org.apigw.store.RuntimeConfig;

/**
 * One proxy instance per event loop: its own listening sockets (the kernel spreads connections
 * across instances) and its own upstream client, so a request and its upstream connection stay
 * on one thread.
 */
final class ProxyVerticle extends VerticleBase {

  /** APISIX's {@code keepalive_pool.size} default: idle connections kept per upstream node. */
  private static final int POOL_SIZE = 320;

  private final List<GatewayConfig.Listen> listens;
  private final Supplier<RuntimeConfig> config;
  private final ProxySettings settings;
  private final ProxyStats stats;
  private final Supplier<Duration> grace;
  private final BooleanSupplier draining;
  private final List<HttpServer> servers = new ArrayList<>();
  private HttpClient client;

  /**
   * @param grace how long in-flight requests may finish when the verticle is undeployed
   * @param draining true while a graceful stop asks clients to close their connections
   */
  ProxyVerticle(
      List<GatewayConfig.Listen> listens,
      Supplier<RuntimeConfig> config,
      ProxySettings settings,
      ProxyStats stats,
      Supplier<Duration> grace,
      BooleanSupplier draining) {
    this.listens = listens;
    this.config = config;
    this.settings = settings;
    this.stats = stats;
    this.grace = grace;
    this.draining = draining;
  }

  @Override
  public Future<?> start() {
    client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setKeepAlive(true)
                .setKeepAliveTimeout(60)
                .setTcpNoDelay(true)
                .setDecompressionSupported(false)
                .setMaxInitialLineLength(65536)
                .setMaxHeaderSize(65536),
            new PoolOptions().setHttp1MaxSize(POOL_SIZE).setMaxWaitQueueSize(-1));
    ProxyHandler handler = new ProxyHandler(config, client, settings, vertx, draining, stats);
    List<Future<HttpServer>> listening = new ArrayList<>();
    for (GatewayConfig.Listen listen : listens) {
      HttpServer server =
          vertx.createHttpServer(
              new HttpServerOptions()
                  .setHost(listen.ip())
                  .setPort(listen.port())
                  .setTcpNoDelay(true)
                  .setReusePort(true)
                  .setHandle100ContinueAutomatically(true)
                  .setIdleTimeout(60)
                  .setMaxInitialLineLength(65536)
                  .setMaxHeaderSize(65536)
                  .setDecompressionSupported(false)
                  .setCompressionSupported(false));
      servers.add(server);
      server.connectionHandler(connection -> {
        stats.connectionOpened();
        connection.closeHandler(v -> stats.connectionClosed());
      });
      listening.add(server.requestHandler(handler).listen());
    }
    return Future.all(listening);
  }

  @Override
  public Future<?> stop() {
    List<Future<Void>> closing = new ArrayList<>();
    for (HttpServer server : servers) {
      closing.add(server.shutdown(grace.get())); // stop accepting, let requests in flight finish
    }
    return Future.join(closing).eventually(() -> client == null ? Future.succeededFuture() : client.close());
  }
}
