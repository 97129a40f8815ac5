package org.apigw.proxy;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.apigw.config.GatewayConfig;
import org.apigw.store.RuntimeConfig;

/** The proxy listeners ({@code apisix.node_listen}), one {@link ProxyVerticle} per event loop. */
public final class ProxyServer {

  private final Vertx vertx;
  private volatile Duration grace = Duration.ZERO;
  private String deploymentId;

  public ProxyServer(Vertx vertx) {
    this.vertx = vertx;
  }

  public Future<Void> start(
      List<GatewayConfig.Listen> listens, int instances, Supplier<RuntimeConfig> config, ProxySettings settings) {
    return vertx
        .deployVerticle(
            () -> new ProxyVerticle(listens, config, settings, () -> grace), new DeploymentOptions().setInstances(instances))
        .map(id -> {
          deploymentId = id;
          return null;
        });
  }

  /** Stops accepting and gives requests in flight up to {@code grace} to finish. */
  public Future<Void> stop(Duration grace) {
    this.grace = grace;
    return deploymentId == null ? Future.succeededFuture() : vertx.undeploy(deploymentId);
  }
}
