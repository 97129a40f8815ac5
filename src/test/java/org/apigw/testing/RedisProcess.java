package org.apigw.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Redis server (Debian's {@code redis-server}) on a free loopback port, without
 * persistence, its files in a temporary directory. Tests can kill it (to see the gateway's
 * reaction to Redis being down) and start it again on the same port. Always stopped by PID.
 *
 * <pre>{@code
 * try (RedisProcess redis = RedisProcess.start()) { ... redis.port() ... }
 * }</pre>
 *
 * {@link #startClusterNode()} starts a node with {@code --cluster-enabled yes} for {@link
 * RedisCluster}.
 */
public final class RedisProcess implements AutoCloseable {

  static final String SERVER = "/usr/bin/redis-server";
  static final String CLI = "/usr/bin/redis-cli";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);

  private final Path dir;
  private final int port;
  private final boolean clusterNode;
  private Process process;

  private RedisProcess(Path dir, int port, boolean clusterNode) {
    this.dir = dir;
    this.port = port;
    this.clusterNode = clusterNode;
  }

  /** Starts a standalone server and waits until it answers PING. */
  public static RedisProcess start() {
    return launchNew(false);
  }

  /** Starts an empty cluster-enabled node (no slots yet) and waits until it answers PING. */
  public static RedisProcess startClusterNode() {
    return launchNew(true);
  }

  private static RedisProcess launchNew(boolean clusterNode) {
    requireBinaries();
    try {
      RedisProcess redis = new RedisProcess(Files.createTempDirectory("apigw-redis-"), FreePorts.next(), clusterNode);
      redis.launch();
      return redis;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create redis temp dir", e);
    }
  }

  public int port() {
    return port;
  }

  /** {@code 127.0.0.1:<port>}, as redis_cluster_nodes lists it. */
  public String address() {
    return "127.0.0.1:" + port;
  }

  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** SIGKILL: the server vanishes; its port refuses connections until {@link #restart()}. */
  public void kill9() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      waitForExit();
    }
  }

  /** Starts the server again on the same port (empty: nothing is persisted). */
  public void restart() {
    kill9();
    launch();
  }

  /** Runs {@code redis-cli -p <port> args} and returns its stdout; fails the test on a non-zero exit. */
  public String cli(String... args) {
    List<String> cmd = new ArrayList<>(List.of(CLI, "-h", "127.0.0.1", "-p", Integer.toString(port)));
    cmd.addAll(List.of(args));
    return run(cmd, Duration.ofSeconds(30));
  }

  static String run(List<String> cmd, Duration timeout) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      String out;
      try (InputStream in = p.getInputStream()) {
        out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", cmd) + " did not finish in " + timeout);
      }
      if (p.exitValue() != 0) {
        throw new AssertionError(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    kill9();
    EtcdProcess.deleteRecursively(dir);
  }

  private void launch() {
    List<String> cmd =
        new ArrayList<>(List.of(
            SERVER,
            "--port", Integer.toString(port),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "no",
            "--daemonize", "no",
            "--dir", dir.toString()));
    if (clusterNode) {
      cmd.addAll(List.of(
          "--cluster-enabled", "yes",
          "--cluster-config-file", dir.resolve("nodes.conf").toString(),
          "--cluster-node-timeout", "5000"));
    }
    try {
      process =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start redis-server", e);
    }
    Deadline.await(READY_TIMEOUT, "redis on port " + port + " (log: " + dir.resolve("redis.log") + ")", this::answers);
  }

  /** True once the server answers PING with PONG over a plain socket. */
  private boolean answers() {
    if (!process.isAlive()) {
      throw new AssertionError("redis-server exited with " + process.exitValue() + "; log: " + readLog());
    }
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      s.setSoTimeout(1000);
      s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      byte[] reply = new byte[7];
      int n = s.getInputStream().readNBytes(reply, 0, 7);
      return n == 7 && new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n");
    } catch (IOException e) {
      return false;
    }
  }

  private String readLog() {
    try {
      return Files.readString(dir.resolve("redis.log"));
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  private void waitForExit() {
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        throw new AssertionError("redis-server " + process.pid() + " did not exit");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static void requireBinaries() {
    if (!Files.isExecutable(Path.of(SERVER)) || !Files.isExecutable(Path.of(CLI))) {
      throw new IllegalStateException("redis-server/redis-cli not found in /usr/bin: install Debian's redis-server (make deps does it)");
    }
  }
}
