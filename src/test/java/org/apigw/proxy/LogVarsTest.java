package org.apigw.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apigw.resource.Node;
import org.junit.jupiter.api.Test;

/** The parts of {@link LogVars} that need no live request: formats, attempts, matched host. */
class LogVarsTest {

  @Test
  void times_areSecondsWithMilliseconds_asNginxPrintsThem() {
    assertEquals("0.003", LogVars.seconds(3.4));
    assertEquals("0.000", LogVars.seconds(-1));
    assertEquals("1.250", LogVars.seconds(1250));
    assertEquals("1700000000.007", LogVars.msec(1_700_000_000_007L));
    assertEquals("1700000000.070", LogVars.msec(1_700_000_000_070L));
  }

  @Test
  void upstreamAttempts_areListedLikeNginx() {
    LogVars vars = new LogVars(null);
    assertNull(vars.var("upstream_addr"));
    assertNull(vars.var("upstream_response_time"));
    assertEquals(-1, vars.upstreamLatencyMillis());
    vars.connecting(new Node("127.0.0.1", 1980, 1, 0));
    vars.attemptFailed(502);
    vars.connecting(new Node("127.0.0.2", 1981, 1, 0));
    vars.connected();
    vars.responseHeaders(200);
    vars.upstreamEnded();
    assertEquals("127.0.0.1:1980, 127.0.0.2:1981", vars.var("upstream_addr"));
    assertEquals("502, 200", vars.var("upstream_status"));
    assertEquals("127.0.0.2", vars.balancerIp());
    assertEquals(200, vars.upstreamStatus());
    assertTrue(vars.fromUpstream());
    assertTrue(vars.var("upstream_response_time").matches("\\d+\\.\\d{3}"), vars.var("upstream_response_time"));
    assertTrue(vars.var("upstream_header_time").matches("\\d+\\.\\d{3}"));
    assertTrue(vars.upstreamLatencyMillis() >= 0);
  }

  @Test
  void matchedHost_isThePatternThatMatched() {
    LogVars vars = new LogVars(null);
    assertEquals("", vars.matchedHost());
    vars.matched("/api/*", List.of("a.com", "*.example.com"), "x.example.com");
    assertEquals("*.example.com", vars.matchedHost());
    assertEquals("/api/*", vars.matchedUri());
    vars.matched("/api/*", List.of("a.com"), "a.com");
    assertEquals("a.com", vars.matchedHost());
  }
}
