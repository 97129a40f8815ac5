package org.apigw.plugins.logging;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * APISIX's batch processor: collects log entries and hands them to a sender in batches.
 *
 * <p>A batch goes out when it reaches {@code batch_max_size} entries, when no entry arrived for
 * {@code inactive_timeout} seconds, or when its oldest entry is {@code buffer_duration} seconds
 * old, whichever comes first. A batch the sender fails is retried after {@code retry_delay}
 * seconds, up to {@code max_retry_count} times; then it is dropped with an error naming the
 * processor and its target. Batches are independent: a slow or failing one does not hold back the
 * next.
 *
 * <p>Thread-safe: {@link #push} is called from any event loop. The only lock guards the list of
 * pending entries for a few field writes; sending happens outside it, through the sender's own
 * asynchronous I/O, so no caller ever waits on the network or the disk. Timers keep the
 * processor alive until its last batch has gone, so a processor replaced by a new conf still
 * flushes what it holds.
 *
 * @param <T> a log entry
 */
public final class BatchProcessor<T> {

  private static final Logger log = LoggerFactory.getLogger(BatchProcessor.class);

  /** Where a batch goes; completes exceptionally when it did not arrive. */
  @FunctionalInterface
  public interface Sender<T> {
    CompletionStage<Void> send(List<T> batch);
  }

  /** Time and delayed tasks: Vert.x timers in the gateway, a manual clock in tests. */
  public interface Scheduler {
    long nowMillis();

    void schedule(long delayMillis, Runnable task);
  }

  private final BatchConfig config;
  private final String target;
  private final Scheduler scheduler;
  private final Sender<T> sender;

  private final Object lock = new Object();
  // guarded by lock
  private List<T> pending = new ArrayList<>();
  private long firstEntryMillis;
  private long lastEntryMillis;
  private boolean timerArmed;

  private final AtomicLong sentEntries = new AtomicLong();
  private final AtomicLong droppedEntries = new AtomicLong();
  private final AtomicLong failedAttempts = new AtomicLong();

  /**
   * @param target what the sender writes to (a URI, a path), for the error logs
   */
  public BatchProcessor(BatchConfig config, String target, Scheduler scheduler, Sender<T> sender) {
    this.config = config;
    this.target = target;
    this.scheduler = scheduler;
    this.sender = sender;
  }

  /** Adds one entry; sends the batch now if it is full, else makes sure a timer will. */
  public void push(T entry) {
    List<T> full = null;
    boolean arm = false;
    long now = scheduler.nowMillis();
    synchronized (lock) {
      if (pending.isEmpty()) {
        firstEntryMillis = now;
      }
      pending.add(entry);
      lastEntryMillis = now;
      if (pending.size() >= config.batchMaxSize()) {
        full = pending;
        pending = new ArrayList<>();
      } else if (!timerArmed) {
        timerArmed = true;
        arm = true;
      }
    }
    if (arm) {
      scheduler.schedule(Math.min(config.inactiveTimeout(), config.bufferDuration()) * 1000L, this::onTimer);
    }
    if (full != null) {
      send(full, 0);
    }
  }

  /** Flushes when the batch went quiet or got old; otherwise waits for the nearer of the two. */
  private void onTimer() {
    List<T> due = null;
    long wait = -1;
    long now = scheduler.nowMillis();
    synchronized (lock) {
      timerArmed = false;
      if (pending.isEmpty()) {
        return;
      }
      long quietFor = now - lastEntryMillis;
      long age = now - firstEntryMillis;
      long inactive = config.inactiveTimeout() * 1000L;
      long buffer = config.bufferDuration() * 1000L;
      if (quietFor >= inactive || age >= buffer) {
        due = pending;
        pending = new ArrayList<>();
      } else {
        timerArmed = true;
        wait = Math.max(1, Math.min(inactive - quietFor, buffer - age));
      }
    }
    if (due != null) {
      send(due, 0);
    } else {
      scheduler.schedule(wait, this::onTimer);
    }
  }

  private void send(List<T> batch, int retries) {
    CompletionStage<Void> sent;
    try {
      sent = sender.send(batch);
    } catch (RuntimeException e) {
      failed(batch, retries, e);
      return;
    }
    sent.whenComplete((v, error) -> {
      if (error == null) {
        sentEntries.addAndGet(batch.size());
      } else {
        failed(batch, retries, error);
      }
    });
  }

  private void failed(List<T> batch, int retries, Throwable error) {
    failedAttempts.incrementAndGet();
    String reason = error.getMessage() != null ? error.getMessage() : error.toString();
    if (retries >= config.maxRetryCount()) {
      droppedEntries.addAndGet(batch.size());
      log.error(
          "Batch Processor[{}] failed to process entries to {}: {}; exceeded the max_retry_count[{}], dropping {} entries",
          config.name(), target, reason, config.maxRetryCount(), batch.size());
      return;
    }
    log.warn(
        "Batch Processor[{}] failed to process entries to {}: {}; retry {} of {} in {} s",
        config.name(), target, reason, retries + 1, config.maxRetryCount(), config.retryDelay());
    scheduler.schedule(config.retryDelay() * 1000L, () -> send(batch, retries + 1));
  }

  /** Entries waiting for their batch to go. */
  public int pending() {
    synchronized (lock) {
      return pending.size();
    }
  }

  /** Entries the sender confirmed. */
  public long sentEntries() {
    return sentEntries.get();
  }

  /** Entries given up on after {@code max_retry_count} retries. */
  public long droppedEntries() {
    return droppedEntries.get();
  }

  /** Sends that failed, retried or not. */
  public long failedAttempts() {
    return failedAttempts.get();
  }
}
