package org.apigw.cli;

import java.util.concurrent.Callable;
import org.apigw.config.ConfigException;
import org.apigw.config.LoadedConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code apisix test}: loads and validates the config, then exits 0 or 1. Writes nothing. */
@Command(name = "test", description = "Validate the configuration and exit.")
final class TestCommand implements Callable<Integer> {

  @Mixin ConfigOptions options = new ConfigOptions();

  @Override
  public Integer call() {
    return test(options, true);
  }

  static int test(ConfigOptions options, boolean report) {
    try {
      LoadedConfig loaded = options.load();
      for (String warning : loaded.warnings()) {
        System.err.println("warning: " + warning);
      }
      if (report) {
        System.out.println("configuration test is successful: " + options.configFile());
      }
      return 0;
    } catch (ConfigException e) {
      System.err.println("configuration test failed: " + e.getMessage());
      return 1;
    }
  }
}
