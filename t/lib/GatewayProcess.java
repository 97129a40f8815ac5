package lib;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apigw.testing.Deadline;
import org.apigw.testing.FreePorts;

/**
 * The real gateway, started through {@code bin/apisix start -c <config> -p <prefix>} in a
 * temporary prefix directory, on free ports. Stopped by pid on {@link #close()} whatever happened.
 *
 * <pre>{@code
 * GatewayProcess gw = GatewayProcess.builder().etcd(etcd.endpoint()).build().start();
 * gw.admin("PUT", "/routes/1", "{...}");
 * gw.proxy("/hello").get();
 * }</pre>
 */
public final class GatewayProcess implements AutoCloseable {

  public static final String ADMIN_KEY = "edd1c9f034335f136f87ad84b625c8f1";
  public static final String VIEWER_KEY = "4054f7cf07e344346cd3f287985e76a2";

  /** JVM settings for gateways under test: small, so several fit beside Maven on 2 cores. */
  static final String JVM_OPTS =
      "-Xms64m -Xmx512m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -Dio.netty.tryReflectionSetAccessible=true";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Duration CLI_TIMEOUT = Duration.ofSeconds(120);

  private final Path home;
  private final Path prefix;
  private final Path configFile;
  private final int proxyPort;
  private final int adminPort;
  private final int controlPort;
  private final int prometheusPort;
  private long lastPid = -1;

  private GatewayProcess(
      Path prefix, Map<String, Object> config, int proxyPort, int adminPort, int controlPort, int prometheusPort) {
    this.home = home();
    this.prefix = prefix;
    this.configFile = prefix.resolve("conf/config.yaml");
    this.proxyPort = proxyPort;
    this.adminPort = adminPort;
    this.controlPort = controlPort;
    this.prometheusPort = prometheusPort;
    writeConfig(config);
  }

  /** The install under test: {@code apigw.home} (set by failsafe), or {@code APIGW_IT_HOME}. */
  public static Path home() {
    String env = System.getenv("APIGW_IT_HOME");
    String prop = System.getProperty("apigw.home");
    String dir = env != null && !env.isEmpty() ? env : prop;
    if (dir == null) {
      throw new IllegalStateException("system property apigw.home (the project dir) is not set; run through failsafe");
    }
    Path p = Path.of(dir).toAbsolutePath().normalize();
    if (!Files.isRegularFile(p.resolve("target/apigw.jar"))) {
      throw new IllegalStateException(p.resolve("target/apigw.jar") + " missing: run mvn package first");
    }
    return p;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds the config.yaml of one gateway. */
  public static final class Builder {
    private final List<String> etcd = new ArrayList<>();
    private String etcdPrefix = "/apisix";
    private final List<Map<String, Object>> keys = new ArrayList<>();
    private final Map<String, Object> overrides = new LinkedHashMap<>();
    private final List<String> yaml = new ArrayList<>();
    private int proxyPort = FreePorts.next();
    private int adminPort = FreePorts.next();
    private int controlPort = FreePorts.next();
    /** The prometheus export server's port: never APISIX's 9091, so gateways can run side by side. */
    private int prometheusPort = FreePorts.next();

    public Builder etcd(String... endpoints) {
      etcd.addAll(List.of(endpoints));
      return this;
    }

    public Builder etcdPrefix(String p) {
      this.etcdPrefix = p;
      return this;
    }

    public Builder adminKey(String name, String key, String role) {
      keys.add(Map.of("name", name, "key", key, "role", role));
      return this;
    }

    /** Sets one key by dotted path, e.g. {@code set("deployment.etcd.startup_timeout", 2)}. */
    public Builder set(String dottedPath, Object value) {
      overrides.put(dottedPath, value);
      return this;
    }

    /** A YAML document deep-merged over what the builder generated. */
    public Builder yaml(String doc) {
      yaml.add(doc);
      return this;
    }

    public Builder proxyPort(int p) {
      this.proxyPort = p;
      return this;
    }

    public Builder prometheusPort(int p) {
      this.prometheusPort = p;
      return this;
    }

    public Map<String, Object> config() {
      Map<String, Object> root = new LinkedHashMap<>();
      put(root, "apisix.node_listen", List.of(proxyPort));
      put(root, "apisix.enable_control", true);
      put(root, "apisix.control", Map.of("ip", "127.0.0.1", "port", controlPort));
      put(root, "nginx_config.error_log_level", "info");
      put(root, "plugin_attr.prometheus.export_addr", Map.of("ip", "127.0.0.1", "port", prometheusPort));
      put(root, "deployment.admin.admin_listen", Map.of("ip", "127.0.0.1", "port", adminPort));
      put(
          root,
          "deployment.admin.admin_key",
          keys.isEmpty()
              ? List.of(
                  Map.of("name", "admin", "key", ADMIN_KEY, "role", "admin"),
                  Map.of("name", "viewer", "key", VIEWER_KEY, "role", "viewer"))
              : keys);
      put(root, "deployment.etcd.host", etcd.isEmpty() ? List.of("http://127.0.0.1:2379") : etcd);
      put(root, "deployment.etcd.prefix", etcdPrefix);
      put(root, "deployment.etcd.startup_timeout", 5);
      put(root, "deployment.etcd.resync_delay", 1);
      overrides.forEach((k, v) -> put(root, k, v));
      for (String doc : yaml) {
        try {
          @SuppressWarnings("unchecked")
          Map<String, Object> extra = YAML.readValue(doc, Map.class);
          merge(root, extra);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return root;
    }

    public GatewayProcess build() {
      try {
        Path prefix = Files.createTempDirectory("apigw-t-");
        return new GatewayProcess(prefix, config(), proxyPort, adminPort, controlPort, prometheusPort);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @SuppressWarnings("unchecked")
    private static void put(Map<String, Object> root, String dotted, Object value) {
      String[] parts = dotted.split("\\.");
      Map<String, Object> at = root;
      for (int i = 0; i < parts.length - 1; i++) {
        at = (Map<String, Object>) at.computeIfAbsent(parts[i], k -> new LinkedHashMap<String, Object>());
      }
      at.put(parts[parts.length - 1], value);
    }

    @SuppressWarnings("unchecked")
    private static void merge(Map<String, Object> into, Map<String, Object> from) {
      for (Map.Entry<String, Object> e : from.entrySet()) {
        Object cur = into.get(e.getKey());
        if (cur instanceof Map && e.getValue() instanceof Map) {
          Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) cur);
          merge(copy, (Map<String, Object>) e.getValue());
          into.put(e.getKey(), copy);
        } else {
          into.put(e.getKey(), e.getValue());
        }
      }
    }
  }

  private void writeConfig(Map<String, Object> config) {
    try {
      Files.createDirectories(configFile.getParent());
      Files.writeString(configFile, YAML.writeValueAsString(config));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Rewrites conf/config.yaml (e.g. before {@link #restart()} or a reload). */
  public void rewriteConfig(Builder builder) {
    writeConfig(builder.config());
  }

  // ---------------------------------------------------------------------------------------------
  // lifecycle

  /** {@code bin/apisix start}; fails the test (printing the CLI output and the log) unless exit 0. */
  public GatewayProcess start() {
    CliResult r = cli("start", "-c", configFile.toString(), "-p", prefix.toString());
    if (r.exit() != 0) {
      throw new AssertionError("bin/apisix start exited " + r.exit() + "\n" + r + "\n--- error.log ---\n" + log());
    }
    lastPid = pid().orElseThrow(() -> new AssertionError("start returned 0 but no pid file: " + r + "\n" + log()));
    return this;
  }

  /**
   * {@code bin/apisix start --foreground} as a child of the test: one JVM instead of the CLI's two
   * (for drills that start a node many times). Returns once the node serves, which is when it
   * writes its pid file; fails with the log if it exits first.
   */
  public GatewayProcess startForeground() {
    List<String> cmd =
        List.of(home().resolve("bin/apisix").toString(), "start", "--foreground", "-c", configFile.toString(), "-p",
            prefix.toString());
    try {
      Files.createDirectories(prefix.resolve("logs"));
      ProcessBuilder pb =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(prefix.resolve("logs/foreground.out").toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      pb.environment().put("APIGW_JVM_OPTS", JVM_OPTS);
      pb.environment().remove("APIGW_HOME");
      Process p = pb.start();
      Deadline.await(
          CLI_TIMEOUT, "the node to serve (pid file " + pidFile() + ")",
          () -> !p.isAlive() || pid().map(id -> id == p.pid()).orElse(false));
      if (!p.isAlive()) {
        throw new AssertionError("bin/apisix start --foreground exited " + p.exitValue() + "\n" + log());
      }
      lastPid = p.pid();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code bin/apisix stop}; fails unless exit 0 and the process is gone. */
  public CliResult stop() {
    CliResult r = cli("stop", "-p", prefix.toString());
    if (r.exit() != 0) {
      throw new AssertionError("bin/apisix stop exited " + r.exit() + "\n" + r + "\n" + log());
    }
    awaitGone(lastPid);
    return r;
  }

  /** kill -9 of the pid in the pid file; waits until it is gone. */
  public void kill9() {
    long pid = pid().orElse(lastPid);
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    awaitGone(pid);
  }

  /** Stops (by pid if needed) and starts again with the same prefix, ports and config file. */
  public GatewayProcess restart() {
    if (isRunning()) {
      stop();
    }
    return start();
  }

  public boolean isRunning() {
    return pid().flatMap(ProcessHandle::of).map(ProcessHandle::isAlive).orElse(false);
  }

  public Optional<Long> pid() {
    try {
      return Optional.of(Long.parseLong(Files.readString(pidFile()).trim()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  public Path pidFile() {
    return prefix.resolve("logs/apisix.pid");
  }

  public Path prefix() {
    return prefix;
  }

  public Path configFile() {
    return configFile;
  }

  /** The node's error.log (empty if there is none yet). */
  public String log() {
    try {
      Path log = prefix.resolve("logs/error.log");
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read log: " + e + ")";
    }
  }

  /** Runs {@code bin/apisix <args>} of the install under test and collects exit code and output. */
  public static CliResult cli(String... args) {
    Path home = home();
    List<String> cmd = new ArrayList<>();
    cmd.add(home.resolve("bin/apisix").toString());
    cmd.addAll(List.of(args));
    try {
      Path out = Files.createTempFile("apisix-cli-", ".out");
      Path err = Files.createTempFile("apisix-cli-", ".err");
      ProcessBuilder pb =
          new ProcessBuilder(cmd)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      pb.environment().put("APIGW_JVM_OPTS", JVM_OPTS);
      pb.environment().remove("APIGW_HOME");
      Process p = pb.start();
      if (!p.waitFor(CLI_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("bin/apisix " + String.join(" ", args) + " did not finish in " + CLI_TIMEOUT);
      }
      CliResult r = new CliResult(p.exitValue(), Files.readString(out), Files.readString(err));
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Exit code and output of one CLI run. */
  public record CliResult(int exit, String stdout, String stderr) {
    public String output() {
      return stdout + stderr;
    }

    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout ---\n" + stdout + "--- stderr ---\n" + stderr;
    }
  }

  private static void awaitGone(long pid) {
    if (pid <= 0) {
      return;
    }
    Deadline.await(
        Duration.ofSeconds(20), "pid " + pid + " to exit",
        () -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
  }

  @Override
  public void close() {
    for (long pid : new long[] {pid().orElse(-1L), lastPid}) {
      if (pid <= 0) {
        continue;
      }
      ProcessHandle.of(pid).ifPresent(h -> {
        h.destroy();
        try {
          h.onExit().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
          h.destroyForcibly();
        }
      });
    }
    deleteRecursively(prefix);
  }

  private static void deleteRecursively(Path dir) {
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort
    }
  }

  // ---------------------------------------------------------------------------------------------
  // HTTP

  public int proxyPort() {
    return proxyPort;
  }

  public int adminPort() {
    return adminPort;
  }

  public int controlPort() {
    return controlPort;
  }

  /** The prometheus export server ({@code plugin_attr.prometheus.export_addr}). */
  public int prometheusPort() {
    return prometheusPort;
  }

  public String proxyUrl() {
    return "http://127.0.0.1:" + proxyPort;
  }

  /** A request to the proxy port. */
  public Http.Req proxy(String pathAndQuery) {
    return Http.to(proxyUrl(), pathAndQuery);
  }

  /** GET on the proxy port. */
  public Http.Response get(String pathAndQuery) {
    return proxy(pathAndQuery).get();
  }

  /** An Admin API request with the admin key; {@code path} may omit {@code /apisix/admin}. */
  public Http.Response admin(String method, String path, String body) {
    return adminReq(path).header("X-API-KEY", ADMIN_KEY).method(method).body(body).send();
  }

  /** An Admin API request without any key (add one with {@link Http.Req#header}). */
  public Http.Req adminReq(String path) {
    String full = path.startsWith("/apisix/admin") ? path : "/apisix/admin" + path;
    return Http.to("http://127.0.0.1:" + adminPort, full);
  }

  /** Admin PUT that must succeed (200 or 201). */
  public JsonNode put(String path, String body) {
    Http.Response r = admin("PUT", path, body);
    if (r.status() != 200 && r.status() != 201) {
      throw new AssertionError("PUT " + path + " → " + r);
    }
    return r.json();
  }

  /** Admin DELETE that must succeed. */
  public void delete(String path) {
    Http.Response r = admin("DELETE", path, null);
    if (r.status() != 200) {
      throw new AssertionError("DELETE " + path + " → " + r);
    }
  }

  /** GET on the Control API, as JSON. */
  public JsonNode control(String path) {
    Http.Response r = Http.to("http://127.0.0.1:" + controlPort, path).get();
    if (r.status() != 200) {
      throw new AssertionError("control " + path + " → " + r);
    }
    return r.json();
  }

  /** {@code GET /v1/config}. */
  public JsonNode configState() {
    return control("/v1/config");
  }

  /** Waits until GET {@code path} on the proxy answers {@code status}; returns that response. */
  public Http.Response awaitStatus(String path, int status, Duration timeout) {
    return Deadline.untilPasses(timeout, () -> {
      Http.Response r = get(path);
      if (r.status() != status) {
        throw new AssertionError("GET " + path + ": expected " + status + ", got " + r);
      }
      return r;
    });
  }

  /** Waits until GET {@code path} is served by the upstream named {@code server}. */
  public Http.Response awaitServedBy(String path, String server, Duration timeout) {
    return Deadline.untilPasses(timeout, () -> {
      Http.Response r = get(path);
      if (r.status() != 200 || !server.equals(r.header("X-Upstream-Name"))) {
        throw new AssertionError("GET " + path + ": expected 200 from " + server + ", got " + r);
      }
      return r;
    });
  }
}
