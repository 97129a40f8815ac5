package org.apigw.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ports the OS reports free on 127.0.0.1 right now, never the same one twice in this JVM.
 *
 * <p>The OS may hand a just-closed port out again on the next bind to port 0 (about one group of
 * six in a thousand here). A gateway whose proxy and exporter then share a port binds both with
 * SO_REUSEPORT and splits connections between them, so a test sees 404s from the wrong listener.
 */
public final class FreePorts {
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private FreePorts() {}

  public static int next() {
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = probe();
      if (HANDED_OUT.add(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no port on 127.0.0.1 that this JVM has not handed out already");
  }

  private static int probe() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on 127.0.0.1", e);
    }
  }
}
