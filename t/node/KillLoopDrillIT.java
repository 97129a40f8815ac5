package node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lib.GatewayProcess;
import org.apigw.snapshot.SnapshotException;
import org.apigw.snapshot.SnapshotFile;
import lib.Json;
import org.apigw.testing.EtcdExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Drill 6 (issue 3, F9): start the gateway with {@code config_snapshot.min_interval_ms: 0}, launch
 * a burst of etcd transactions, kill -9 the gateway at a random moment (0–300 ms into the burst),
 * then {@code bin/apisix snapshot verify} the snapshot (its {@code .bak} when the main file is
 * missing) and check that its revision never goes back below the previous verified one. Repeated
 * 50 times, or as many times as fit in about 170 s on a slow machine.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class KillLoopDrillIT {

  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();

  static final int MAX_ITERATIONS = 50;
  static final long BUDGET_NANOS = TimeUnit.SECONDS.toNanos(170);
  static final Pattern REVISION = Pattern.compile("(?m)^revision:\\s+(\\d+)");

  record Row(int iteration, long killAtMs, int txnsBeforeKill, String file, long revision, long etcdRevision) {}

  @Test
  void kill9AtRandomMomentsOfABurst_snapshotAlwaysVerifies_andNeverGoesBack() throws Exception {
    long t0 = System.nanoTime();
    List<Row> rows = new ArrayList<>();
    long previous = -1;
    try (GatewayProcess gw =
        GatewayProcess.builder().etcd(ETCD.etcd().endpoint()).set("deployment.config_snapshot.min_interval_ms", 0)
            .build()) {
      Path main = gw.prefix().resolve("logs/config-snapshot.json");
      Path bak = gw.prefix().resolve("logs/config-snapshot.json.bak");
      AtomicInteger generation = new AtomicInteger();
      Path lastFile = null;
      int i = 0;
      long slowest = 0;
      while (i < MAX_ITERATIONS && System.nanoTime() - t0 + slowest < BUDGET_NANOS) {
        long it0 = System.nanoTime();
        i++;
        gw.startForeground(); // one JVM per start: the CLI in between would cost an iteration in four
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger txns = new AtomicInteger();
        Thread burst = new Thread(() -> {
          while (!stop.get() && txns.get() < 50) {
            StringBuilder txn = new StringBuilder("\n");
            int g = generation.incrementAndGet();
            for (int k = 0; k < 100; k++) {
              txn.append("put /apisix/routes/kl").append(k).append(' ')
                  .append(Json.write("{\"id\":\"kl" + k + "\",\"uri\":\"/kl/" + k + "\",\"desc\":\"gen " + g
                      + "\",\"upstream\":{\"nodes\":{\"127.0.0.1:1980\":1}}}"))
                  .append('\n');
            }
            ETCD.etcd().etcdctlWithInput(txn.append("\n\n").toString(), "txn");
            txns.incrementAndGet();
          }
        }, "burst-" + i);
        long killAt = ThreadLocalRandom.current().nextLong(0, 301);
        long b0 = System.nanoTime();
        burst.start();
        Thread.sleep(killAt); // the random kill offset itself, not a wait for a condition
        long pid = gw.pid().orElseThrow();
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly); // SIGKILL now
        long killedAtMs = (System.nanoTime() - b0) / 1_000_000;
        int sent = txns.get();
        stop.set(true);
        gw.kill9(); // waits until the pid is gone
        burst.join(60_000);
        long etcdRev = ETCD.etcd().revision();

        Path file = Files.exists(main) ? main : Files.exists(bak) ? bak : null;
        if (file == null) {
          assertTrue(previous < 0, "iteration " + i + ": neither snapshot nor .bak exists after a verified one at "
              + previous + "\n" + gw.log());
          rows.add(new Row(i, killedAtMs, sent, "none", -1, etcdRev));
          slowest = Math.max(slowest, System.nanoTime() - it0);
          continue;
        }
        // the CLI's own check, in-process: two JVM starts per iteration would not fit 50 iterations
        long rev;
        try {
          rev = SnapshotFile.verify(file).revision();
        } catch (SnapshotException e) {
          throw new AssertionError("iteration " + i + " (kill at " + killedAtMs + " ms): " + file + " does not verify: "
              + e.getMessage(), e);
        }
        lastFile = file;
        rows.add(new Row(i, killedAtMs, sent, file.getFileName().toString(), rev, etcdRev));
        assertTrue(rev >= previous, "iteration " + i + ": snapshot revision " + rev + " is older than the previous"
            + " verified snapshot's " + previous + " (" + file + ", kill at " + killedAtMs + " ms)");
        assertTrue(rev <= etcdRev, "snapshot revision " + rev + " beyond etcd's " + etcdRev);
        previous = rev;
        slowest = Math.max(slowest, System.nanoTime() - it0);
      }
      if (lastFile != null) {
        // and once through bin/apisix, as a user would check it
        GatewayProcess.CliResult verify = GatewayProcess.cli("snapshot", "verify", lastFile.toString());
        assertEquals(0, verify.exit(), lastFile + " does not verify with bin/apisix: " + verify);
        GatewayProcess.CliResult inspect = GatewayProcess.cli("snapshot", "inspect", lastFile.toString());
        Matcher m = REVISION.matcher(inspect.stdout());
        assertTrue(inspect.exit() == 0 && m.find(), "inspect " + lastFile + ": " + inspect);
        assertEquals(previous, Long.parseLong(m.group(1)), "bin/apisix snapshot inspect shows the verified revision");
      }
    } finally {
      System.out.printf("[KillLoopDrillIT] %4s %8s %9s %-26s %9s %9s%n", "iter", "kill_ms", "txns_done", "file",
          "snap_rev", "etcd_rev");
      for (Row r : rows) {
        System.out.printf("[KillLoopDrillIT] %4d %8d %9d %-26s %9d %9d%n", r.iteration(), r.killAtMs(),
            r.txnsBeforeKill(), r.file(), r.revision(), r.etcdRevision());
      }
      System.out.println("[KillLoopDrillIT] " + rows.size() + " iterations (max " + MAX_ITERATIONS + ", budget 170 s) in "
          + (System.nanoTime() - t0) / 1_000_000 + " ms");
    }
    assertTrue(rows.stream().anyMatch(r -> r.revision() > 0), "at least one snapshot was verified");
  }
}
