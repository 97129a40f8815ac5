package org.apigw.cli;

import java.nio.file.Path;
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
    StartCommand launched = launchedStart(args);
    int code;
    if (launched != null) {
      try {
        code = launched.call();
      } catch (RuntimeException e) {
        e.printStackTrace(); // what picocli's default handler does with it
        code = 1;
      }
    } else {
      code = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    }
    if (code != 0 || !StartCommand.keepsRunning()) {
      System.exit(code);
    }
  }

  /**
   * The node start that {@code bin/apisix start} launches, {@code start --foreground -p DIR [-c
   * FILE]} in that order, runs without picocli: building its model reflectively costs ~80 ms of
   * a cold start on one core. Any other form goes through picocli, which gives usage errors.
   */
  static StartCommand launchedStart(String[] args) {
    boolean form =
        (args.length == 4 || args.length == 6)
            && args[0].equals("start") && args[1].equals("--foreground") && args[2].equals("-p")
            && (args.length == 4 || args[4].equals("-c"));
    if (!form) {
      return null;
    }
    StartCommand start = new StartCommand();
    start.foreground = true;
    start.options.prefix = Path.of(args[3]);
    start.options.config = args.length == 6 ? Path.of(args[5]) : null;
    return start;
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
