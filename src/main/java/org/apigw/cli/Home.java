package org.apigw.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the product is installed ({@code bin/}, {@code conf/}, the jar) and where a node keeps
 * its runtime files ({@code logs/}): the "prefix", the install dir unless {@code -p} says
 * otherwise, so several nodes can run from one install.
 */
record Home(Path install, Path prefix) {

  static Path installDir() {
    String env = System.getenv("APIGW_HOME");
    if (env != null && !env.isEmpty()) {
      return Path.of(env).toAbsolutePath().normalize();
    }
    try {
      Path jar = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      // target/apigw.jar (or target/classes) → the project dir
      Path dir = jar.getParent() == null ? jar : jar.getParent().getParent();
      if (dir != null && Files.isDirectory(dir.resolve("conf"))) {
        return dir.toAbsolutePath().normalize();
      }
    } catch (Exception e) {
      // fall through to the working directory
    }
    return Path.of("").toAbsolutePath();
  }

  Path defaultsFile() {
    return install.resolve("conf/config-default.yaml");
  }

  Path logs() {
    return prefix.resolve("logs");
  }

  Path pidFile() {
    return logs().resolve("apisix.pid");
  }

  Path errorLog() {
    return logs().resolve("error.log");
  }

  Path jar() {
    return install.resolve("target/apigw.jar");
  }
}
