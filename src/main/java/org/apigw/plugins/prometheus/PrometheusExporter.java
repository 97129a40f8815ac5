package org.apigw.plugins.prometheus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.io.StringWriter;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The prometheus export server ({@code plugin_attr.prometheus.export_addr}, default
 * 127.0.0.1:9091): {@code GET <export_uri>} answers every source given (the plugin's request
 * metrics and the node's own) in the Prometheus text format 0.0.4; anything else is 404.
 *
 * <p>A scrape walks every series, so it is rendered on a worker thread, never on the event loop.
 */
public final class PrometheusExporter {

  private static final Logger log = LoggerFactory.getLogger(PrometheusExporter.class);

  private final Vertx vertx;
  private final PrometheusAttr attr;
  private final List<Source> sources;

  /** Writes some metrics in the text format 0.0.4; asked afresh on every scrape. */
  @FunctionalInterface
  public interface Source {
    void write(Writer out) throws IOException;
  }
  private HttpServer server;

  /** @param sources what to serve, in order: the plugin's request metrics, the node's own … */
  public PrometheusExporter(Vertx vertx, PrometheusAttr attr, List<Source> sources) {
    this.vertx = vertx;
    this.attr = attr;
    this.sources = List.copyOf(sources);
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
        request.response().putHeader("Content-Type", TextFormat004.CONTENT_TYPE).end(ar.result());
      } else {
        log.error("prometheus: rendering metrics failed: {}", ar.cause().toString());
        request.response().setStatusCode(500).end();
      }
    });
  }

  /** All sources in the text format. */
  String render() throws IOException {
    StringWriter out = new StringWriter();
    for (Source source : sources) {
      source.write(out);
    }
    return out.toString();
  }
}
