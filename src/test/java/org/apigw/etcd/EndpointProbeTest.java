package org.apigw.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apigw.etcd.EndpointProbe.Reachability;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EndpointProbeTest {

  private ServerSocket listening;
  private InetSocketAddress open;
  private InetSocketAddress closed;

  @BeforeEach
  void setUp() throws IOException {
    listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    open = InetSocketAddress.createUnresolved("127.0.0.1", listening.getLocalPort());
    try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = InetSocketAddress.createUnresolved("127.0.0.1", gone.getLocalPort());
    }
  }

  @AfterEach
  void tearDown() throws IOException {
    listening.close();
  }

  @Test
  void probe_listeningEndpoint_isAccepting() {
    assertEquals(Reachability.ACCEPTING, new EndpointProbe(List.of(open), 500).probe());
  }

  @Test
  void probe_everyEndpointRefuses_isAllRefused() {
    assertEquals(Reachability.ALL_REFUSED, new EndpointProbe(List.of(closed, closed), 500).probe());
  }

  @Test
  void probe_oneOfSeveralListening_isAccepting() {
    assertEquals(Reachability.ACCEPTING, new EndpointProbe(List.of(closed, open), 500).probe());
  }

  @Test
  void probe_refusedAndUnresolvable_isUnknown_notDown() {
    // .invalid never resolves (RFC 2606): that says nothing about whether etcd runs
    InetSocketAddress unresolvable = InetSocketAddress.createUnresolved("etcd.invalid", 2379);
    assertEquals(Reachability.UNKNOWN, new EndpointProbe(List.of(closed, unresolvable), 500).probe());
  }

  @Test
  void probe_noEndpoints_isUnknown() {
    assertEquals(Reachability.UNKNOWN, new EndpointProbe(List.of(), 500).probe());
  }
}
