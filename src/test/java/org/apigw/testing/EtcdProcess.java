package org.apigw.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real etcd server (Debian's {@code etcd-server} binary) on free loopback ports with its data
 * in a temporary directory. Tests can kill -9, pause (SIGSTOP), resume, restart and wipe it to
 * provoke the failures the gateway must survive. Always stopped by PID.
 *
 * <p>Where no etcd binary is installed but a Docker engine answers, the same server runs in a
 * container through Testcontainers ({@link EtcdContainer}); kill, pause and wipe map onto the
 * container. Without either, starting fails with what to install.
 */
public final class EtcdProcess implements AutoCloseable {

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

  private final Path dataDir;
  private final Path logFile;
  private final int clientPort;
  private final int peerPort;
  private final TestCertificates tls;
  private final EtcdContainer container; // null: a child process
  private Process process;

  private EtcdProcess(Path baseDir, int clientPort, int peerPort, TestCertificates tls) {
    this.dataDir = baseDir.resolve("data");
    this.logFile = baseDir.resolve("etcd.log");
    this.clientPort = clientPort;
    this.peerPort = peerPort;
    this.tls = tls;
    this.container = null;
  }

  private EtcdProcess(Path baseDir, int clientPort, EtcdContainer container) {
    this.dataDir = baseDir.resolve("data");
    this.logFile = baseDir.resolve("etcd.log");
    this.clientPort = clientPort;
    this.peerPort = 0;
    this.tls = null;
    this.container = container;
  }

  /** Starts a fresh single-member cluster and waits until it answers. */
  public static EtcdProcess start() {
    return start(null);
  }

  /**
   * Starts etcd serving HTTPS and requiring a client certificate signed by {@code tls}'s CA
   * (mTLS); plain HTTP when {@code tls} is null.
   */
  public static EtcdProcess start(TestCertificates tls) {
    if (!binaryAvailable() && tls == null && EtcdContainer.dockerAvailable()) {
      try {
        int port = FreePorts.next();
        EtcdProcess etcd = new EtcdProcess(Files.createTempDirectory("apigw-etcd-"), port, new EtcdContainer(port));
        etcd.launch();
        return etcd;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create etcd temp dir", e);
      }
    }
    requireBinary("etcd");
    try {
      EtcdProcess etcd =
          new EtcdProcess(Files.createTempDirectory("apigw-etcd-"), FreePorts.next(), FreePorts.next(), tls);
      etcd.launch();
      return etcd;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create etcd data dir", e);
    }
  }

  /** True when the etcd binary is on the PATH (Debian package etcd-server). */
  public static boolean binaryAvailable() {
    return which("etcd") != null;
  }

  public String endpoint() {
    return (tls == null ? "http" : "https") + "://127.0.0.1:" + clientPort;
  }

  public int clientPort() {
    return clientPort;
  }

  public long pid() {
    return container != null ? container.pid() : process.pid();
  }

  public boolean isAlive() {
    return container != null ? container.running() : process != null && process.isAlive();
  }

  /** SIGKILL: the server vanishes without closing its connections. */
  public void kill9() {
    signal("KILL");
    waitForExit();
  }

  /** SIGSTOP: connections stay open but nothing is answered (a stalled peer). */
  public void pause() {
    signal("STOP");
  }

  /** SIGCONT after {@link #pause()}. */
  public void resume() {
    signal("CONT");
  }

  /** Starts the server again on the same ports and data dir (after {@link #kill9()}). */
  public void restart() {
    if (isAlive()) {
      kill9();
    }
    if (container != null) {
      container.startAgain();
      Deadline.await(READY_TIMEOUT, "etcd container on " + endpoint(), this::answers);
      return;
    }
    launch();
  }

  /** Kills the server, deletes its data and starts an empty cluster (new cluster id) on the same ports. */
  public void wipeAndRestart() {
    if (container != null) {
      container.wipe();
      Deadline.await(READY_TIMEOUT, "etcd container on " + endpoint(), this::answers);
      return;
    }
    if (isAlive()) {
      kill9();
    }
    deleteRecursively(dataDir);
    launch();
  }

  /** Runs etcdctl against this server and returns its stdout; fails the test on a non-zero exit. */
  public String etcdctl(String... args) {
    return etcdctlWithInput(null, args);
  }

  /** Like {@link #etcdctl(String...)} with {@code stdin} fed to the command (e.g. {@code put key} reading the value). */
  public String etcdctlWithInput(String stdin, String... args) {
    if (container != null) {
      if (stdin != null) {
        throw new AssertionError("etcdctl with stdin is not available against the etcd container (distroless image)");
      }
      return container.etcdctl(List.of(args));
    }
    requireBinary("etcdctl");
    List<String> cmd = new ArrayList<>(List.of("etcdctl", "--endpoints=" + endpoint()));
    if (tls != null) {
      cmd.addAll(List.of("--cacert=" + tls.caCert(), "--cert=" + tls.clientCert(), "--key=" + tls.clientKey()));
    }
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("ETCDCTL_API", "3");
    try {
      Process p = pb.start();
      if (stdin != null) {
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("etcdctl " + args[0] + " did not finish in 30 s");
      }
      if (p.exitValue() != 0) {
        throw new AssertionError("etcdctl " + String.join(" ", args) + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The current store revision, as {@code etcdctl endpoint status} reports it. */
  public long revision() {
    String json = etcdctl("endpoint", "status", "-w", "json");
    int at = json.indexOf("\"revision\":");
    if (at < 0) {
      throw new AssertionError("no revision in: " + json);
    }
    int start = at + "\"revision\":".length();
    int end = start;
    while (end < json.length() && Character.isDigit(json.charAt(end))) {
      end++;
    }
    return Long.parseLong(json.substring(start, end));
  }

  /** Compacts history up to the current revision, so older watch revisions are gone. */
  public void compact() {
    etcdctl("compact", Long.toString(revision()));
  }

  @Override
  public void close() {
    if (container != null) {
      container.destroy();
      deleteRecursively(dataDir.getParent());
      return;
    }
    if (process != null && process.isAlive()) {
      signal("CONT"); // a paused process does not act on SIGKILL until resumed on some kernels
      process.destroyForcibly();
      waitForExit();
    }
    deleteRecursively(dataDir.getParent());
  }

  private void launch() {
    if (container != null) {
      container.create();
      Deadline.await(READY_TIMEOUT, "etcd container on " + endpoint(), this::answers);
      return;
    }
    List<String> cmd =
        new ArrayList<>(List.of(
            "etcd",
            "--name", "apigw-test",
            "--data-dir", dataDir.toString(),
            "--listen-client-urls", endpoint(),
            "--advertise-client-urls", endpoint(),
            "--listen-peer-urls", "http://127.0.0.1:" + peerPort,
            "--initial-advertise-peer-urls", "http://127.0.0.1:" + peerPort,
            "--initial-cluster", "apigw-test=http://127.0.0.1:" + peerPort,
            "--log-level", "warn"));
    if (tls != null) {
      cmd.addAll(List.of(
          "--cert-file", tls.serverCert().toString(), "--key-file", tls.serverKey().toString(),
          "--client-cert-auth", "--trusted-ca-file", tls.caCert().toString()));
    }
    try {
      process =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start etcd", e);
    }
    Deadline.await(READY_TIMEOUT, "etcd on " + endpoint() + " (log: " + logFile + ")", this::answers);
  }

  private boolean answers() {
    if (container != null) {
      try {
        etcdctl("endpoint", "health");
        return true;
      } catch (AssertionError e) {
        return false;
      }
    }
    if (!process.isAlive()) {
      throw new AssertionError("etcd exited with " + process.exitValue() + "; log: " + readLog());
    }
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", clientPort), 200);
    } catch (IOException e) {
      return false;
    }
    try {
      etcdctl("endpoint", "health");
      return true;
    } catch (AssertionError e) {
      return false;
    }
  }

  private String readLog() {
    try {
      return Files.readString(logFile);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  private void signal(String name) {
    if (container != null) {
      container.signal(name);
      return;
    }
    if (process == null) {
      return;
    }
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private void waitForExit() {
    if (container != null) {
      Deadline.await(Duration.ofSeconds(10), "etcd container to stop", () -> !container.running());
      return;
    }
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        throw new AssertionError("etcd " + process.pid() + " did not exit");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static void requireBinary(String name) {
    if (which(name) == null) {
      throw new IllegalStateException(
          name + " not found on PATH and no Docker engine for Testcontainers: install Debian's"
              + " etcd-server and etcd-client (make deps does it)");
    }
  }

  private static Path which(String name) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(":")) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  static void deleteRecursively(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
