package cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import lib.GatewayProcess;
import lib.GatewayProcess.CliResult;
import lib.Http;
import lib.Upstream;
import org.apigw.testing.EtcdExtension;
import org.apigw.testing.FreePorts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/apisix}: test, start, stop, quit, reload, restart, version — exit codes and messages. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CliIT {

  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  static Upstream u1;

  @BeforeAll
  static void start() {
    u1 = Upstream.start("u1");
  }

  @AfterAll
  static void stop() {
    u1.close();
  }

  static Path write(Path dir, String yaml) throws IOException {
    Path f = dir.resolve("config.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  @Test
  void version_printsTheVersion() {
    CliResult r = GatewayProcess.cli("version");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.stdout().trim().matches("\\d+\\.\\d+\\.\\d+.*"), r.toString());
  }

  @Test
  void test_validConfig_exit0_andSaysSuccessful() {
    try (GatewayProcess gw = GatewayProcess.builder().etcd(ETCD.etcd().endpoint()).build()) {
      CliResult r = GatewayProcess.cli("test", "-c", gw.configFile().toString());
      assertEquals(0, r.exit(), r.toString());
      assertTrue(r.stdout().contains("configuration test is successful"), r.toString());
      assertFalse(gw.isRunning());
    }
  }

  @Test
  void test_unknownKey_exit1_namingTheKeyPath(@TempDir Path dir) throws IOException {
    Path f = write(dir, "apisix:\n  node_listen: [9080]\n  no_such_option: true\n");
    CliResult r = GatewayProcess.cli("test", "-c", f.toString());
    assertEquals(1, r.exit(), r.toString());
    assertTrue(namesPath(r, "apisix", "no_such_option"), r.toString());
    assertFalse(r.output().contains("configuration test is successful"), r.toString());
  }

  @Test
  void test_wrongType_exit1_namingTheKeyPath(@TempDir Path dir) throws IOException {
    Path f = write(dir, "deployment:\n  etcd:\n    startup_timeout: soon\n");
    CliResult r = GatewayProcess.cli("test", "-c", f.toString());
    assertEquals(1, r.exit(), r.toString());
    assertTrue(namesPath(r, "deployment", "etcd", "startup_timeout"), r.toString());

    Path g = write(dir, "apisix:\n  node_listen: abc\n");
    CliResult r2 = GatewayProcess.cli("test", "-c", g.toString());
    assertEquals(1, r2.exit(), r2.toString());
    assertTrue(namesPath(r2, "apisix", "node_listen"), r2.toString());
  }

  @Test
  void start_withBadConfig_exitsNonZero_withTheReason_andNoPidFile() {
    try (GatewayProcess gw =
        GatewayProcess.builder().etcd(ETCD.etcd().endpoint()).set("apisix.node_listen", "not-a-port-list").build()) {
      CliResult r = GatewayProcess.cli("start", "-c", gw.configFile().toString(), "-p", gw.prefix().toString());
      assertNotEquals(0, r.exit(), r.toString());
      assertTrue(namesPath(r, "apisix", "node_listen"), r.toString());
      assertFalse(Files.exists(gw.pidFile()), "no pid file");
    }
  }

  @Test
  void start_onATakenPort_exitsNonZero_namingThePort() throws IOException {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        GatewayProcess gw =
            GatewayProcess.builder().etcd(ETCD.etcd().endpoint()).proxyPort(taken.getLocalPort()).build()) {
      CliResult r = GatewayProcess.cli("start", "-c", gw.configFile().toString(), "-p", gw.prefix().toString());
      assertNotEquals(0, r.exit(), r.toString());
      assertTrue(r.output().contains(Integer.toString(taken.getLocalPort())), r.toString());
      assertFalse(gw.isRunning());
    }
  }

  @Test
  void start_withTheExporterOnTheProxyPort_exitsNonZero_likeApisixCli() {
    int port = FreePorts.next();
    try (GatewayProcess gw =
        GatewayProcess.builder().etcd(ETCD.etcd().endpoint()).proxyPort(port).prometheusPort(port).build()) {
      CliResult r = GatewayProcess.cli("start", "-c", gw.configFile().toString(), "-p", gw.prefix().toString());
      assertNotEquals(0, r.exit(), r.toString());
      assertTrue(r.output().contains("http listen port " + port + " conflicts with prometheus port"), r.toString());
      assertFalse(gw.isRunning());
    }
  }

  @Test
  void startTwice_secondFailsIsRunning_stopRemovesPidFile() {
    try (GatewayProcess gw = GatewayProcess.builder().etcd(ETCD.etcd().endpoint()).build()) {
      gw.start();
      long pid = gw.pid().orElseThrow();
      CliResult second = GatewayProcess.cli("start", "-c", gw.configFile().toString(), "-p", gw.prefix().toString());
      assertNotEquals(0, second.exit(), second.toString());
      assertTrue(second.output().contains("is running"), second.toString());
      assertEquals(pid, gw.pid().orElseThrow(), "the first node is untouched");
      assertTrue(gw.isRunning());

      gw.stop();
      assertFalse(Files.exists(gw.pidFile()), "pid file removed");
      assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "process gone");

      CliResult again = GatewayProcess.cli("stop", "-p", gw.prefix().toString());
      assertNotEquals(0, again.exit(), "stop when not running: " + again);
    }
  }

  @Test
  void startAfterKill9_withAStalePidFile_succeeds() {
    try (GatewayProcess gw = GatewayProcess.builder().etcd(ETCD.etcd().endpoint()).build()) {
      gw.start();
      long pid = gw.pid().orElseThrow();
      gw.kill9();
      assertTrue(Files.exists(gw.pidFile()), "kill -9 leaves the pid file behind");
      gw.start();
      assertNotEquals(pid, gw.pid().orElseThrow());
      assertEquals(404, gw.get("/cli/anything").status(), "serving again");
    }
  }

  @Test
  void quit_letsTheRequestInFlightFinish_andRemovesThePidFile() throws Exception {
    try (GatewayProcess gw = GatewayProcess.builder().etcd(ETCD.etcd().endpoint()).build()) {
      gw.start();
      gw.put("/routes/cli-quit", "{\"uri\":\"/cli/quit\",\"upstream\":{\"nodes\":{\"" + u1.node() + "\":1}}}");
      gw.awaitStatus("/cli/quit", 200, Duration.ofSeconds(10));
      CompletableFuture<Http.Response> slow = CompletableFuture.supplyAsync(() -> gw.get("/cli/quit?delay_ms=1500"));
      waitUntilHits(u1, 2);
      CliResult r = GatewayProcess.cli("quit", "-p", gw.prefix().toString());
      assertEquals(0, r.exit(), r.toString());
      assertEquals(200, slow.get(20, TimeUnit.SECONDS).status(), "in-flight request finished");
      assertFalse(Files.exists(gw.pidFile()));
    }
  }

  @Test
  void quit_asksKeepAliveClientsToClose_beforeClosingTheirConnections() throws Exception {
    try (GatewayProcess gw = GatewayProcess.builder().etcd(ETCD.etcd().endpoint()).build()) {
      gw.start();
      gw.put("/routes/cli-drain", "{\"uri\":\"/cli/drain\",\"upstream\":{\"nodes\":{\"" + u1.node() + "\":1}}}");
      gw.awaitStatus("/cli/drain", 200, Duration.ofSeconds(10));
      long pid = gw.pid().orElseThrow();
      CompletableFuture<CliResult> quit =
          CompletableFuture.supplyAsync(() -> GatewayProcess.cli("quit", "-p", gw.prefix().toString()));
      // one keep-alive connection, reused request after request: while the node drains, the
      // response that ends it says so, and no request meets a connection closed under it
      boolean toldToClose = false;
      List<String> failures = new CopyOnWriteArrayList<>();
      while (!toldToClose && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && !quit.isDone()) {
        try {
          Http.Response r = gw.get("/cli/drain");
          toldToClose = "close".equalsIgnoreCase(r.header("Connection"));
          if (r.status() != 200) {
            failures.add(r.toString());
          }
        } catch (RuntimeException e) {
          failures.add(e.toString());
        }
      }
      assertEquals(0, quit.get(30, TimeUnit.SECONDS).exit());
      assertEquals(List.of(), failures, "requests failed while the node drained");
      assertTrue(toldToClose, "a response during the drain carried Connection: close");
    }
  }

  @Test
  void reload_appliesTheNewConfig_withoutFailingARequest() throws Exception {
    GatewayProcess.Builder b = GatewayProcess.builder().etcd(ETCD.etcd().endpoint());
    try (GatewayProcess gw = b.build()) {
      gw.start();
      long oldPid = gw.pid().orElseThrow();
      gw.put("/routes/cli-reload", "{\"uri\":\"/cli/reload\",\"upstream\":{\"nodes\":{\"" + u1.node() + "\":1}}}");
      gw.awaitStatus("/cli/reload", 200, Duration.ofSeconds(10));
      assertTrue(gw.get("/cli/reload").header("Server").startsWith("APISIX/"));

      AtomicBoolean running = new AtomicBoolean(true);
      AtomicInteger sent = new AtomicInteger();
      List<String> failures = new CopyOnWriteArrayList<>();
      Thread load = new Thread(() -> {
        while (running.get()) {
          sent.incrementAndGet();
          try {
            Http.Response r = gw.get("/cli/reload");
            if (r.status() != 200) {
              failures.add(r.toString());
            }
          } catch (RuntimeException e) {
            failures.add(e.toString());
          }
        }
      });
      load.start();
      gw.rewriteConfig(b.set("apisix.enable_server_tokens", false));
      CliResult r = GatewayProcess.cli("reload", "-c", gw.configFile().toString(), "-p", gw.prefix().toString());
      running.set(false);
      load.join(30_000);
      assertEquals(0, r.exit(), r.toString() + "\n" + gw.log());
      System.out.println("[CliIT] reload under load: " + sent.get() + " requests, " + failures.size() + " failed");
      long newPid = gw.pid().orElseThrow();
      assertNotEquals(oldPid, newPid, "a new node serves");
      assertFalse(ProcessHandle.of(oldPid).map(ProcessHandle::isAlive).orElse(false), "old node quit");
      assertEquals("APISIX", gw.get("/cli/reload").header("Server"), "new config applied");
      assertEquals(List.of(), failures, "requests failed during reload");
    }
  }

  @Test
  void restart_replacesTheNode_andServesAgain() {
    try (GatewayProcess gw = GatewayProcess.builder().etcd(ETCD.etcd().endpoint()).build()) {
      gw.start();
      long oldPid = gw.pid().orElseThrow();
      gw.put("/routes/cli-restart", "{\"uri\":\"/cli/restart\",\"upstream\":{\"nodes\":{\"" + u1.node() + "\":1}}}");
      CliResult r = GatewayProcess.cli("restart", "-c", gw.configFile().toString(), "-p", gw.prefix().toString());
      assertEquals(0, r.exit(), r.toString());
      long newPid = gw.pid().orElseThrow();
      assertNotEquals(oldPid, newPid);
      assertFalse(ProcessHandle.of(oldPid).map(ProcessHandle::isAlive).orElse(false));
      gw.awaitStatus("/cli/restart", 200, Duration.ofSeconds(10));
    }
  }

  /** The output names the key path, written {@code a.b.c} or APISIX's {@code a->b->c}. */
  private static boolean namesPath(CliResult r, String... parts) {
    return r.output().contains(String.join(".", parts)) || r.output().contains(String.join("->", parts));
  }

  private static void waitUntilHits(Upstream u, int n) {
    org.apigw.testing.Deadline.await(Duration.ofSeconds(10), "upstream hit " + n + " times", () -> u.hits() >= n);
  }
}
