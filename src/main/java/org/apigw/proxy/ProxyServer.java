package org.apigw.proxy;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.apigw.config.GatewayConfig;
import org.apigw.store.RuntimeConfig;

/** The proxy listeners ({@code apisix.node_listen}), one {@link ProxyVerticle} per event loop. */
public final class ProxyServer {

  /**
   * How long a graceful stop keeps its listeners and idle keep-alive connections open while
   * answering every request with {@code Connection: close}. A client that is mid-way through
   * reusing an idle connection would otherwise see it closed under its request (an empty reply it
   * cannot tell from a crash); during the window busy clients close their connections themselves.
   */
  static final Duration DRAIN_WINDOW = Duration.ofSeconds(1);

  private final Vertx vertx;
  private final ProxyStats stats;
  private volatile Duration grace = Duration.ZERO;
  private volatile boolean draining;
  private String deploymentId;

  public ProxyServer(Vertx vertx, ProxyStats stats) {
    this.vertx = vertx;
    this.stats = stats;
  }

  public Future<Void> start(
      List<GatewayConfig.Listen> listens, int instances, Supplier<RuntimeConfig> config, ProxySettings settings) {
    return vertx
        .deployVerticle(
            () -> new ProxyVerticle(listens, config, settings, stats, () -> grace, () -> draining), new DeploymentOptions().setInstances(instances))
        .map(id -> {
          deploymentId = id;
          return null;
        });
  }

  /**
   * Stops accepting and gives requests in flight up to {@code grace} to finish. A non-zero grace
   * first drains keep-alive connections for {@link #DRAIN_WINDOW} (at most half the grace).
   */
  public Future<Void> stop(Duration grace) {
    if (deploymentId == null) {
      return Future.succeededFuture();
    }
    if (grace.isZero()) {
      this.grace = grace;
      return vertx.undeploy(deploymentId);
    }
    Duration window = DRAIN_WINDOW.compareTo(grace.dividedBy(2)) < 0 ? DRAIN_WINDOW : grace.dividedBy(2);
    this.grace = grace.minus(window);
    draining = true;
    Promise<Void> drained = Promise.promise();
    vertx.setTimer(Math.max(1, window.toMillis()), t -> drained.complete());
    return drained.future().compose(v -> vertx.undeploy(deploymentId));
  }
}
