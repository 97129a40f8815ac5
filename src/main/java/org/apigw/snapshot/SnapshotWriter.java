package org.apigw.snapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mirrors config generations to the snapshot file in the background, coalescing bursts.
 *
 * <h2>Threads</h2>
 *
 * {@link #submit} may be called from any thread; it stores the data in one atomic slot (latest
 * wins) and unparks the writer, so it never blocks, never does I/O and never throws. All file I/O
 * happens on one daemon thread named {@code snapshot-writer}, which owns every field that is not
 * atomic or volatile. Listener callbacks run on that thread.
 *
 * <h2>Pacing</h2>
 *
 * A write starts at most once per {@code minInterval}; whatever was submitted meanwhile is
 * coalesced, so 1,000 submits cost a few writes and the last submitted data is always the one
 * that ends up written. Data is written in submit order, not revision order: after an etcd
 * restore the revision may go down, and the newest submission still wins.
 *
 * <h2>Failures (F11)</h2>
 *
 * A failed write (disk full, read-only or missing directory) leaves the existing files intact,
 * logs one warn line naming the file and the reason, bumps {@link #failuresTotal()}, and retries
 * the latest data after a backoff that doubles from {@code initialBackoff} to {@code maxBackoff}.
 * Data submitted during the backoff replaces the data being retried but does not shorten the wait.
 *
 * <h2>Close</h2>
 *
 * {@link #close()} writes the pending data at once (ignoring pacing and backoff, one attempt) and
 * stops the thread, waiting at most {@code closeTimeout}. Submits after close are ignored.
 */
public final class SnapshotWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotWriter.class);

  /** Observes writes, e.g. to feed metrics. Called on the writer thread; must not block. */
  public interface Listener {
    /** A generation reached disk. */
    default void written(long revision, long durationNanos) {}

    /** A write failed; the existing file is unchanged and the data will be retried. */
    default void failed(Path file, Exception error) {}
  }

  private final Path file;
  private final long minIntervalNanos;
  private final long initialBackoffNanos;
  private final long maxBackoffNanos;
  private final long closeTimeoutMillis;
  private final Listener listener;
  private final Thread thread;

  /** Latest generation not yet written; built on the writer thread, so a burst builds it once. */
  private final AtomicReference<Supplier<SnapshotData>> pending = new AtomicReference<>();
  private final AtomicLong submitsTotal = new AtomicLong();
  private volatile boolean closing;

  // Written only by the writer thread; volatile so that any thread may read them.
  private volatile long writesTotal;
  private volatile long failuresTotal;
  private volatile long lastWrittenRevision = -1;
  private volatile String lastError;

  // Writer thread only.
  private boolean mainChecked;
  private long consecutiveFailures;

  private SnapshotWriter(Builder b) {
    this.file = b.file;
    this.minIntervalNanos = b.minInterval.toNanos();
    this.initialBackoffNanos = b.initialBackoff.toNanos();
    this.maxBackoffNanos = b.maxBackoff.toNanos();
    this.closeTimeoutMillis = b.closeTimeout.toMillis();
    this.listener = b.listener;
    this.thread = new Thread(this::run, "snapshot-writer");
    this.thread.setDaemon(true);
  }

  /** Starts configuring a writer for {@code file}; {@link Builder#start()} starts its thread. */
  public static Builder builder(Path file) {
    return new Builder(file);
  }

  /**
   * Hands a fully synced generation to the writer. Replaces any data not yet written. Never
   * blocks or throws; ignored after {@link #close()} and when {@code data} is null.
   */
  public void submit(SnapshotData data) {
    if (data != null) {
      submitLazily(() -> data);
    }
  }

  /**
   * Like {@link #submit(SnapshotData)}, but the data is built on the writer thread and only for
   * the generation actually written: under a burst of changes, earlier suppliers are dropped
   * unbuilt. The supplier must capture an immutable generation.
   */
  public void submitLazily(Supplier<SnapshotData> data) {
    if (data == null || closing) {
      return;
    }
    submitsTotal.incrementAndGet();
    pending.set(data);
    LockSupport.unpark(thread);
  }

  /** Writes the pending data, if any, then stops the writer thread (bounded wait). Idempotent. */
  @Override
  public void close() {
    closing = true;
    LockSupport.unpark(thread);
    if (Thread.currentThread() == thread) {
      return;
    }
    try {
      thread.join(closeTimeoutMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      LOG.warn("snapshot writer for {} did not finish within {} ms; latest data may be unwritten",
          file, closeTimeoutMillis);
    }
  }

  /** The snapshot file this writer maintains. */
  public Path file() {
    return file;
  }

  /** Calls to {@link #submit} that were accepted (not null, not after close). */
  public long submitsTotal() {
    return submitsTotal.get();
  }

  /** Successful writes. */
  public long writesTotal() {
    return writesTotal;
  }

  /** Failed write attempts, each logged once at warn. */
  public long failuresTotal() {
    return failuresTotal;
  }

  /** Revision of the last generation that reached disk, -1 before the first. */
  public long lastWrittenRevision() {
    return lastWrittenRevision;
  }

  /** Reason of the last attempt if it failed, null if the last attempt succeeded or none ran. */
  public String lastError() {
    return lastError;
  }

  // ---------------------------------------------------------------------------- writer thread

  private void run() {
    long notBefore = System.nanoTime();
    boolean failedDuringClose = false;
    while (true) {
      boolean stopping = closing;
      if (pending.get() == null || failedDuringClose) {
        if (stopping) {
          return;
        }
        LockSupport.park(this);
        continue;
      }
      long now = System.nanoTime();
      if (!stopping && now - notBefore < 0) {
        LockSupport.parkNanos(this, notBefore - now);
        continue;
      }
      Supplier<SnapshotData> next = pending.getAndSet(null);
      if (next == null) {
        continue;
      }
      SnapshotData data;
      try {
        data = next.get();
      } catch (RuntimeException e) {
        LOG.error("cannot build the snapshot of the latest config; skipping this generation", e);
        continue;
      }
      long start = System.nanoTime();
      if (attempt(data)) {
        notBefore = start + minIntervalNanos;
      } else {
        // Retry this data unless something newer arrived meanwhile.
        pending.compareAndSet(null, () -> data);
        long backoff = backoffNanos();
        notBefore = System.nanoTime() + backoff;
        failedDuringClose = stopping;
      }
    }
  }

  private long backoffNanos() {
    long b = initialBackoffNanos;
    for (long i = 1; i < consecutiveFailures && b < maxBackoffNanos; i++) {
      b *= 2;
    }
    return Math.min(b, maxBackoffNanos);
  }

  private boolean attempt(SnapshotData data) {
    long start = System.nanoTime();
    try {
      SnapshotFile.write(file, data, rotateCurrent());
    } catch (IOException | RuntimeException e) {
      consecutiveFailures++;
      failuresTotal = failuresTotal + 1;
      lastError = e.toString();
      String next = closing
          ? "writer closing, giving up"
          : "retrying in " + TimeUnit.NANOSECONDS.toMillis(backoffNanos()) + " ms";
      LOG.warn("snapshot write of revision {} to {} failed (attempt {}, {}): {}",
          data.revision(), file, consecutiveFailures, next, e.toString());
      notify(() -> listener.failed(file, e));
      return false;
    }
    long took = System.nanoTime() - start;
    if (consecutiveFailures > 0) {
      LOG.info("snapshot write to {} succeeded again after {} failed attempts",
          file, consecutiveFailures);
    }
    consecutiveFailures = 0;
    lastError = null;
    lastWrittenRevision = data.revision();
    writesTotal = writesTotal + 1;
    notify(() -> listener.written(data.revision(), took));
    return true;
  }

  /**
   * Whether the current main file may become {@code .bak}. Checked once: a main file left
   * damaged by an earlier run must not push a good backup out; after our own first successful
   * write the main file is known good.
   */
  private boolean rotateCurrent() {
    if (mainChecked || writesTotal > 0) {
      return true;
    }
    mainChecked = true;
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return true;
    }
    try {
      SnapshotFile.verify(file);
      return true;
    } catch (SnapshotException e) {
      LOG.warn("existing snapshot is not valid, replacing it without keeping it as backup: {}",
          e.getMessage());
      return false;
    }
  }

  private void notify(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.warn("snapshot writer listener failed", e);
    }
  }

  // --------------------------------------------------------------------------------- builder

  /** Settings for a {@link SnapshotWriter}; every setting has a default. */
  public static final class Builder {
    private final Path file;
    private Duration minInterval = Duration.ofMillis(500);
    private Duration initialBackoff = Duration.ofSeconds(1);
    private Duration maxBackoff = Duration.ofSeconds(30);
    private Duration closeTimeout = Duration.ofSeconds(5);
    private Listener listener = new Listener() {};

    private Builder(Path file) {
      this.file = Objects.requireNonNull(file, "file");
    }

    /** Least time between the starts of two writes; default 500 ms. */
    public Builder minInterval(Duration d) {
      this.minInterval = nonNegative(d, "minInterval");
      return this;
    }

    /** Retry delay after a failure, doubling per consecutive failure; default 1 s to 30 s. */
    public Builder backoff(Duration initial, Duration max) {
      this.initialBackoff = nonNegative(initial, "initialBackoff");
      this.maxBackoff = nonNegative(max, "maxBackoff");
      if (max.compareTo(initial) < 0) {
        throw new IllegalArgumentException(
            "maxBackoff " + max + " is shorter than initialBackoff " + initial);
      }
      return this;
    }

    /** How long {@link SnapshotWriter#close()} waits for the final write; default 5 s. */
    public Builder closeTimeout(Duration d) {
      this.closeTimeout = nonNegative(d, "closeTimeout");
      return this;
    }

    public Builder listener(Listener l) {
      this.listener = Objects.requireNonNull(l, "listener");
      return this;
    }

    /** Builds the writer and starts its thread. */
    public SnapshotWriter start() {
      SnapshotWriter w = new SnapshotWriter(this);
      w.thread.start();
      return w;
    }

    private static Duration nonNegative(Duration d, String name) {
      if (d == null || d.isNegative()) {
        throw new IllegalArgumentException(name + " must be >= 0, got " + d);
      }
      return d;
    }
  }
}
