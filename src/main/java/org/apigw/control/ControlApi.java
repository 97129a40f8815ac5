package org.apigw.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.SortedMap;
import org.apigw.config.GatewayConfig;
import org.apigw.etcd.EtcdConfigSync;
import org.apigw.etcd.EtcdLinkStatus;
import org.apigw.observability.Metrics;
import org.apigw.resource.ResourceType;
import org.apigw.snapshot.SnapshotWriter;
import org.apigw.standalone.YamlConfigSource;
import org.apigw.store.ConfigStore;
import org.apigw.store.Rejection;
import org.apigw.store.RuntimeConfig;
import org.apigw.store.StoredResource;

/**
 * The Control API (APISIX's {@code 127.0.0.1:9090}): what this node is serving and how healthy
 * its config link is. Read-only; answers from memory, never from etcd.
 *
 * <ul>
 *   <li>{@code GET /v1/config}: source (etcd, snapshot or yaml), revision, when it was applied,
 *       its age (seconds since the source last confirmed it current: an etcd answer, the
 *       snapshot's write time, an unchanged poll of {@code apisix.yaml}), the etcd link or the
 *       standalone file, the snapshot mirror, counts per type and the keys currently refused
 *   <li>{@code GET /v1/routes}, {@code /v1/route/<id>}, likewise services and upstreams: the
 *       values being served
 *   <li>{@code GET /v1/server_info}, {@code GET /apisix/prometheus/metrics}
 * </ul>
 */
public final class ControlApi {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Vertx vertx;
  private final ConfigStore store;
  private final EtcdConfigSync sync;
  private final YamlConfigSource yaml;
  private final SnapshotWriter snapshot;
  private final Metrics metrics;
  private final String version;
  private final long bootTime = System.currentTimeMillis() / 1000;
  private HttpServer server;

  /**
   * @param sync the etcd source, null in standalone mode
   * @param yaml the standalone source, null in etcd mode
   * @param snapshot the snapshot mirror, null when disabled or in standalone mode
   */
  public ControlApi(
      Vertx vertx,
      ConfigStore store,
      EtcdConfigSync sync,
      YamlConfigSource yaml,
      SnapshotWriter snapshot,
      Metrics metrics,
      String version) {
    this.vertx = vertx;
    this.store = store;
    this.sync = sync;
    this.yaml = yaml;
    this.snapshot = snapshot;
    this.metrics = metrics;
    this.version = version;
  }

  public Future<HttpServer> listen(GatewayConfig.Listen listen) {
    server =
        vertx.createHttpServer(
            new HttpServerOptions().setHost(listen.ip()).setPort(listen.port()).setReusePort(true));
    return server.requestHandler(this::handle).listen();
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void handle(HttpServerRequest request) {
    if (!"GET".equals(request.method().name())) {
      reply(request, 405, error("only GET is supported"));
      return;
    }
    String path = request.path();
    RuntimeConfig current = store.current();
    switch (path) {
      case "/v1/config" -> reply(request, 200, configState(current));
      case "/v1/routes" -> reply(request, 200, list(current, ResourceType.ROUTES));
      case "/v1/services" -> reply(request, 200, list(current, ResourceType.SERVICES));
      case "/v1/upstreams" -> reply(request, 200, list(current, ResourceType.UPSTREAMS));
      case "/v1/server_info" -> reply(request, 200, serverInfo(current));
      case "/apisix/prometheus/metrics" ->
          request.response().putHeader("Content-Type", "text/plain; version=0.0.4").end(metrics.scrape());
      default -> single(request, current, path);
    }
  }

  private void single(HttpServerRequest request, RuntimeConfig current, String path) {
    for (var entry : Map.of("/v1/route/", ResourceType.ROUTES, "/v1/service/", ResourceType.SERVICES,
        "/v1/upstream/", ResourceType.UPSTREAMS).entrySet()) {
      if (path.startsWith(entry.getKey())) {
        StoredResource stored = current.all(entry.getValue()).get(path.substring(entry.getKey().length()));
        if (stored == null) {
          reply(request, 404, error(entry.getValue().kind() + " not found"));
        } else {
          reply(request, 200, value(stored));
        }
        return;
      }
    }
    reply(request, 404, error("not found: " + path));
  }

  private ObjectNode configState(RuntimeConfig current) {
    ObjectNode out = JSON.createObjectNode();
    out.put("source", current.origin().label());
    out.put("revision", current.revision());
    out.put("cluster_id", Long.toHexString(current.clusterId()));
    long now = System.currentTimeMillis();
    long confirmed = store.confirmedAtMillis();
    out.put("applied_at", current.appliedAtMillis() == 0 ? null : Instant.ofEpochMilli(current.appliedAtMillis()).toString());
    out.put("seconds_since_applied", current.appliedAtMillis() == 0 ? -1 : (now - current.appliedAtMillis()) / 1000);
    out.put("confirmed_at", confirmed == 0 ? null : Instant.ofEpochMilli(confirmed).toString());
    out.put("age_seconds", confirmed == 0 ? -1 : Math.max(0, now - confirmed) / 1000);
    ObjectNode counts = out.putObject("counts");
    current.counts().forEach((type, n) -> counts.put(type.collection(), n));
    if (sync != null) {
      EtcdLinkStatus link = sync.status();
      ObjectNode etcd = out.putObject("etcd");
      etcd.put("reachable", link.reachable());
      etcd.put("watched_revision", link.watchedRevision());
      etcd.put(
          "seconds_since_contact",
          link.lastContactMillis() == 0 ? -1 : (System.currentTimeMillis() - link.lastContactMillis()) / 1000);
      etcd.put("last_error", link.lastError());
      ObjectNode resyncs = etcd.putObject("resyncs");
      link.resyncs().forEach(resyncs::put);
    }
    if (yaml != null) {
      ObjectNode file = out.putObject("yaml");
      file.put("path", yaml.file().toString());
      file.put("revision", yaml.revision());
      file.put("loads", yaml.loads());
      file.put("refused", yaml.refusals());
      file.put("problem", yaml.problem());
    }
    if (snapshot != null) {
      ObjectNode snap = out.putObject("snapshot");
      snap.put("path", snapshot.file().toString());
      snap.put("writes", snapshot.writesTotal());
      snap.put("failures", snapshot.failuresTotal());
      snap.put("last_written_revision", snapshot.lastWrittenRevision());
      snap.put("last_error", snapshot.lastError());
    }
    ArrayNode rejected = out.putArray("rejected");
    for (Rejection r : store.rejections().values()) {
      rejected.addObject().put("key", r.key()).put("revision", r.revision()).put("reason", r.reason());
    }
    ObjectNode totals = out.putObject("rejected_total");
    store.rejectedTotals().forEach(totals::put);
    return out;
  }

  private static ArrayNode list(RuntimeConfig current, ResourceType type) {
    ArrayNode out = JSON.createArrayNode();
    SortedMap<String, StoredResource> all = current.all(type);
    for (StoredResource stored : all.values()) {
      out.add(value(stored));
    }
    return out;
  }

  private ObjectNode serverInfo(RuntimeConfig current) {
    ObjectNode out = JSON.createObjectNode();
    out.put("version", version);
    out.put("boot_time", bootTime);
    out.put("config_revision", current.revision());
    out.put("config_source", current.origin().label());
    return out;
  }

  private static ObjectNode value(StoredResource stored) {
    ObjectNode out = JSON.createObjectNode();
    out.put("key", stored.key());
    out.put("modifiedIndex", stored.modRevision());
    out.put("createdIndex", stored.createRevision());
    try {
      out.set("value", JSON.readTree(stored.raw()));
    } catch (IOException e) {
      out.put("value", new String(stored.raw(), java.nio.charset.StandardCharsets.UTF_8));
    }
    return out;
  }

  private static ObjectNode error(String message) {
    return JSON.createObjectNode().put("error_msg", message);
  }

  private static void reply(HttpServerRequest request, int status, JsonNode body) {
    request.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.toString());
  }
}
