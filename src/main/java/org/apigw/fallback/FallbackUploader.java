package org.apigw.fallback;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apigw.etcd.PrefixReader;
import org.apigw.snapshot.SnapshotData;
import org.apigw.snapshot.SnapshotEntry;
import org.apigw.store.ConfigEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane's periodic dump of the etcd prefix to object storage
 * ({@code deployment.fallback_cp}): at start and then on {@code cron_spec}'s schedule, read the prefix at
 * one revision and, if that revision (or cluster) differs from the last copy, upload it with
 * {@link FallbackObjects#upload}.
 *
 * <p>Each upload is logged at info, each failure at warn with its reason; both are counted. A
 * failed dump is simply retried at the next tick.
 *
 * <p>Threading: dumps run one at a time on the "fallback-dump" thread, never on an event loop;
 * the fields below are confined to it, the counters are read from any thread.
 */
public final class FallbackUploader implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(FallbackUploader.class);

  /** What one tick did. */
  public enum Outcome {
    UPLOADED,
    UNCHANGED,
    FAILED
  }

  private final FallbackObjects objects;
  private final Callable<PrefixReader.Listing> source;
  private final CronSpec schedule;
  private final Clock clock;
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "fallback-dump");
            t.setDaemon(true);
            return t;
          });
  private final AtomicLong uploads = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong unchanged = new AtomicLong();
  private volatile long lastRevision = -1;
  private volatile String lastError = "";
  private volatile Instant nextDump;

  // --- confined to the fallback-dump thread ---
  private long lastClusterId;
  private boolean pointerChecked;

  /**
   * @param source one consistent read of the prefix (blocking, with its own deadlines)
   */
  public FallbackUploader(
      FallbackObjects objects, Callable<PrefixReader.Listing> source, CronSpec schedule, Clock clock) {
    this.objects = objects;
    this.source = source;
    this.schedule = schedule;
    this.clock = clock;
  }

  /** Dumps now, then at each activation of the schedule (a dump still running delays the next). */
  public void start() {
    thread.execute(this::tick);
  }

  private void tick() {
    try {
      dumpOnce();
    } catch (RuntimeException e) {
      // a bug must not cancel the schedule
      failures.incrementAndGet();
      lastError = e.toString();
      log.warn("config dump to {} failed unexpectedly", objects.describe(objects.pointerKey()), e);
    } finally {
      scheduleNext();
    }
  }

  private void scheduleNext() {
    Instant now = clock.instant();
    nextDump = schedule.next(now);
    try {
      thread.schedule(this::tick, Math.max(0, Duration.between(now, nextDump).toMillis()), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closed meanwhile: no more dumps
    }
  }

  /** One dump; public for tests and for callers that want one now. Not thread-safe. */
  public Outcome dumpOnce() {
    PrefixReader.Listing listing;
    try {
      listing = source.call();
    } catch (Exception e) {
      return failed("reading etcd failed: " + rootMessage(e));
    }
    if (!pointerChecked) {
      // after a restart: do not upload again what a previous run already uploaded
      try {
        FallbackObjects.Pointer pointer = objects.readPointer();
        if (pointer != null) {
          lastRevision = pointer.revision();
          lastClusterId = pointer.clusterId();
        }
        pointerChecked = true;
      } catch (FallbackException e) {
        log.warn("the current pointer is unusable ({}); it will be replaced", e.getMessage());
        pointerChecked = true;
      }
    }
    if (listing.revision() == lastRevision && listing.clusterId() == lastClusterId) {
      unchanged.incrementAndGet();
      log.debug("config dump skipped: revision {} is already in {}", lastRevision,
          objects.describe(objects.pointerKey()));
      return Outcome.UNCHANGED;
    }
    List<SnapshotEntry> entries = new ArrayList<>(listing.entries().size());
    for (ConfigEntry e : listing.entries()) {
      entries.add(
          new SnapshotEntry(
              e.key(), new String(e.value(), StandardCharsets.UTF_8), e.createRevision(), e.modRevision()));
    }
    SnapshotData data = SnapshotData.of(listing.revision(), listing.clusterId(), clock.instant(), entries);
    long t0 = System.nanoTime();
    FallbackObjects.Uploaded uploaded;
    try {
      uploaded = objects.upload(data);
    } catch (ObjectStoreException e) {
      return failed(e.getMessage());
    }
    lastRevision = listing.revision();
    lastClusterId = listing.clusterId();
    lastError = "";
    uploads.incrementAndGet();
    log.info(
        "dumped config at revision {} ({} keys, {} bytes) to {} and pointed {} at it in {} ms",
        data.revision(), entries.size(), uploaded.bytes(), objects.describe(uploaded.object()),
        objects.pointerKey(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    for (String problem : uploaded.pruneProblems()) {
      log.warn("removing old config dumps failed: {}", problem);
    }
    return Outcome.UPLOADED;
  }

  private Outcome failed(String why) {
    failures.incrementAndGet();
    lastError = why;
    log.warn("config dump to {} failed: {}; trying again at the next activation of cron_spec '{}'",
        objects.describe(objects.pointerKey()), why, schedule);
    return Outcome.FAILED;
  }

  /** When the next dump is due; null before the first one finished. */
  public Instant nextDump() {
    return nextDump;
  }

  public long uploadsTotal() {
    return uploads.get();
  }

  public long failuresTotal() {
    return failures.get();
  }

  public long unchangedTotal() {
    return unchanged.get();
  }

  /** Revision of the copy the pointer names, as far as this node knows; -1 before the first. */
  public long lastRevision() {
    return lastRevision;
  }

  /** Why the last dump failed; empty after a success. */
  public String lastError() {
    return lastError;
  }

  @Override
  public void close() {
    thread.shutdownNow();
    try {
      if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("config dump still running after 5 s; abandoning it");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String rootMessage(Throwable error) {
    Throwable t = error;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String message = t.getMessage();
    return message == null || message.isEmpty() ? t.getClass().getSimpleName() : message;
  }
}
