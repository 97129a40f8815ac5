package org.apigw;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apigw.config.GatewayConfig;

/**
 * One socket the node listens on, named the way APISIX's CLI names it ("admin port",
 * "http listen port").
 */
record Listener(String name, GatewayConfig.Listen at) {

  static Listener proxy(GatewayConfig.Listen at) {
    return new Listener("http listen port", at);
  }

  boolean isProxy() {
    return "http listen port".equals(name);
  }

  /**
   * Fails on the first listener whose port an earlier one (not a proxy) already has, with
   * APISIX's message: "control port 9090 conflicts with admin port". Every listener binds with
   * SO_REUSEPORT, so two of them on one port would both bind and the kernel would split the
   * connections between them; the conflict must be caught before binding. As in APISIX, the
   * proxy may listen on one port at several addresses, and the port alone decides a conflict.
   *
   * @param listeners the non-proxy listeners first, in APISIX's order (admin, control,
   *     prometheus), then the proxy's
   */
  static void refuseSharedPorts(List<Listener> listeners) throws Gateway.StartupException {
    Map<Integer, Listener> byPort = new HashMap<>();
    for (Listener listener : listeners) {
      Listener earlier = byPort.get(listener.at().port());
      if (earlier != null && !(earlier.isProxy() && listener.isProxy())) {
        throw new Gateway.StartupException(
            listener.name() + " " + listener.at().port() + " conflicts with " + earlier.name());
      }
      byPort.putIfAbsent(listener.at().port(), listener);
    }
  }
}
