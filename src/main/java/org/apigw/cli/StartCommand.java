package org.apigw.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apigw.Gateway;
import org.apigw.config.AdminKeyInitializer;
import org.apigw.config.ConfigException;
import org.apigw.config.GatewayConfig;
import org.apigw.config.LoadedConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/**
 * {@code apisix start}: validates the config, then runs the node in the background and returns
 * once it serves (pid in {@code logs/apisix.pid}), or exits 1 with the reason. With
 * {@code --foreground} the node runs in this process. {@code bin/apisix} itself handles the plain
 * {@code start [-c FILE] [-p DIR]} with the same contract, starting this command with {@code
 * --foreground} in the background (one JVM start instead of two); the node then bounds its own
 * start ({@link #START_SLACK} past {@code startup_timeout}).
 *
 * <p>Signals, as nginx: TERM stops at once, INT quits gracefully (requests in flight finish),
 * HUP is answered by {@code apisix reload}, which starts a new node beside this one and quits
 * this one once the new one serves.
 */
@Command(name = "start", description = "Start the gateway (in the background unless --foreground).")
final class StartCommand implements Callable<Integer> {

  /** How much longer than {@code startup_timeout} a node may take to serve before it gives up. */
  static final Duration START_SLACK = Duration.ofSeconds(60);

  /** How long a graceful quit lets requests in flight finish. */
  static final Duration QUIT_GRACE = Duration.ofSeconds(10);

  private static volatile boolean keepRunning;

  @Mixin ConfigOptions options = new ConfigOptions();

  @Option(names = "--foreground", description = "run in this process; logs go to stderr")
  boolean foreground;

  @Option(names = "--takeover", hidden = true, description = "another node holds the ports and will quit (reload)")
  boolean takeover;

  static boolean keepsRunning() {
    return keepRunning;
  }

  @Override
  public Integer call() {
    Home home = options.home();
    GatewayConfig config;
    try {
      config = loadForStart(options);
    } catch (ConfigException e) {
      System.err.println("failed to start: " + e.getMessage());
      return 1;
    }
    Optional<ProcessHandle> running = PidFile.running(home.pidFile());
    if (!takeover && running.isPresent() && running.get().pid() != ProcessHandle.current().pid()) {
      System.err.println("failed to start: APISIX is running (pid " + running.get().pid() + ", " + home.pidFile() + ")");
      return 1;
    }
    if (!foreground) {
      return Launcher.launch(home, options.configFile(), takeover, config.deployment().etcd().startupTimeout());
    }
    return runHere(home, config);
  }

  /** Loads, warns, and gives empty admin keys a random value (APISIX 3.x does the same). */
  static GatewayConfig loadForStart(ConfigOptions options) throws ConfigException {
    LoadedConfig loaded = options.load();
    Logging.applyLevel(loaded.config().apisix().logLevel());
    Logger log = LoggerFactory.getLogger(StartCommand.class);
    loaded.warnings().forEach(w -> log.warn("{}", w));
    AdminKeyInitializer.Result keys = AdminKeyInitializer.ensureKeys(options.configFile(), loaded.config());
    for (String generated : keys.generated()) {
      log.warn("{}", generated);
    }
    return keys.config();
  }

  private int runHere(Home home, GatewayConfig config) {
    Logger log = LoggerFactory.getLogger(StartCommand.class);
    try {
      Files.createDirectories(home.logs());
    } catch (IOException e) {
      System.err.println("failed to start: cannot create " + home.logs() + ": " + e.getMessage());
      return 1;
    }
    Duration startLimit = Duration.ofSeconds(config.deployment().etcd().startupTimeout()).plus(START_SLACK);
    Gateway gateway;
    try (StartDeadline deadline = StartDeadline.arm(startLimit)) {
      gateway = new Gateway(config, home.prefix());
      gateway.start(takeover);
    } catch (Gateway.StartupException e) {
      log.error("failed to start: {}", e.getMessage());
      System.err.println("failed to start: " + e.getMessage());
      return 1;
    }
    long pid = ProcessHandle.current().pid();
    Path pidFile = home.pidFile();
    try {
      PidFile.write(pidFile, pid);
    } catch (IOException e) {
      log.error("cannot write {}: {}; stopping", pidFile, e.getMessage());
      gateway.shutdown(Duration.ZERO);
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runnable stop = once(stopped, () -> {
      log.info("stopping (TERM)");
      gateway.shutdown(Duration.ZERO);
    });
    Runnable quit = once(stopped, () -> {
      log.info("quitting gracefully (INT): requests in flight have {} s to finish", QUIT_GRACE.toSeconds());
      gateway.shutdown(QUIT_GRACE);
    });
    Signal.handle(new Signal("TERM"), s -> new Thread(stop, "apisix-stop").start());
    Signal.handle(new Signal("INT"), s -> new Thread(quit, "apisix-quit").start());
    Signal.handle(new Signal("HUP"), s -> log.warn("SIGHUP ignored: use 'bin/apisix reload' to apply config.yaml changes"));
    keepRunning = true;
    Thread waiter =
        new Thread(
            () -> {
              try {
                stopped.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              PidFile.removeIfOwned(pidFile, pid);
              log.info("stopped");
              System.exit(0);
            },
            "apisix-main");
    waiter.start();
    return 0;
  }

  private static Runnable once(CountDownLatch done, Runnable action) {
    return () -> {
      synchronized (done) {
        if (done.getCount() == 0) {
          return;
        }
        try {
          action.run();
        } finally {
          done.countDown();
        }
      }
    };
  }
}
