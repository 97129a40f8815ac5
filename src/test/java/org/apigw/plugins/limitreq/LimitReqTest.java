package org.apigw.plugins.limitreq;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LimitReqTest {

  private static final long SECOND = 1_000_000_000L;

  private final long[] now = {7 * SECOND};

  private LeakyBucket bucket(double rate, double burst) {
    return new LeakyBucket(rate, burst, 100, () -> now[0]);
  }

  private void advance(double seconds) {
    now[0] += (long) (seconds * SECOND);
  }

  @Test
  void withinRate_noDelay() {
    LeakyBucket b = bucket(2, 0);
    assertEquals(0, b.incoming("k"));
    advance(0.5);
    assertEquals(0, b.incoming("k"));
    advance(0.5);
    assertEquals(0, b.incoming("k"));
  }

  @Test
  void aboveRate_withinBurst_delayedByExcessOverRate_thenRefused() {
    LeakyBucket b = bucket(2, 2);
    assertEquals(0, b.incoming("k"));
    assertEquals(0.5, b.incoming("k"), 1e-9, "excess 1 at 2 r/s");
    assertEquals(1.0, b.incoming("k"), 1e-9, "excess 2");
    assertEquals(LeakyBucket.REJECTED, b.incoming("k"), "excess 3 > burst 2");
    assertEquals(LeakyBucket.REJECTED, b.incoming("k"), "a refusal leaves the bucket as it was");
    advance(0.5); // drains one request: excess 2 -> 1, plus this one -> 2
    assertEquals(1.0, b.incoming("k"), 1e-9);
  }

  @Test
  void burstZero_refusesAnythingFasterThanTheRate() {
    LeakyBucket b = bucket(1, 0);
    assertEquals(0, b.incoming("k"));
    advance(0.5);
    assertEquals(LeakyBucket.REJECTED, b.incoming("k"));
    advance(0.5);
    assertEquals(0, b.incoming("k"), 1e-9, "a full second later the bucket has drained");
    assertEquals(0, b.incoming("other"), "keys are independent");
  }

  @Test
  void fractionalBurst_andDrainToZero() {
    LeakyBucket b = bucket(10, 0.5);
    assertEquals(0, b.incoming("k"));
    advance(0.06); // excess 1 - 0.6 = 0.4 <= 0.5
    assertEquals(0.04, b.incoming("k"), 1e-9);
    advance(10);
    assertEquals(0, b.incoming("k"), "long idle: excess floors at 0");
  }

  @Test
  void drainTime_coversAFullBucket() {
    assertEquals(Duration.ofMillis(4000), LeakyBucket.drainTime(1, 2));
    assertEquals(Duration.ofMillis(1100), LeakyBucket.drainTime(10, 0));
  }
}
