package org.apigw.cli;

import java.util.concurrent.Callable;
import org.apigw.Gateway;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code bin/apisix}: APISIX's command set over this gateway. Exit codes: 0 success, 1 the
 * command failed (the message says why), 2 bad usage.
 */
@Command(
    name = "apisix",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "An etcd-native API gateway compatible with Apache APISIX.",
    subcommands = {
      StartCommand.class,
      StopCommand.class,
      QuitCommand.class,
      ReloadCommand.class,
      RestartCommand.class,
      TestCommand.class,
      SnapshotCommand.class,
      Main.VersionCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Callable<Integer> {

  public static void main(String[] args) {
    Logging.configureDefaults();
    int code = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    if (code != 0 || !StartCommand.keepsRunning()) {
      System.exit(code);
    }
  }

  @Override
  public Integer call() {
    CommandLine.usage(this, System.out);
    return 0;
  }

  @Command(name = "version", description = "Print the version.")
  static final class VersionCommand implements Callable<Integer> {
    @Override
    public Integer call() {
      System.out.println(Gateway.VERSION);
      return 0;
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {Gateway.VERSION};
    }
  }
}
