package org.apigw.plugins.limitconn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LimitConnTest {

  @Test
  void withinConn_noDelay_burstDelayed_beyondRefused() {
    ConnLimiter l = new ConnLimiter(1, 1, 0.5);
    assertEquals(0, l.incoming("k"));
    assertEquals(0.5, l.incoming("k"), 1e-9);
    assertEquals(ConnLimiter.REJECTED, l.incoming("k"));
    assertEquals(2, l.inFlight("k"), "a refused request is not counted");
    assertEquals(0, l.incoming("other"), "keys are independent");
  }

  @Test
  void delay_isUnitTimesFloorOfExcessOverConn() {
    ConnLimiter l = new ConnLimiter(2, 4, 0.1);
    assertEquals(0, l.incoming("k"));
    assertEquals(0, l.incoming("k"));
    assertEquals(0.1, l.incoming("k"), 1e-9, "3rd: floor(2/2) = 1 unit");
    assertEquals(0.1, l.incoming("k"), 1e-9, "4th: floor(3/2) = 1 unit");
    assertEquals(0.2, l.incoming("k"), 1e-9, "5th: floor(4/2) = 2 units");
    assertEquals(0.2, l.incoming("k"), 1e-9);
    assertEquals(ConnLimiter.REJECTED, l.incoming("k"), "7th > conn + burst");
  }

  @Test
  void leaving_freesASlot_andForgetsIdleKeys() {
    ConnLimiter l = new ConnLimiter(1, 0, 0.5);
    assertEquals(0, l.incoming("k"));
    assertEquals(ConnLimiter.REJECTED, l.incoming("k"));
    l.leaving("k", Double.NaN);
    assertEquals(0, l.inFlight("k"));
    assertEquals(0, l.incoming("k"));
    l.leaving("k", Double.NaN);
    l.leaving("k", Double.NaN);
    assertEquals(0, l.inFlight("k"), "an extra leave never goes negative");
  }

  @Test
  void unitDelay_followsLatency_unlessNaN() {
    ConnLimiter l = new ConnLimiter(1, 1, 0.5);
    l.incoming("k");
    l.leaving("k", 0.1);
    assertEquals(0.3, l.unitDelay(), 1e-9);
    l.incoming("k");
    l.leaving("k", Double.NaN);
    assertEquals(0.3, l.unitDelay(), 1e-9);
    l.incoming("k");
    assertEquals(0.3, l.incoming("k"), 1e-9, "the adapted unit delays the burst");
  }
}
