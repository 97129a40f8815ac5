package lib;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Open-loop traffic for outage drills: requests leave at a fixed rate whether or not earlier ones
 * have answered (a stalled gateway cannot slow the client down and hide it), each with its own
 * timeout. Counts what was sent, what failed and the slowest answer.
 */
public final class PacedLoad implements AutoCloseable {

  /** What the run saw; {@code failures} holds the first few failures verbatim. */
  public record Result(int sent, int failed, List<String> failures, long maxLatencyMs) {
    @Override
    public String toString() {
      return sent + " sent, " + failed + " failed, slowest " + maxLatencyMs + " ms" + (failures.isEmpty() ? "" : ", e.g. " + failures);
    }
  }

  private static final int FAILURES_KEPT = 10;

  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "paced-load");
    t.setDaemon(true);
    return t;
  });
  private final AtomicInteger sent = new AtomicInteger();
  private final ConcurrentLinkedQueue<CompletableFuture<?>> calls = new ConcurrentLinkedQueue<>();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicLong maxLatencyNanos = new AtomicLong();
  private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
  private final HttpRequest request;

  private PacedLoad(String url, Duration timeout) {
    this.request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build();
  }

  /** Starts sending GET {@code url} at {@code perSecond}; each request may take up to {@code timeout}. */
  public static PacedLoad start(String url, int perSecond, Duration timeout) {
    PacedLoad load = new PacedLoad(url, timeout);
    long period = 1_000_000_000L / perSecond;
    load.ticker.scheduleAtFixedRate(load::fire, 0, period, TimeUnit.NANOSECONDS);
    return load;
  }

  private void fire() {
    int n = sent.incrementAndGet();
    long t0 = System.nanoTime();
    CompletableFuture<?> call = client
        .sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .whenComplete((response, error) -> {
          maxLatencyNanos.accumulateAndGet(System.nanoTime() - t0, Math::max);
          if (error != null || response.statusCode() != 200) {
            failed.incrementAndGet();
            if (failures.size() < FAILURES_KEPT) {
              failures.add("#" + n + ": " + (error != null ? error.toString() : "status " + response.statusCode()));
            }
          }
        });
    calls.add(call);
  }

  public int sent() {
    return sent.get();
  }

  /** Stops sending, waits for the requests in flight (up to {@code drain}) and reports. */
  public Result stop(Duration drain) {
    ticker.shutdownNow();
    try {
      ticker.awaitTermination(drain.toMillis(), TimeUnit.MILLISECONDS);
      CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(drain.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // counted below: an unanswered call is a failure
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    int unanswered = (int) calls.stream().filter(c -> !c.isDone()).count();
    List<String> kept = new ArrayList<>(failures);
    if (unanswered > 0) {
      kept.add(unanswered + " requests still unanswered after " + drain.toMillis() + " ms");
    }
    return new Result(sent.get(), failed.get() + unanswered, List.copyOf(kept), maxLatencyNanos.get() / 1_000_000);
  }

  @Override
  public void close() {
    ticker.shutdownNow();
  }
}
