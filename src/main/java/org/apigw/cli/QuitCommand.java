package org.apigw.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code apisix quit}: graceful stop (INT): stop accepting, let requests in flight finish. */
@Command(name = "quit", description = "Stop the gateway gracefully.")
final class QuitCommand implements Callable<Integer> {

  @Mixin ConfigOptions options = new ConfigOptions();

  @Override
  public Integer call() {
    return StopCommand.signalAndWait(options.home(), "INT", StartCommand.QUIT_GRACE.toSeconds() + 10);
  }
}
