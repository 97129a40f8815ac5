package org.apigw.cli;

import java.nio.file.Path;
import java.util.Set;
import org.apigw.config.ConfigException;
import org.apigw.config.ConfigLoader;
import org.apigw.config.LoadedConfig;
import org.apigw.plugins.BuiltinPlugins;
import picocli.CommandLine.Option;

/** {@code -c <config.yaml>} and {@code -p <prefix dir>}, shared by every command. */
final class ConfigOptions {

  /** Plugins this build contains; names in {@code plugins:} beyond these are warned about. */
  static final Set<String> BUILTIN_PLUGINS = BuiltinPlugins.NAMES;

  @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "config file (default: conf/config.yaml)")
  Path config;

  @Option(names = {"-p", "--prefix"}, paramLabel = "DIR", description = "directory for logs/ (default: the install dir)")
  Path prefix;

  Home home() {
    Path install = Home.installDir();
    return new Home(install, prefix == null ? install : prefix.toAbsolutePath().normalize());
  }

  Path configFile() {
    return config != null ? config.toAbsolutePath().normalize() : home().install().resolve("conf/config.yaml");
  }

  LoadedConfig load() throws ConfigException {
    return ConfigLoader.load(home().defaultsFile(), configFile(), BUILTIN_PLUGINS, System.getenv());
  }
}
