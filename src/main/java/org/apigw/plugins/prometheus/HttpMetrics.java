package org.apigw.plugins.prometheus;

import io.prometheus.client.Collector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * APISIX's per-request metrics, recorded by the prometheus plugin's log phase:
 *
 * <ul>
 *   <li>{@code <prefix>http_status{code,route,matched_uri,matched_host,service,consumer,node,
 *       request_type,request_llm_model,llm_model,response_source}} counter;
 *   <li>{@code <prefix>http_latency{type=request|upstream|apisix,route,service,consumer,node,
 *       request_type,request_llm_model,llm_model}} histogram, milliseconds;
 *   <li>{@code <prefix>bandwidth{type=ingress|egress,…same labels}} counter, bytes.
 * </ul>
 *
 * <p>A collector of its own rather than simpleclient's {@code Counter}: simpleclient 0.16 names
 * counter samples {@code <name>_total} (and adds {@code _created}), which would rename APISIX's
 * {@code apisix_http_status} and {@code apisix_bandwidth} under every dashboard built for them.
 *
 * <p>Recording is cheap and lock-free: one map lookup per metric family with a small key record
 * (the label strings are the request's own, nothing is concatenated), then {@link LongAdder} /
 * {@link DoubleAdder} increments. The series of a label set is created once and cached for the
 * life of the node, as APISIX keeps its series. Thread-safe; scraped while being recorded.
 */
public final class HttpMetrics extends Collector {

  /** APISIX fills these for AI requests only; plain HTTP traffic reports the defaults. */
  static final String REQUEST_TYPE = "traditional_http";

  private static final List<String> STATUS_LABELS =
      List.of("code", "route", "matched_uri", "matched_host", "service", "consumer", "node", "request_type",
          "request_llm_model", "llm_model", "response_source");
  private static final List<String> SERIES_LABELS =
      List.of("type", "route", "service", "consumer", "node", "request_type", "request_llm_model", "llm_model");
  private static final List<String> BUCKET_LABELS = withLe(SERIES_LABELS);

  /** Labels of one {@code http_status} series. */
  record StatusKey(
      int code, String route, String matchedUri, String matchedHost, String service, String consumer, String node,
      boolean fromUpstream) {}

  /** Labels shared by the latency and bandwidth series of one route/service/consumer/node. */
  record SeriesKey(String route, String service, String consumer, String node) {}

  private final String prefix;
  private final double[] buckets;
  private final ConcurrentHashMap<StatusKey, LongAdder> status = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<SeriesKey, Series> series = new ConcurrentHashMap<>();

  public HttpMetrics(String prefix, double[] buckets) {
    this.prefix = prefix;
    this.buckets = buckets.clone();
  }

  /**
   * Records one request.
   *
   * @param upstreamLatency milliseconds, negative when no upstream was tried
   */
  public void record(
      StatusKey statusKey, SeriesKey seriesKey, double latency, double upstreamLatency, long ingress, long egress) {
    status.computeIfAbsent(statusKey, k -> new LongAdder()).increment();
    Series s = series.computeIfAbsent(seriesKey, k -> new Series(buckets.length));
    s.request.observe(latency, buckets);
    double apisix = latency;
    if (upstreamLatency >= 0) {
      s.upstream.observe(upstreamLatency, buckets);
      apisix = Math.max(0, latency - upstreamLatency);
    }
    s.apisix.observe(apisix, buckets);
    s.ingress.add(ingress);
    s.egress.add(egress);
  }

  @Override
  public List<MetricFamilySamples> collect() {
    List<MetricFamilySamples.Sample> statusSamples = new ArrayList<>(status.size());
    String statusName = prefix + "http_status";
    for (Map.Entry<StatusKey, LongAdder> e : status.entrySet()) {
      StatusKey k = e.getKey();
      statusSamples.add(
          new MetricFamilySamples.Sample(
              statusName, STATUS_LABELS,
              List.of(Integer.toString(k.code()), k.route(), k.matchedUri(), k.matchedHost(), k.service(), k.consumer(),
                  k.node(), REQUEST_TYPE, "", "", k.fromUpstream() ? "upstream" : "apisix"),
              e.getValue().sum()));
    }
    String latencyName = prefix + "http_latency";
    String bandwidthName = prefix + "bandwidth";
    List<MetricFamilySamples.Sample> latency = new ArrayList<>();
    List<MetricFamilySamples.Sample> bandwidth = new ArrayList<>();
    for (Map.Entry<SeriesKey, Series> e : series.entrySet()) {
      SeriesKey k = e.getKey();
      Series s = e.getValue();
      s.request.addSamples(latency, latencyName, labels("request", k), buckets);
      s.upstream.addSamples(latency, latencyName, labels("upstream", k), buckets);
      s.apisix.addSamples(latency, latencyName, labels("apisix", k), buckets);
      bandwidth.add(new MetricFamilySamples.Sample(bandwidthName, SERIES_LABELS, labels("ingress", k), s.ingress.sum()));
      bandwidth.add(new MetricFamilySamples.Sample(bandwidthName, SERIES_LABELS, labels("egress", k), s.egress.sum()));
    }
    return List.of(
        new MetricFamilySamples(statusName, Type.COUNTER, "HTTP status codes per service in APISIX", statusSamples),
        new MetricFamilySamples(
            latencyName, Type.HISTOGRAM, "HTTP request latency in milliseconds per service in APISIX", latency),
        new MetricFamilySamples(
            bandwidthName, Type.COUNTER, "Total bandwidth in bytes consumed per service in APISIX", bandwidth));
  }

  private static List<String> labels(String type, SeriesKey k) {
    return List.of(type, k.route(), k.service(), k.consumer(), k.node(), REQUEST_TYPE, "", "");
  }

  private static List<String> withLe(List<String> labels) {
    List<String> out = new ArrayList<>(labels);
    out.add("le");
    return List.copyOf(out);
  }

  /** The series of one label set. */
  private static final class Series {
    final Histogram request;
    final Histogram upstream;
    final Histogram apisix;
    final DoubleAdder ingress = new DoubleAdder();
    final DoubleAdder egress = new DoubleAdder();

    Series(int buckets) {
      request = new Histogram(buckets);
      upstream = new Histogram(buckets);
      apisix = new Histogram(buckets);
    }
  }

  /** Per-bucket (non-cumulative) counts plus the +Inf overflow, and the sum. */
  private static final class Histogram {
    final LongAdder[] counts;
    final DoubleAdder sum = new DoubleAdder();

    Histogram(int buckets) {
      counts = new LongAdder[buckets + 1];
      for (int i = 0; i < counts.length; i++) {
        counts[i] = new LongAdder();
      }
    }

    void observe(double value, double[] bounds) {
      int i = 0;
      while (i < bounds.length && value > bounds[i]) {
        i++;
      }
      counts[i].increment();
      sum.add(value);
    }

    /** Nothing for a histogram never observed (no upstream tried for this label set yet). */
    void addSamples(List<MetricFamilySamples.Sample> out, String name, List<String> labels, double[] bounds) {
      long cumulative = 0;
      List<Long> snapshot = new ArrayList<>(counts.length);
      for (LongAdder c : counts) {
        snapshot.add(c.sum());
      }
      long total = snapshot.stream().mapToLong(Long::longValue).sum();
      if (total == 0) {
        return;
      }
      for (int i = 0; i <= bounds.length; i++) {
        cumulative += snapshot.get(i);
        List<String> values = new ArrayList<>(labels);
        values.add(i < bounds.length ? Collector.doubleToGoString(bounds[i]) : "+Inf");
        out.add(new MetricFamilySamples.Sample(name + "_bucket", BUCKET_LABELS, values, cumulative));
      }
      out.add(new MetricFamilySamples.Sample(name + "_count", SERIES_LABELS, labels, cumulative));
      out.add(new MetricFamilySamples.Sample(name + "_sum", SERIES_LABELS, labels, sum.sum()));
    }
  }
}
