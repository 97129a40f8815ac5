package org.apigw.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apigw.store.ConfigEntry;
import org.apigw.store.ConfigOrigin;
import org.apigw.store.ConfigSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link ConfigSink} equal to the etcd prefix: one paginated range read at a single
 * revision R, then a watch from exactly R+1, so nothing written between the two is lost.
 *
 * <p>Any sign that the watch can no longer be trusted leads to a full re-read ("resync") and a
 * new watch from the re-read's revision: any watch error (a lost connection, a failed keepalive
 * — jetcd would resume by itself, but silently into a wiped or restored etcd), a compacted start
 * revision (jetcd closes the watcher for good), a watcher closed for any other reason (no leader,
 * cancellation), a stream that answers neither events nor progress requests (a stalled peer), a
 * different cluster id or a header revision below the one applied. Failed re-reads are retried
 * with capped, jittered backoff while the sink keeps serving what it has.
 *
 * <p>Threading: all state below is confined to one "etcd-sync" thread. jetcd callbacks (gRPC
 * threads) only enqueue onto it, tagged with the watcher generation so that callbacks from a
 * watcher that has been replaced are dropped. Blocking RPCs with deadlines run on that thread,
 * never on an event loop.
 */
public final class EtcdConfigSync implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EtcdConfigSync.class);

  /** An idle watch is asked for a progress report this often. */
  private static final long PROGRESS_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);

  /**
   * A watch that answered nothing — no event, no progress report — for this long is treated as
   * stalled. Three unanswered progress requests; keepalive (10 s + 5 s) usually fires first.
   */
  private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(16);

  private static final long FIRST_BACKOFF_MILLIS = 100;

  /** While etcd is unreachable, its ports are probed this often (a TCP connect, nothing sent). */
  private static final long PROBE_MILLIS = 250;

  private static final int PROBE_CONNECT_MILLIS = 200;

  /** Repeated failures are logged at most this often, so an etcd outage does not flood the log. */
  private static final long LOG_EVERY_MILLIS = 30_000;

  private final Supplier<Client> clients;
  private final EndpointProbe probe;
  private final String prefix;
  private final ByteSequence watchPrefix;
  private final ConfigSink sink;
  private final Duration rpcTimeout;
  private final long maxBackoffMillis;
  private final EtcdLinkStatus status = new EtcdLinkStatus();
  private final CompletableFuture<Long> firstSync = new CompletableFuture<>();
  private final ConcurrentLinkedQueue<Received> inbox = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "etcd-sync");
            t.setDaemon(true);
            return t;
          });

  // --- confined to the etcd-sync thread ---
  private Client client;
  private boolean probedUnreachable;
  private Watch.Watcher watcher;
  private long generation;
  private long cursor;
  private long clusterId;
  private long lastAnswerNanos;
  private long lastProgressRequestNanos;
  private boolean resyncScheduled;
  private int failures;
  private long lastFailureLogMillis;
  private volatile boolean closed;

  /**
   * @param clients makes the client this loop owns; it is made again after a failed read, since
   *     a gRPC channel that saw etcd down stays in reconnect backoff (up to minutes) after etcd is
   *     back. Clients should not wait for ready: a read must fail fast while etcd is down.
   * @param endpoints etcd's client addresses, probed with a plain TCP connect while etcd is
   *     unreachable so that the next read starts as soon as etcd accepts connections again
   * @param prefix the etcd prefix without trailing slash, e.g. {@code /apisix}
   * @param rpcTimeout deadline of each range call
   * @param maxBackoff cap of the delay between failed re-reads ({@code resync_delay})
   */
  public EtcdConfigSync(
      Supplier<Client> clients,
      List<InetSocketAddress> endpoints,
      String prefix,
      ConfigSink sink,
      Duration rpcTimeout,
      Duration maxBackoff) {
    this.clients = clients;
    this.probe = new EndpointProbe(endpoints, PROBE_CONNECT_MILLIS);
    this.prefix = prefix;
    this.watchPrefix = ByteSequence.from(prefix + "/", StandardCharsets.UTF_8);
    this.sink = sink;
    this.rpcTimeout = rpcTimeout;
    this.maxBackoffMillis = Math.max(FIRST_BACKOFF_MILLIS, maxBackoff.toMillis());
  }

  public void start() {
    thread.execute(() -> {
      client = clients.get();
      resync("start");
    });
    thread.scheduleWithFixedDelay(this::supervise, 1, 1, TimeUnit.SECONDS);
  }

  /**
   * Starts knowing that every endpoint refused connections just now (the node serves its
   * snapshot): no client is made, and the first read waits until a probe finds etcd accepting
   * connections, or the longest backoff is over. Making a gRPC client costs a cold JVM a few
   * hundred milliseconds of CPU, which a start from the snapshot would otherwise spend beside
   * opening the proxy port, only to fail its first read.
   */
  public void startRefused(String why) {
    thread.execute(() -> {
      status.resync("start");
      status.lost(why);
      failures = 1;
      scheduleRetry("start", maxBackoffMillis, true);
    });
    thread.scheduleWithFixedDelay(this::supervise, 1, 1, TimeUnit.SECONDS);
  }

  /** Completes with the revision of the first full read that reached the sink. */
  public CompletableFuture<Long> firstSync() {
    return firstSync;
  }

  public EtcdLinkStatus status() {
    return status;
  }

  @Override
  public void close() {
    closed = true;
    thread.execute(() -> {
      closeWatcher();
      if (client != null) {
        client.close();
      }
    });
    thread.shutdown();
    try {
      if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
        thread.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      thread.shutdownNow();
    }
  }

  // ------------------------------------------------------------------ full read

  private void resync(String reason) {
    if (closed || resyncScheduled) {
      return; // a pending re-read will see everything anyway
    }
    closeWatcher();
    status.resync(reason);
    if (!"start".equals(reason)) {
      log.info("re-reading {} from etcd ({}); the current config keeps serving meanwhile", prefix, describe(reason));
    }
    readAndWatch(reason);
  }

  private void readAndWatch(String reason) {
    if (closed) {
      return;
    }
    PrefixReader.Listing listing;
    try {
      listing = list();
    } catch (Exception e) {
      failures++;
      String why = rootMessage(e);
      status.lost(why);
      long delay = backoffMillis(failures);
      long now = System.currentTimeMillis();
      if (failures == 1 || now - lastFailureLogMillis >= LOG_EVERY_MILLIS) {
        lastFailureLogMillis = now;
        log.warn(
            "cannot read {} from etcd (attempt {}): {}; serving the current config and retrying in {} ms",
            prefix, failures, why, delay);
      }
      scheduleRetry(reason, delay, false);
      return;
    }
    if (clusterId != 0 && listing.clusterId() != clusterId) {
      log.error(
          "etcd cluster id changed from {} to {}: following the new cluster and replacing every key with its content ({} keys)",
          Long.toHexString(clusterId), Long.toHexString(listing.clusterId()), listing.entries().size());
    } else if (listing.revision() < cursor) {
      log.error(
          "etcd revision went backwards from {} to {} (restored or wiped etcd): replacing every key with its content ({} keys)",
          cursor, listing.revision(), listing.entries().size());
    }
    if (failures > 0) {
      log.info("etcd answered again after {} failed attempts; reconciling with revision {}", failures, listing.revision());
    }
    failures = 0;
    applySafely(() -> sink.replaceAll(ConfigOrigin.ETCD, listing.revision(), listing.clusterId(), listing.entries(), reason));
    clusterId = listing.clusterId();
    cursor = listing.revision();
    status.resetRevision(cursor);
    status.contact(cursor);
    startWatch();
    firstSync.complete(cursor);
  }

  /**
   * Schedules the next read for when {@code delayMillis} is over, probing etcd meanwhile (see
   * {@link #retryWhenDue}); {@code unreachable}: etcd is already known to refuse connections, so
   * the first probe that finds it accepting reads at once.
   */
  private void scheduleRetry(String reason, long delayMillis, boolean unreachable) {
    resyncScheduled = true;
    probedUnreachable = unreachable;
    long due = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis);
    thread.schedule(() -> retryWhenDue(reason, due), Math.min(delayMillis, PROBE_MILLIS), TimeUnit.MILLISECONDS);
  }

  /**
   * Retries the read once the backoff is over, or sooner when etcd, unreachable until now,
   * accepts TCP connections again: recovery after an outage then takes a probe interval, not a
   * backoff period. The client is made anew so no gRPC reconnect backoff carries over.
   */
  private void retryWhenDue(String reason, long dueNanos) {
    if (closed) {
      return;
    }
    boolean reachable = probe.probe() == EndpointProbe.Reachability.ACCEPTING;
    boolean cameBack = reachable && probedUnreachable;
    probedUnreachable |= !reachable;
    if (!cameBack && System.nanoTime() - dueNanos < 0) {
      thread.schedule(() -> retryWhenDue(reason, dueNanos), PROBE_MILLIS, TimeUnit.MILLISECONDS);
      return;
    }
    resyncScheduled = false;
    if (client != null) {
      client.close();
    }
    client = clients.get();
    readAndWatch(reason);
  }

  private PrefixReader.Listing list() throws Exception {
    return PrefixReader.read(client, prefix, rpcTimeout);
  }

  // ------------------------------------------------------------------ watch

  private void startWatch() {
    long gen = ++generation;
    WatchOption option =
        WatchOption.builder()
            .isPrefix(true)
            .withRevision(cursor + 1)
            .withRequireLeader(true) // a member cut off from its leader cancels instead of going silent
            .withProgressNotify(true)
            .build();
    Watch.Listener listener =
        Watch.listener(
            response -> receive(gen, response),
            error -> thread.execute(() -> onError(gen, error)),
            () -> thread.execute(() -> onCompleted(gen)));
    lastAnswerNanos = System.nanoTime();
    watcher = client.getWatchClient().watch(watchPrefix, option, listener);
  }

  /**
   * Queues a watch response for the sync thread. Responses that pile up while a batch is being
   * applied are applied together as one batch, so a burst of thousands of changes costs a few
   * index rebuilds instead of one each (and a change never waits behind a rebuild backlog).
   */
  private void receive(long gen, WatchResponse response) {
    inbox.add(new Received(gen, response));
    if (drainScheduled.compareAndSet(false, true)) {
      thread.execute(this::drain);
    }
  }

  private record Received(long generation, WatchResponse response) {}

  private void drain() {
    drainScheduled.set(false);
    List<ConfigEntry> changes = new ArrayList<>();
    long revision = cursor;
    Received received;
    boolean answered = false;
    while ((received = inbox.poll()) != null) {
      if (received.generation() != generation || closed) {
        continue; // from a watcher that has since been replaced
      }
      answered = true;
      WatchResponse response = received.response();
      lastAnswerNanos = System.nanoTime();
      long headerCluster = response.getHeader().getClusterId();
      long headerRevision = response.getHeader().getRevision();
      if (headerCluster != 0 && clusterId != 0 && headerCluster != clusterId) {
        resync("cluster_changed"); // re-reads everything, including what this drain collected
        return;
      }
      if (headerRevision != 0 && headerRevision < cursor) {
        resync("revision_backwards");
        return;
      }
      for (WatchEvent event : response.getEvents()) {
        KeyValue kv = event.getKeyValue();
        long modRevision = kv.getModRevision();
        if (modRevision <= cursor) {
          continue; // applied before this drain (events of one txn share a revision: compare to the cursor)
        }
        changes.add(
            event.getEventType() == WatchEvent.EventType.DELETE
                ? ConfigEntry.delete(kv.getKey().toString(StandardCharsets.UTF_8), modRevision)
                : PrefixReader.toEntry(kv));
        revision = modRevision;
      }
      if (response.getEvents().isEmpty()) {
        // a progress report at H promises every event up to H has been delivered
        revision = Math.max(revision, headerRevision);
      }
    }
    if (!changes.isEmpty()) {
      long batchRevision = revision;
      if (!applySafely(() -> sink.apply(batchRevision, changes))) { // a publish confirms by itself
        resync("apply_failed"); // these changes are not served: re-read rather than skip them
        return;
      }
    } else if (answered) {
      // nothing changed and etcd said so: the served config is still current (config age)
      long confirmed = Math.max(cursor, revision);
      applySafely(() -> sink.confirm(ConfigOrigin.ETCD, confirmed, System.currentTimeMillis()));
    }
    cursor = Math.max(cursor, revision);
    status.contact(cursor);
  }

  private void onError(long gen, Throwable error) {
    if (gen != generation || closed) {
      return;
    }
    if (error instanceof CompactedException compacted) {
      log.warn(
          "etcd compacted history up to revision {} past the watch position {}; the watch cannot resume",
          compacted.getCompactedRevision(), cursor + 1);
      resync("compacted");
      return;
    }
    // jetcd would resume this watch by itself, but it resumes silently into whatever etcd answers
    // next: a wiped and refilled etcd, a restored backup. After any interruption, re-read instead.
    status.lost(rootMessage(error));
    log.warn("etcd watch on {} interrupted: {}; serving the current config", prefix, rootMessage(error));
    resync("disconnected");
  }

  private void onCompleted(long gen) {
    if (gen == generation && !closed) {
      resync("watch_closed");
    }
  }

  /** Runs every second on the sync thread: replaces dead watchers, detects stalled ones. */
  private void supervise() {
    if (closed || resyncScheduled || watcher == null) {
      return;
    }
    if (watcher.isClosed()) {
      resync("watch_closed");
      return;
    }
    long now = System.nanoTime();
    long silent = now - lastAnswerNanos;
    if (silent >= STALL_NANOS) {
      status.lost("watch stalled: no answer for " + TimeUnit.NANOSECONDS.toSeconds(silent) + " s");
      log.warn(
          "etcd watch on {} answered nothing for {} s (no event, no progress report): treating it as stalled",
          prefix, TimeUnit.NANOSECONDS.toSeconds(silent));
      resync("stalled");
      return;
    }
    if (silent >= PROGRESS_INTERVAL_NANOS && now - lastProgressRequestNanos >= PROGRESS_INTERVAL_NANOS) {
      lastProgressRequestNanos = now;
      try {
        watcher.requestProgress();
      } catch (RuntimeException e) {
        log.debug("progress request failed: {}", e.toString());
      }
    }
  }

  private void closeWatcher() {
    generation++;
    if (watcher != null) {
      try {
        watcher.close();
      } catch (RuntimeException e) {
        log.debug("closing the etcd watcher failed: {}", e.toString());
      }
      watcher = null;
    }
  }

  // ------------------------------------------------------------------ helpers

  /** Returns false when applying threw: a bug there must not kill the sync thread. */
  private boolean applySafely(Runnable apply) {
    try {
      apply.run();
      return true;
    } catch (RuntimeException e) {
      log.error("applying config from etcd failed; keeping the previous config", e);
      return false;
    }
  }

  private long backoffMillis(int attempt) {
    long exp = FIRST_BACKOFF_MILLIS << Math.min(attempt - 1, 16);
    long capped = Math.min(exp, maxBackoffMillis);
    return capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
  }

  private static String describe(String reason) {
    return switch (reason) {
      case "compacted" -> "the watch revision was compacted";
      case "disconnected" -> "the watch was interrupted";
      case "stalled" -> "the watch stalled";
      case "watch_closed" -> "the watch was closed by etcd";
      case "cluster_changed" -> "etcd's cluster id changed";
      case "revision_backwards" -> "etcd's revision went backwards";
      case "apply_failed" -> "applying a watched change failed";
      default -> reason;
    };
  }

  static String rootMessage(Throwable error) {
    Throwable t = error;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String message = t.getMessage();
    return message == null || message.isEmpty() ? t.getClass().getSimpleName() : message;
  }
}
