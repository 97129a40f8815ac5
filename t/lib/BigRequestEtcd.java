package lib;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apigw.testing.Deadline;
import org.apigw.testing.FreePorts;

/**
 * A single-member etcd (Debian's binary) started with a raised {@code --max-request-bytes}, for
 * values larger than etcd's default 1.5 MiB request limit. {@link org.apigw.testing.EtcdProcess}
 * has no option for that flag. Stopped by pid on {@link #close()}.
 */
public final class BigRequestEtcd implements AutoCloseable {
  private final Path dir;
  private final int clientPort = FreePorts.next();
  private final int peerPort = FreePorts.next();
  private final Process process;

  public BigRequestEtcd(long maxRequestBytes) {
    try {
      dir = Files.createTempDirectory("apigw-etcd-big-");
      process = new ProcessBuilder(
              "etcd", "--name", "big", "--data-dir", dir.resolve("data").toString(),
              "--listen-client-urls", endpoint(), "--advertise-client-urls", endpoint(),
              "--listen-peer-urls", "http://127.0.0.1:" + peerPort,
              "--initial-advertise-peer-urls", "http://127.0.0.1:" + peerPort,
              "--initial-cluster", "big=http://127.0.0.1:" + peerPort,
              "--max-request-bytes", Long.toString(maxRequestBytes), "--log-level", "warn")
          .redirectErrorStream(true)
          .redirectOutput(dir.resolve("etcd.log").toFile())
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Deadline.await(Duration.ofSeconds(30), "etcd on " + endpoint(), () -> {
      if (!process.isAlive()) {
        throw new AssertionError("etcd exited: " + log());
      }
      try {
        etcdctl(null, "endpoint", "health");
        return true;
      } catch (AssertionError e) {
        return false;
      }
    });
  }

  public String endpoint() {
    return "http://127.0.0.1:" + clientPort;
  }

  public String log() {
    try {
      return Files.readString(dir.resolve("etcd.log"));
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  /** etcdctl against this server with {@code stdin} (may be null); fails the test on a non-zero exit. */
  public String etcdctl(String stdin, String... args) {
    List<String> cmd = new ArrayList<>(List.of("etcdctl", "--endpoints=" + endpoint()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("ETCDCTL_API", "3");
    try {
      Process p = pb.start();
      Thread feeder = new Thread(() -> {
        try (var in = p.getOutputStream()) {
          if (stdin != null) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
          }
        } catch (IOException e) {
          // etcdctl exited early; its output says why
        }
      });
      feeder.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("etcdctl " + args[0] + " did not finish in 30 s");
      }
      feeder.join(5000);
      if (p.exitValue() != 0) {
        throw new AssertionError("etcdctl " + args[0] + " failed: " + out.substring(0, Math.min(2000, out.length())));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The current store revision. */
  public long revision() {
    String json = etcdctl(null, "endpoint", "status", "-w", "json");
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"revision\":(\\d+)").matcher(json);
    if (!m.find()) {
      throw new AssertionError("no revision in: " + json);
    }
    return Long.parseLong(m.group(1));
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort
    }
  }
}
