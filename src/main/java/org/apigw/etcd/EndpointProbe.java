package org.apigw.etcd;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;

/**
 * A plain TCP connect to each etcd client address (nothing is sent), to tell "etcd is down" from
 * "etcd is slow" without waiting for an RPC deadline.
 *
 * <p>Only a refused connection counts as down: it is the kernel of the etcd host answering that
 * nothing listens on the port, which takes one round trip. A connect that times out, a name that
 * does not resolve or a host with no route says nothing about etcd itself (a partition, a DNS
 * hiccup, a host still booting), so it is {@link Reachability#UNKNOWN}.
 *
 * <p>Blocking: each probe waits up to its connect timeout per address. Call it from a start-up or
 * sync thread, never from an event loop.
 */
public final class EndpointProbe {

  /** What probing every address found. */
  public enum Reachability {
    /** At least one address accepted a connection. */
    ACCEPTING,
    /** Every address refused the connection outright: nothing listens there now. */
    ALL_REFUSED,
    /** No address accepted, and at least one did not answer clearly (timeout, no route, no address). */
    UNKNOWN
  }

  private final List<InetSocketAddress> endpoints;
  private final int connectTimeoutMillis;

  /**
   * @param endpoints etcd's client addresses; unresolved ones are resolved at every probe, since
   *     a name may point elsewhere by the time etcd is back
   */
  public EndpointProbe(List<InetSocketAddress> endpoints, int connectTimeoutMillis) {
    this.endpoints = List.copyOf(endpoints);
    this.connectTimeoutMillis = connectTimeoutMillis;
  }

  public Reachability probe() {
    boolean allRefused = !endpoints.isEmpty();
    for (InetSocketAddress endpoint : endpoints) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(endpoint.getHostString(), endpoint.getPort()), connectTimeoutMillis);
        return Reachability.ACCEPTING;
      } catch (ConnectException refused) {
        // nothing listens on this one; the next may
      } catch (IOException | IllegalArgumentException unclear) {
        allRefused = false; // timed out, no route, unresolvable: etcd may still be there
      }
    }
    return allRefused ? Reachability.ALL_REFUSED : Reachability.UNKNOWN;
  }
}
