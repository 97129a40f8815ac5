package org.apigw.plugins.logging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apigw.plugin.Json;
import org.apigw.plugin.Phase;
import org.apigw.plugin.PhaseResult;
import org.apigw.plugin.Plugin;
import org.apigw.plugin.PluginConfigException;
import org.apigw.plugin.PluginContext;
import org.apigw.plugin.PluginState;

/**
 * http-logger (410, log): POSTs each request's log entry to {@code uri}, in batches (see {@link
 * BatchProcessor}). A batch of one is sent as a JSON object, a larger one as a JSON array ({@code
 * concat_method: json}) or as one JSON object per line ({@code new_line}), as APISIX does. A
 * status of 400 or more counts as a failure, and the batch is retried per the conf.
 *
 * <p>The request path only builds the entry and queues it: encoding happens on a worker thread
 * and the POST through Vert.x's non-blocking client. One batch processor per configured
 * instance (route, service or global rule, and conf), kept across revisions while the conf is
 * unchanged.
 */
public final class HttpLoggerPlugin implements Plugin<HttpLoggerPlugin.Config> {

  /**
   * Typed conf.
   *
   * @param timeout seconds for one POST
   * @param newLine {@code concat_method: new_line}
   */
  public record Config(
      String uri,
      String authHeader,
      int timeout,
      LogEntries.Options entries,
      boolean newLine,
      boolean sslVerify,
      BatchConfig batch) {}

  private final PluginState<BatchProcessor<ObjectNode>> processors = new PluginState<>(Duration.ofHours(1), 100_000);
  private volatile Clients clients;

  @Override
  public String name() {
    return "http-logger";
  }

  @Override
  public int priority() {
    return 410;
  }

  @Override
  public Set<Phase> phases() {
    return Set.of(Phase.REWRITE, Phase.BODY_FILTER, Phase.LOG);
  }

  @Override
  public String metadataSchemaResource() {
    return LogEntries.METADATA_SCHEMA;
  }

  /** {@code plugin_metadata/http-logger}: the {@code log_format} for confs without their own. */
  @Override
  public Object decodeMetadata(JsonNode conf) {
    return LogEntries.Metadata.decode(conf);
  }

  @Override
  public Config decode(JsonNode conf) {
    String uri = Json.text(conf, "uri", null);
    try {
      URI parsed = new URI(uri);
      if (!"http".equalsIgnoreCase(parsed.getScheme()) && !"https".equalsIgnoreCase(parsed.getScheme())) {
        throw new PluginConfigException("uri: scheme must be http or https, got " + parsed.getScheme());
      }
      if (parsed.getHost() == null) {
        throw new PluginConfigException("uri: no host in " + uri);
      }
    } catch (URISyntaxException e) {
      throw new PluginConfigException("uri: " + e.getMessage());
    }
    return new Config(
        uri,
        Json.text(conf, "auth_header", null),
        Json.integer(conf, "timeout", 3),
        LogEntries.Options.decode(conf),
        "new_line".equals(Json.text(conf, "concat_method", "json")),
        Json.bool(conf, "ssl_verify", false),
        BatchConfig.decode(conf, "http logger"));
  }

  @Override
  public PhaseResult rewrite(Config conf, PluginContext ctx) {
    LogEntries.wantBodies(ctx, conf.entries());
    return PhaseResult.CONTINUE;
  }

  @Override
  public Buffer bodyFilter(Config conf, PluginContext ctx, Buffer chunk, boolean last) {
    return LogEntries.collectResponse(ctx, conf.entries(), chunk);
  }

  @Override
  public void log(Config conf, PluginContext ctx) {
    ObjectNode entry = LogEntries.build(ctx, conf.entries(), name());
    Clients c = clients();
    processors
        .get(ctx.stateKey(), key -> new BatchProcessor<>(conf.batch(), conf.uri(), c.scheduler, batch -> c.post(conf, batch)))
        .push(entry);
  }

  /**
   * The Vert.x this gateway runs on, found from the log phase's event loop: plugins are built
   * before the gateway's Vert.x is handed around, and every request of a node shares one.
   */
  private Clients clients() {
    Clients c = clients;
    if (c == null) {
      synchronized (this) {
        if (clients == null) {
          clients = new Clients(Vertx.currentContext().owner());
        }
        c = clients;
      }
    }
    return c;
  }

  /** The body of one POST. */
  static Buffer encode(List<ObjectNode> batch, boolean newLine) throws JsonProcessingException {
    if (batch.size() == 1) {
      return Buffer.buffer(Json.MAPPER.writeValueAsBytes(batch.get(0)));
    }
    if (!newLine) {
      return Buffer.buffer(Json.MAPPER.writeValueAsBytes(batch));
    }
    Buffer out = Buffer.buffer();
    for (int i = 0; i < batch.size(); i++) {
      if (i > 0) {
        out.appendByte((byte) '\n');
      }
      out.appendBytes(Json.MAPPER.writeValueAsBytes(batch.get(i)));
    }
    return out;
  }

  /** One non-blocking client per TLS verification mode, created on first use. */
  private static final class Clients {
    final Vertx vertx;
    final BatchProcessor.Scheduler scheduler;
    final WebClient verifying;
    final WebClient trusting;

    Clients(Vertx vertx) {
      this.vertx = vertx;
      this.scheduler = new VertxScheduler(vertx);
      this.verifying = WebClient.create(vertx, new WebClientOptions().setUserAgent("apisix-http-logger"));
      this.trusting =
          WebClient.create(
              vertx, new WebClientOptions().setUserAgent("apisix-http-logger").setTrustAll(true).setVerifyHost(false));
    }

    java.util.concurrent.CompletionStage<Void> post(Config conf, List<ObjectNode> batch) {
      Future<Buffer> body = vertx.executeBlocking(() -> encode(batch, conf.newLine()), false);
      return body
          .compose(payload -> {
            HttpRequest<Buffer> request =
                (conf.sslVerify() ? verifying : trusting)
                    .postAbs(conf.uri())
                    .timeout(conf.timeout() * 1000L)
                    .putHeader("Content-Type", conf.newLine() ? "text/plain" : "application/json");
            if (conf.authHeader() != null) {
              request.putHeader("Authorization", conf.authHeader());
            }
            return request.sendBuffer(payload);
          })
          .<Void>compose(response -> response.statusCode() >= 400
              ? Future.failedFuture("server returned status code " + response.statusCode())
              : Future.succeededFuture())
          .toCompletionStage();
    }
  }
}
