package org.apigw;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.apigw.config.GatewayConfig.Listen;
import org.junit.jupiter.api.Test;

class ListenerTest {

  @Test
  void controlOnTheAdminPort_isRefusedWithApisixMessage() {
    var e = assertThrows(
        Gateway.StartupException.class,
        () -> Listener.refuseSharedPorts(List.of(
            new Listener("admin port", new Listen("0.0.0.0", 9180)),
            new Listener("control port", new Listen("127.0.0.1", 9180)))));
    assertEquals("control port 9180 conflicts with admin port", e.getMessage());
  }

  @Test
  void proxyOnTheExporterPort_isRefusedEvenOnAnotherAddress() {
    var e = assertThrows(
        Gateway.StartupException.class,
        () -> Listener.refuseSharedPorts(List.of(
            new Listener("prometheus port", new Listen("127.0.0.1", 9091)),
            Listener.proxy(new Listen("10.0.0.1", 9091)))));
    assertEquals("http listen port 9091 conflicts with prometheus port", e.getMessage());
  }

  @Test
  void proxyMayListenOnOnePortAtSeveralAddresses() {
    assertDoesNotThrow(() -> Listener.refuseSharedPorts(List.of(
        new Listener("admin port", new Listen("0.0.0.0", 9180)),
        Listener.proxy(new Listen("127.0.0.1", 9080)),
        Listener.proxy(new Listen("::1", 9080)),
        Listener.proxy(new Listen("127.0.0.1", 9081)))));
  }
}
