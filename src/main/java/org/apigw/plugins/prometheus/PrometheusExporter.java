package org.apigw.plugins.prometheus;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.io.StringWriter;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The prometheus export server ({@code plugin_attr.prometheus.export_addr}, default
 * 127.0.0.1:9091): {@code GET <export_uri>} answers every registry given (the plugin's request
 * metrics and the node's own) in the Prometheus text format 0.0.4; anything else is 404.
 *
 * <p>A scrape walks every series, so it is rendered on a worker thread, never on the event loop.
 */
public final class PrometheusExporter {

  private static final Logger log = LoggerFactory.getLogger(PrometheusExporter.class);

  private final Vertx vertx;
  private final PrometheusAttr attr;
  private final List<CollectorRegistry> registries;
  private HttpServer server;

  public PrometheusExporter(Vertx vertx, PrometheusAttr attr, List<CollectorRegistry> registries) {
    this.vertx = vertx;
    this.attr = attr;
    this.registries = List.copyOf(registries);
  }

  /** Binds with SO_REUSEPORT like the other listeners, so a reload can take the port over. */
  public Future<HttpServer> listen() {
    server =
        vertx.createHttpServer(
            new HttpServerOptions().setHost(attr.exportIp()).setPort(attr.exportPort()).setReusePort(true));
    return server.requestHandler(this::handle).listen();
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void handle(HttpServerRequest request) {
    if (!attr.exportUri().equals(request.path())) {
      request.response().setStatusCode(404).end();
      return;
    }
    if (!"GET".equals(request.method().name())) {
      request.response().setStatusCode(405).end();
      return;
    }
    vertx.executeBlocking(this::render, false).onComplete(ar -> {
      if (ar.succeeded()) {
        request.response().putHeader("Content-Type", TextFormat.CONTENT_TYPE_004).end(ar.result());
      } else {
        log.error("prometheus: rendering metrics failed: {}", ar.cause().toString());
        request.response().setStatusCode(500).end();
      }
    });
  }

  /** All registries in the text format. */
  String render() throws java.io.IOException {
    StringWriter out = new StringWriter();
    for (CollectorRegistry registry : registries) {
      TextFormat.write004(out, registry.metricFamilySamples());
    }
    return out.toString();
  }
}
