package org.apigw.cli;

import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code apisix stop}: stops the node at once (TERM), like {@code nginx -s stop}. */
@Command(name = "stop", description = "Stop the gateway immediately.")
final class StopCommand implements Callable<Integer> {

  @Mixin ConfigOptions options = new ConfigOptions();

  @Override
  public Integer call() {
    return signalAndWait(options.home(), "TERM", 15);
  }

  /** Signals the node named by the pid file and waits for it to exit. */
  static int signalAndWait(Home home, String signal, long waitSeconds) {
    Optional<ProcessHandle> node = PidFile.running(home.pidFile());
    if (node.isEmpty()) {
      System.err.println("APISIX is not running (no live process in " + home.pidFile() + ")");
      return 1;
    }
    ProcessHandle process = node.get();
    if (!Signals.send(process.pid(), signal)) {
      System.err.println("cannot signal pid " + process.pid());
      return 1;
    }
    if (!Signals.awaitExit(process, waitSeconds)) {
      System.err.println("pid " + process.pid() + " still running after " + waitSeconds + " s; killing it");
      process.destroyForcibly();
      Signals.awaitExit(process, 5);
    }
    PidFile.removeIfOwned(home.pidFile(), process.pid());
    System.out.println("APISIX stopped (pid " + process.pid() + ")");
    return 0;
  }
}
