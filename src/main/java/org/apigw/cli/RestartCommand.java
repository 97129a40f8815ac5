package org.apigw.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code apisix restart}: checks the config, stops the running node (if any), starts again. */
@Command(name = "restart", description = "Stop (if running) and start the gateway.")
final class RestartCommand implements Callable<Integer> {

  @Mixin ConfigOptions options = new ConfigOptions();

  @Override
  public Integer call() {
    int tested = TestCommand.test(options, false);
    if (tested != 0) {
      return tested; // keep the running node rather than stop it for a config that cannot start
    }
    if (PidFile.running(options.home().pidFile()).isPresent()) {
      StopCommand.signalAndWait(options.home(), "TERM", 15);
    }
    StartCommand start = new StartCommand();
    start.options = options;
    return start.call();
  }
}
