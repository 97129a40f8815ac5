package org.apigw.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A three-member etcd cluster on loopback ports, the way users run etcd in production, for
 * drills that kill the leader or isolate a member. Members are real Debian etcd processes,
 * stopped by PID.
 */
public final class EtcdCluster implements AutoCloseable {

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

  private final Path baseDir;
  private final List<Member> members = new ArrayList<>();

  /** One member: its ports, data dir and process. */
  public static final class Member {
    final String name;
    final int clientPort;
    final int peerPort;
    final Path dataDir;
    Process process;

    Member(String name, int clientPort, int peerPort, Path dataDir) {
      this.name = name;
      this.clientPort = clientPort;
      this.peerPort = peerPort;
      this.dataDir = dataDir;
    }

    public String endpoint() {
      return "http://127.0.0.1:" + clientPort;
    }

    public String name() {
      return name;
    }

    public long pid() {
      return process.pid();
    }

    @Override
    public String toString() {
      return name + "@" + clientPort;
    }
  }

  private EtcdCluster(Path baseDir) {
    this.baseDir = baseDir;
  }

  public static EtcdCluster start() {
    try {
      EtcdCluster cluster = new EtcdCluster(Files.createTempDirectory("apigw-etcd-cluster-"));
      for (int i = 0; i < 3; i++) {
        cluster.members.add(
            new Member("m" + i, FreePorts.next(), FreePorts.next(), cluster.baseDir.resolve("m" + i)));
      }
      for (Member m : cluster.members) {
        cluster.launch(m, "new");
      }
      Deadline.await(READY_TIMEOUT, "a 3-member etcd cluster with a leader", () -> cluster.leader() != null);
      return cluster;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public List<Member> members() {
    return List.copyOf(members);
  }

  /** Every client endpoint, as the gateway would be given them. */
  public List<String> endpoints() {
    return members.stream().map(Member::endpoint).collect(Collectors.toList());
  }

  /** The member that is leader now, or null (election in progress, quorum lost). */
  public Member leader() {
    for (Member m : members) {
      if (m.process == null || !m.process.isAlive()) {
        continue;
      }
      String status = ctl(List.of(m.endpoint()), Duration.ofSeconds(2), "endpoint", "status", "-w", "json");
      if (status == null) {
        continue;
      }
      long leader = number(status, "\"leader\":");
      long self = number(status, "\"member_id\":");
      if (leader != 0 && leader == self) {
        return m;
      }
    }
    return null;
  }

  public void kill9(Member m) {
    signal(m, "KILL");
    try {
      m.process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public void pause(Member m) {
    signal(m, "STOP");
  }

  public void resume(Member m) {
    signal(m, "CONT");
  }

  /** Starts a killed member again on its data dir; it rejoins the cluster. */
  public void restart(Member m) {
    launch(m, "existing");
  }

  /** etcdctl against the live members; fails the test on error. */
  public String etcdctl(String... args) {
    List<String> live =
        members.stream().filter(m -> m.process.isAlive()).map(Member::endpoint).collect(Collectors.toList());
    String out = ctl(live, Duration.ofSeconds(20), args);
    if (out == null) {
      throw new AssertionError("etcdctl " + String.join(" ", args) + " failed against " + live);
    }
    return out;
  }

  @Override
  public void close() {
    for (Member m : members) {
      if (m.process != null && m.process.isAlive()) {
        signal(m, "CONT");
        m.process.destroyForcibly();
        try {
          m.process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    EtcdProcess.deleteRecursively(baseDir);
  }

  private void launch(Member m, String state) {
    String initialCluster =
        members.stream().map(x -> x.name + "=http://127.0.0.1:" + x.peerPort).collect(Collectors.joining(","));
    List<String> cmd =
        List.of(
            "etcd", "--name", m.name, "--data-dir", m.dataDir.toString(),
            "--listen-client-urls", m.endpoint(), "--advertise-client-urls", m.endpoint(),
            "--listen-peer-urls", "http://127.0.0.1:" + m.peerPort,
            "--initial-advertise-peer-urls", "http://127.0.0.1:" + m.peerPort,
            "--initial-cluster", initialCluster, "--initial-cluster-state", state,
            "--initial-cluster-token", "apigw-drill",
            "--heartbeat-interval", "100", "--election-timeout", "1000", "--log-level", "warn");
    try {
      m.process =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(baseDir.resolve(m.name + ".log").toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start etcd member " + m.name, e);
    }
  }

  private static String ctl(List<String> endpoints, Duration timeout, String... args) {
    List<String> cmd = new ArrayList<>(List.of("etcdctl", "--endpoints=" + String.join(",", endpoints),
        "--command-timeout=" + timeout.toMillis() + "ms", "--dial-timeout=1s"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("ETCDCTL_API", "3");
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(timeout.toSeconds() + 5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return null;
      }
      return p.exitValue() == 0 ? out : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static void signal(Member m, String name) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(m.process.pid())).start();
      kill.waitFor(5, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static long number(String json, String field) {
    int at = json.indexOf(field);
    if (at < 0) {
      return 0;
    }
    int start = at + field.length();
    int end = start;
    while (end < json.length() && Character.isDigit(json.charAt(end))) {
      end++;
    }
    return end == start ? 0 : Long.parseUnsignedLong(json.substring(start, end));
  }
}
