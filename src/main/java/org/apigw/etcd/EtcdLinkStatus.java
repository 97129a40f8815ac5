package org.apigw.etcd;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The health of the link to etcd as the sync loop sees it. Written by the sync thread, read by
 * the Control API and the metrics collector from any thread.
 */
public final class EtcdLinkStatus {

  private volatile boolean reachable;
  private volatile long lastContactMillis;
  private volatile String lastError = "";
  private volatile long watchedRevision;
  private final Map<String, AtomicLong> resyncs = new ConcurrentHashMap<>();

  public boolean reachable() {
    return reachable;
  }

  /** Wall-clock millis of the last successful response from etcd, 0 if never. */
  public long lastContactMillis() {
    return lastContactMillis;
  }

  public String lastError() {
    return lastError;
  }

  /** The revision the watch has delivered up to. */
  public long watchedRevision() {
    return watchedRevision;
  }

  /** Full re-reads of the prefix, by reason (start, compacted, stalled, cluster_changed, ...). */
  public Map<String, Long> resyncs() {
    Map<String, Long> copy = new java.util.TreeMap<>();
    resyncs.forEach((k, v) -> copy.put(k, v.get()));
    return copy;
  }

  void contact(long revision) {
    reachable = true;
    lastContactMillis = System.currentTimeMillis();
    if (revision > watchedRevision) {
      watchedRevision = revision;
    }
  }

  void resetRevision(long revision) {
    watchedRevision = revision;
  }

  void lost(String error) {
    reachable = false;
    lastError = error;
  }

  void resync(String reason) {
    resyncs.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
  }
}
