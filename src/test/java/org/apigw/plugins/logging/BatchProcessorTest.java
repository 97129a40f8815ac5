package org.apigw.plugins.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class BatchProcessorTest {

  /** A clock moved by hand; tasks run when the clock passes their due time. */
  static final class ManualScheduler implements BatchProcessor.Scheduler {
    record Task(long due, long seq, Runnable run) {}

    long now = 1_000_000;
    long seq;
    final List<Task> tasks = new ArrayList<>();

    @Override
    public long nowMillis() {
      return now;
    }

    @Override
    public void schedule(long delayMillis, Runnable task) {
      tasks.add(new Task(now + delayMillis, seq++, task));
    }

    void advance(long millis) {
      long until = now + millis;
      while (true) {
        Task next = tasks.stream().filter(t -> t.due() <= until)
            .min(Comparator.comparingLong(Task::due).thenComparingLong(Task::seq)).orElse(null);
        if (next == null) {
          break;
        }
        tasks.remove(next);
        now = Math.max(now, next.due());
        next.run().run();
      }
      now = until;
    }
  }

  /** Records batches; fails the first {@code failures} sends. */
  static final class RecordingSender implements BatchProcessor.Sender<String> {
    final List<List<String>> batches = new ArrayList<>();
    int failures;

    @Override
    public CompletionStage<Void> send(List<String> batch) {
      batches.add(List.copyOf(batch));
      if (failures > 0) {
        failures--;
        return CompletableFuture.failedFuture(new RuntimeException("collector said 500"));
      }
      return CompletableFuture.completedFuture(null);
    }
  }

  static BatchConfig config(int maxSize, int inactive, int buffer, int retries, int retryDelay) {
    return new BatchConfig("test logger", maxSize, inactive, buffer, retries, retryDelay);
  }

  @Test
  void fullBatch_goesAtOnce() {
    ManualScheduler clock = new ManualScheduler();
    RecordingSender sender = new RecordingSender();
    BatchProcessor<String> p = new BatchProcessor<>(config(3, 5, 60, 0, 1), "http://x", clock, sender);
    p.push("a");
    p.push("b");
    assertEquals(0, sender.batches.size());
    p.push("c");
    assertEquals(List.of(List.of("a", "b", "c")), sender.batches);
    assertEquals(3, p.sentEntries());
    assertEquals(0, p.pending());
  }

  @Test
  void quietBatch_goesAfterInactiveTimeout_notBefore() {
    ManualScheduler clock = new ManualScheduler();
    RecordingSender sender = new RecordingSender();
    BatchProcessor<String> p = new BatchProcessor<>(config(1000, 5, 60, 0, 1), "http://x", clock, sender);
    p.push("a");
    clock.advance(3000);
    p.push("b"); // keeps the batch active: quiet for only 2 s at the first timer
    clock.advance(2000);
    assertEquals(0, sender.batches.size());
    clock.advance(3000); // 5 s after "b"
    assertEquals(List.of(List.of("a", "b")), sender.batches);
  }

  @Test
  void busyBatch_goesAfterBufferDuration() {
    ManualScheduler clock = new ManualScheduler();
    RecordingSender sender = new RecordingSender();
    BatchProcessor<String> p = new BatchProcessor<>(config(1000, 2, 5, 0, 1), "http://x", clock, sender);
    for (int i = 0; i < 5; i++) {
      p.push("e" + i);
      clock.advance(1000); // never quiet for 2 s
    }
    assertEquals(1, sender.batches.size(), "the oldest entry reached buffer_duration");
    assertEquals(5, sender.batches.get(0).size());
  }

  @Test
  void failedBatch_isRetried_afterRetryDelay() {
    ManualScheduler clock = new ManualScheduler();
    RecordingSender sender = new RecordingSender();
    sender.failures = 2;
    BatchProcessor<String> p = new BatchProcessor<>(config(2, 5, 60, 2, 3), "http://x", clock, sender);
    p.push("a");
    p.push("b");
    assertEquals(1, sender.batches.size());
    clock.advance(2999);
    assertEquals(1, sender.batches.size(), "not before retry_delay");
    clock.advance(1);
    assertEquals(2, sender.batches.size());
    clock.advance(3000);
    assertEquals(3, sender.batches.size());
    assertEquals(2, p.sentEntries());
    assertEquals(0, p.droppedEntries());
    assertEquals(2, p.failedAttempts());
  }

  @Test
  void failedBatch_isDropped_afterMaxRetryCount() {
    ManualScheduler clock = new ManualScheduler();
    RecordingSender sender = new RecordingSender();
    sender.failures = 10;
    BatchProcessor<String> p = new BatchProcessor<>(config(1, 5, 60, 1, 1), "http://x", clock, sender);
    p.push("a");
    clock.advance(10_000);
    assertEquals(2, sender.batches.size(), "one try plus max_retry_count retries");
    assertEquals(1, p.droppedEntries());
    assertEquals(0, p.sentEntries());
    assertTrue(clock.tasks.isEmpty(), "nothing left scheduled");
  }

  @Test
  void noRetries_byDefault_dropsOnFirstFailure() {
    ManualScheduler clock = new ManualScheduler();
    RecordingSender sender = new RecordingSender();
    sender.failures = 1;
    BatchProcessor<String> p = new BatchProcessor<>(config(1, 5, 60, 0, 1), "http://x", clock, sender);
    p.push("a");
    assertEquals(1, p.droppedEntries());
    p.push("b");
    assertEquals(1, p.sentEntries());
  }

  @Test
  void senderThrowing_countsAsFailure() {
    ManualScheduler clock = new ManualScheduler();
    BatchProcessor<String> p =
        new BatchProcessor<>(config(1, 5, 60, 0, 1), "http://x", clock, batch -> {
          throw new IllegalStateException("boom");
        });
    p.push("a");
    assertEquals(1, p.droppedEntries());
  }

  @Test
  void entriesAfterAFlush_startANewBatch() {
    ManualScheduler clock = new ManualScheduler();
    RecordingSender sender = new RecordingSender();
    BatchProcessor<String> p = new BatchProcessor<>(config(1000, 1, 60, 0, 1), "http://x", clock, sender);
    p.push("a");
    clock.advance(1000);
    p.push("b");
    clock.advance(1000);
    assertEquals(List.of(List.of("a"), List.of("b")), sender.batches);
  }
}
