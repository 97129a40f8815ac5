package org.apigw.plugins.prometheus;

import io.prometheus.client.Collector;
import java.io.IOException;
import java.io.Writer;
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
 * <p>Kept and written by hand rather than with simpleclient's {@code Counter}: simpleclient 0.16
 * names counter samples {@code <name>_total} (and adds {@code _created}), which would rename
 * APISIX's {@code apisix_http_status} and {@code apisix_bandwidth} under every dashboard built
 * for them (see {@link TextFormat004}).
 *
 * <p>Recording is cheap and lock-free: one map lookup per key with a small key record (the label
 * strings are the request's own, nothing is concatenated), then {@link LongAdder} / {@link
 * DoubleAdder} increments. The series of a label set is created once and kept for the life of the
 * node, as APISIX keeps its series. Thread-safe; written while being recorded.
 */
public final class HttpMetrics {

  /** APISIX fills these for AI requests only; plain HTTP traffic reports the defaults. */
  static final String REQUEST_TYPE = "traditional_http";

  private static final List<String> STATUS_LABELS =
      List.of("code", "route", "matched_uri", "matched_host", "service", "consumer", "node", "request_type",
          "request_llm_model", "llm_model", "response_source");
  private static final List<String> SERIES_LABELS =
      List.of("type", "route", "service", "consumer", "node", "request_type", "request_llm_model", "llm_model");

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

  /** Writes the three families in the text format 0.0.4; families without series are left out. */
  public void write(Writer out) throws IOException {
    if (!status.isEmpty()) {
      String name = prefix + "http_status";
      TextFormat004.header(out, name, "HTTP status codes per service in APISIX", "counter");
      for (Map.Entry<StatusKey, LongAdder> e : status.entrySet()) {
        StatusKey k = e.getKey();
        List<String> values =
            List.of(Integer.toString(k.code()), k.route(), k.matchedUri(), k.matchedHost(), k.service(), k.consumer(),
                k.node(), REQUEST_TYPE, "", "", k.fromUpstream() ? "upstream" : "apisix");
        TextFormat004.sample(out, name, STATUS_LABELS, values, null, e.getValue().sum());
      }
    }
    if (series.isEmpty()) {
      return;
    }
    String latency = prefix + "http_latency";
    TextFormat004.header(out, latency, "HTTP request latency in milliseconds per service in APISIX", "histogram");
    for (Map.Entry<SeriesKey, Series> e : series.entrySet()) {
      Series s = e.getValue();
      s.request.write(out, latency, labels("request", e.getKey()), buckets);
      s.upstream.write(out, latency, labels("upstream", e.getKey()), buckets);
      s.apisix.write(out, latency, labels("apisix", e.getKey()), buckets);
    }
    String bandwidth = prefix + "bandwidth";
    TextFormat004.header(out, bandwidth, "Total bandwidth in bytes consumed per service in APISIX", "counter");
    for (Map.Entry<SeriesKey, Series> e : series.entrySet()) {
      Series s = e.getValue();
      TextFormat004.sample(out, bandwidth, SERIES_LABELS, labels("ingress", e.getKey()), null, s.ingress.sum());
      TextFormat004.sample(out, bandwidth, SERIES_LABELS, labels("egress", e.getKey()), null, s.egress.sum());
    }
  }

  private static List<String> labels(String type, SeriesKey k) {
    return List.of(type, k.route(), k.service(), k.consumer(), k.node(), REQUEST_TYPE, "", "");
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
    void write(Writer out, String name, List<String> labels, double[] bounds) throws IOException {
      long[] snapshot = new long[counts.length];
      long total = 0;
      for (int i = 0; i < counts.length; i++) {
        snapshot[i] = counts[i].sum();
        total += snapshot[i];
      }
      if (total == 0) {
        return;
      }
      long cumulative = 0;
      for (int i = 0; i < snapshot.length; i++) {
        cumulative += snapshot[i];
        String le = i < bounds.length ? Collector.doubleToGoString(bounds[i]) : "+Inf";
        TextFormat004.sample(out, name + "_bucket", SERIES_LABELS, labels, le, cumulative);
      }
      TextFormat004.sample(out, name + "_count", SERIES_LABELS, labels, null, cumulative);
      TextFormat004.sample(out, name + "_sum", SERIES_LABELS, labels, null, sum.sum());
    }
  }
}
