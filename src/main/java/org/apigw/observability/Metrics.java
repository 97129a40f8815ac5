package org.apigw.observability;

import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.GaugeMetricFamily;
import io.prometheus.client.CounterMetricFamily;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apigw.etcd.EtcdConfigSync;
import org.apigw.etcd.EtcdLinkStatus;
import org.apigw.fallback.FallbackUploader;
import org.apigw.proxy.ProxyStats;
import org.apigw.resource.ResourceType;
import org.apigw.snapshot.SnapshotWriter;
import org.apigw.standalone.YamlConfigSource;
import org.apigw.store.ConfigOrigin;
import org.apigw.store.ConfigStore;
import org.apigw.store.RuntimeConfig;
import org.apigw.store.StoredResource;

/**
 * Node-level metrics in Prometheus text format: the health of the config link (etcd, or the
 * standalone file), the age of the served config, and the snapshot mirror, read from their owners at scrape time (nothing is updated on the hot path).
 * Names follow APISIX where APISIX has one ({@code apisix_etcd_reachable}, {@code apisix_node_info}).
 */
public final class Metrics {

  private final CollectorRegistry registry = new CollectorRegistry(true);

  /**
   * @param sync the etcd source, null in standalone mode and on a control plane
   * @param yaml the standalone source, null in etcd mode
   * @param snapshot the snapshot mirror, null when there is none
   * @param fallback null unless this control plane dumps to object storage
   */
  public Metrics(
      ConfigStore store,
      EtcdConfigSync sync,
      YamlConfigSource yaml,
      SnapshotWriter snapshot,
      FallbackUploader fallback,
      ProxyStats proxy,
      String version) {
    new ConfigCollector(store, sync, yaml, snapshot, fallback, version).register(registry);
    if (proxy != null) {
      new ProxyCollector(proxy).register(registry);
    }
  }

  /** nginx stub_status's numbers as APISIX exports them, for the proxy listeners. */
  private static final class ProxyCollector extends Collector {
    private final ProxyStats stats;

    ProxyCollector(ProxyStats stats) {
      this.stats = stats;
    }

    @Override
    public List<MetricFamilySamples> collect() {
      GaugeMetricFamily connections =
          new GaugeMetricFamily(
              "apisix_nginx_http_current_connections", "Number of HTTP connections", List.of("state"));
      long accepted = stats.accepted();
      connections.addMetric(List.of("active"), stats.active());
      connections.addMetric(List.of("accepted"), accepted);
      connections.addMetric(List.of("handled"), accepted); // every accepted connection is handled
      return List.of(
          connections,
          new GaugeMetricFamily("apisix_http_requests_total", "The total number of client requests", stats.requests()));
    }
  }

  public CollectorRegistry registry() {
    return registry;
  }

  /** The registry rendered in the Prometheus 0.0.4 text format. */
  public String scrape() {
    StringWriter out = new StringWriter();
    try {
      TextFormat.write004(out, registry.metricFamilySamples());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static final class ConfigCollector extends Collector {
    private final ConfigStore store;
    private final EtcdConfigSync sync;
    private final YamlConfigSource yaml;
    private final SnapshotWriter snapshot;
    private final FallbackUploader fallback;
    private final String version;
    private final String hostname;

    ConfigCollector(
        ConfigStore store,
        EtcdConfigSync sync,
        YamlConfigSource yaml,
        SnapshotWriter snapshot,
        FallbackUploader fallback,
        String version) {
      this.store = store;
      this.sync = sync;
      this.yaml = yaml;
      this.snapshot = snapshot;
      this.fallback = fallback;
      this.version = version;
      String host;
      try {
        host = InetAddress.getLocalHost().getHostName();
      } catch (IOException e) {
        host = "unknown";
      }
      this.hostname = host;
    }

    @Override
    public List<MetricFamilySamples> collect() {
      List<MetricFamilySamples> out = new ArrayList<>();
      RuntimeConfig current = store.current();
      out.add(
          new GaugeMetricFamily("apisix_node_info", "Info of this node", List.of("hostname", "version"))
              .addMetric(List.of(hostname, version), 1));
      out.add(gauge("apisix_config_revision", "etcd revision of the config being served", current.revision()));
      GaugeMetricFamily source =
          new GaugeMetricFamily("apisix_config_source", "Where the served config came from (1 = current)", List.of("source"));
      for (ConfigOrigin origin : ConfigOrigin.values()) {
        source.addMetric(List.of(origin.label()), origin == current.origin() ? 1 : 0);
      }
      out.add(source);
      long now = System.currentTimeMillis();
      long confirmed = store.confirmedAtMillis();
      double age = confirmed == 0 ? -1 : Math.max(0, now - confirmed) / 1000.0;
      out.add(
          gauge(
              "apisix_config_age_seconds",
              "Seconds since the source last confirmed the served config current (-1: nothing loaded)", age));
      double sinceApplied = current.appliedAtMillis() == 0 ? -1 : (now - current.appliedAtMillis()) / 1000.0;
      out.add(
          gauge("apisix_config_last_applied_seconds", "Seconds since the served config last changed (-1: never)", sinceApplied));
      CounterMetricFamily rejected =
          new CounterMetricFamily("apisix_config_rejected", "Values refused by the data plane, by resource type", List.of("type"));
      for (Map.Entry<String, Long> e : store.rejectedTotals().entrySet()) {
        rejected.addMetric(List.of(e.getKey()), e.getValue());
      }
      out.add(rejected);
      out.add(gauge("apisix_config_rejected_keys", "Keys whose latest value is currently refused", store.rejections().size()));
      if (sync != null) {
        EtcdLinkStatus link = sync.status();
        out.add(gauge("apisix_etcd_reachable", "Config server reachable from this node, 1 or 0", link.reachable() ? 1 : 0));
        double sinceContact = link.lastContactMillis() == 0 ? -1 : (System.currentTimeMillis() - link.lastContactMillis()) / 1000.0;
        out.add(gauge("apisix_etcd_last_contact_seconds", "Seconds since etcd last answered (-1: never)", sinceContact));
        out.add(gauge("apisix_etcd_watched_revision", "Revision the etcd watch has delivered up to", link.watchedRevision()));
        CounterMetricFamily resyncs =
            new CounterMetricFamily("apisix_etcd_resync", "Full re-reads of the etcd prefix, by reason", List.of("reason"));
        for (Map.Entry<String, Long> e : link.resyncs().entrySet()) {
          resyncs.addMetric(List.of(e.getKey()), e.getValue());
        }
        out.add(resyncs);
        out.add(modifyIndexes(current, link));
      }
      if (yaml != null) {
        out.add(counter("apisix_config_yaml_loads", "Loads of apisix.yaml (standalone mode)", yaml.loads()));
        out.add(counter("apisix_config_yaml_refused", "Complete apisix.yaml files refused whole", yaml.refusals()));
        out.add(
            gauge("apisix_config_yaml_problem", "1 while apisix.yaml differs from what is served (missing, incomplete, refused)",
                yaml.problem().isEmpty() ? 0 : 1));
      }
      if (snapshot != null) {
        out.add(counter("apisix_config_snapshot_writes", "Snapshot files written", snapshot.writesTotal()));
        out.add(counter("apisix_config_snapshot_write_failures", "Snapshot writes that failed", snapshot.failuresTotal()));
        out.add(gauge("apisix_config_snapshot_revision", "Revision of the last snapshot written", snapshot.lastWrittenRevision()));
      }
      if (fallback != null) {
        out.add(counter("apisix_fallback_cp_uploads", "Config dumps uploaded to object storage", fallback.uploadsTotal()));
        out.add(counter("apisix_fallback_cp_upload_failures", "Config dumps that failed", fallback.failuresTotal()));
        out.add(counter("apisix_fallback_cp_unchanged", "Config dumps skipped: revision unchanged", fallback.unchangedTotal()));
        out.add(gauge("apisix_fallback_cp_revision", "Revision of the copy in object storage (-1: none yet)", fallback.lastRevision()));
      }
      return out;
    }

    /**
     * APISIX's {@code apisix_etcd_modify_indexes{key}}: the highest modRevision per resource
     * directory, their maximum ({@code max_modify_index}), and the revision the watch reached
     * ({@code x_etcd_index}, what APISIX reads from etcd's X-Etcd-Index header).
     */
    private static GaugeMetricFamily modifyIndexes(RuntimeConfig current, EtcdLinkStatus link) {
      GaugeMetricFamily family =
          new GaugeMetricFamily("apisix_etcd_modify_indexes", "Etcd modify index for APISIX keys", List.of("key"));
      Map<String, Long> byDir = new java.util.LinkedHashMap<>(); // credentials live in the consumers directory
      for (ResourceType type : ResourceType.values()) {
        long highest = 0;
        for (StoredResource stored : current.all(type).values()) {
          highest = Math.max(highest, stored.modRevision());
        }
        byDir.merge(type.dir(), highest, Math::max);
      }
      long max = 0;
      for (Map.Entry<String, Long> dir : byDir.entrySet()) {
        family.addMetric(List.of(dir.getKey()), dir.getValue());
        max = Math.max(max, dir.getValue());
      }
      family.addMetric(List.of("max_modify_index"), max);
      family.addMetric(List.of("x_etcd_index"), link.watchedRevision());
      return family;
    }

    private static GaugeMetricFamily gauge(String name, String help, double value) {
      return new GaugeMetricFamily(name, help, value);
    }

    private static CounterMetricFamily counter(String name, String help, double value) {
      return new CounterMetricFamily(name, help, value);
    }
  }
}
