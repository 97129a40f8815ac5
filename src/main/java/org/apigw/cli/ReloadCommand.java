package org.apigw.cli;

import java.util.Optional;
import java.util.concurrent.Callable;
import org.apigw.config.ConfigException;
import org.apigw.config.GatewayConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code apisix reload}: applies a changed config.yaml without dropping traffic, the way nginx
 * does: a new node starts beside the running one (the ports are shared with SO_REUSEPORT), and
 * once it serves, the old node quits gracefully. An invalid config leaves the running node alone.
 */
@Command(name = "reload", description = "Apply config.yaml changes without downtime.")
final class ReloadCommand implements Callable<Integer> {

  @Mixin ConfigOptions options = new ConfigOptions();

  @Override
  public Integer call() {
    Home home = options.home();
    Optional<ProcessHandle> old = PidFile.running(home.pidFile());
    if (old.isEmpty()) {
      System.err.println("APISIX is not running (no live process in " + home.pidFile() + ")");
      return 1;
    }
    GatewayConfig config;
    try {
      config = StartCommand.loadForStart(options);
    } catch (ConfigException e) {
      System.err.println("reload refused, the running node is unchanged: " + e.getMessage());
      return 1;
    }
    int started = Launcher.launch(home, options.configFile(), true, config.deployment().etcd().startupTimeout());
    if (started != 0) {
      System.err.println("reload failed, the running node (pid " + old.get().pid() + ") is unchanged");
      return started;
    }
    Signals.send(old.get().pid(), "INT");
    if (!Signals.awaitExit(old.get(), StartCommand.QUIT_GRACE.toSeconds() + 10)) {
      old.get().destroyForcibly();
    }
    System.out.println("APISIX reloaded");
    return 0;
  }
}
