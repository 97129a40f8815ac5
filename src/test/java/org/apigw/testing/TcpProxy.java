package org.apigw.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder on a free loopback port in front of one target (e.g. etcd's client port), that
 * a test can {@link #cut()} (close every connection and refuse new ones: connection refused) and
 * {@link #restore()} (listen again on the same port). Lets writes reach etcd directly while the
 * gateway cannot see them.
 */
public final class TcpProxy implements AutoCloseable {

  private final int port;
  private final String targetHost;
  private final int targetPort;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile ServerSocket server;
  private volatile boolean closed;
  private final Object gate = new Object();
  private boolean blackholed;

  private TcpProxy(String targetHost, int targetPort) {
    this.port = FreePorts.next();
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    listen();
  }

  public static TcpProxy to(String host, int port) {
    return new TcpProxy(host, port);
  }

  public int port() {
    return port;
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** Closes every forwarded connection and stops listening: new connections are refused. */
  public synchronized void cut() {
    ServerSocket s = server;
    server = null;
    if (s != null) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    for (Socket socket : open) {
      closeQuietly(socket);
    }
    open.clear();
  }

  /**
   * Stalls every connection, open and new, without closing any: bytes stop flowing both ways, as
   * when a peer is paused or a NAT drops state. Only keepalives can notice.
   */
  public void blackhole() {
    synchronized (gate) {
      blackholed = true;
    }
  }

  /** Lets bytes flow again after {@link #blackhole()} (on the same connections). */
  public void heal() {
    synchronized (gate) {
      blackholed = false;
      gate.notifyAll();
    }
  }

  private void passGate() throws InterruptedException {
    synchronized (gate) {
      while (blackholed && !closed) {
        gate.wait(100);
      }
    }
  }

  /** Listens again after {@link #cut()}. */
  public synchronized void restore() {
    if (server == null) {
      listen();
    }
  }

  private synchronized void listen() {
    try {
      ServerSocket s = new ServerSocket();
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
      server = s;
      Thread t = new Thread(() -> acceptLoop(s), "tcp-proxy-accept-" + port);
      t.setDaemon(true);
      t.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + port, e);
    }
  }

  private void acceptLoop(ServerSocket s) {
    while (!s.isClosed()) {
      Socket client;
      try {
        client = s.accept();
      } catch (IOException e) {
        return; // cut or closed
      }
      Socket upstream = new Socket();
      try {
        upstream.connect(new InetSocketAddress(targetHost, targetPort), 2000);
      } catch (IOException e) {
        closeQuietly(client);
        closeQuietly(upstream);
        continue;
      }
      if (server != s) { // cut while connecting
        closeQuietly(client);
        closeQuietly(upstream);
        return;
      }
      open.add(client);
      open.add(upstream);
      pump(client, upstream);
      pump(upstream, client);
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[16 * 1024];
              try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                  passGate();
                  out.write(buf, 0, n);
                  out.flush();
                }
              } catch (IOException e) {
                // one side went away
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
              }
            },
            "tcp-proxy-pump-" + port);
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() {
    closed = true;
    heal();
    cut();
  }

  public boolean isClosed() {
    return closed;
  }
}
