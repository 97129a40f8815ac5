package org.apigw.cli;

import java.util.Locale;

/**
 * slf4j-simple settings. Defaults are set before any logger exists; the level from
 * {@code nginx_config.error_log_level} is applied after the config is read, which works because
 * slf4j-simple resolves {@code org.slf4j.simpleLogger.log.<name>} when each logger is created.
 */
final class Logging {

  private Logging() {}

  static void configureDefaults() {
    setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
    setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "yyyy/MM/dd HH:mm:ss.SSS");
    setIfAbsent("org.slf4j.simpleLogger.showThreadName", "true");
    setIfAbsent("org.slf4j.simpleLogger.showShortLogName", "true");
    setIfAbsent("org.slf4j.simpleLogger.levelInBrackets", "true");
    setIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
    setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    setIfAbsent("org.slf4j.simpleLogger.log.org.apigw", "info");
    // grpc-java logs through java.util.logging; keep its start-up chatter out of error.log
    java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
    for (java.util.logging.Handler handler : java.util.logging.Logger.getLogger("").getHandlers()) {
      handler.setLevel(java.util.logging.Level.WARNING);
    }
  }

  /** Maps nginx's error_log levels onto slf4j's for the gateway's own loggers. */
  static void applyLevel(String nginxLevel) {
    String level =
        switch (nginxLevel == null ? "warn" : nginxLevel.toLowerCase(Locale.ROOT)) {
          case "debug" -> "debug";
          case "info", "notice" -> "info";
          case "warn" -> "warn";
          default -> "error"; // error, crit, alert, emerg
        };
    if (System.getProperty("apigw.log.level") == null) {
      System.setProperty("org.slf4j.simpleLogger.log.org.apigw", level);
    } else {
      System.setProperty("org.slf4j.simpleLogger.log.org.apigw", System.getProperty("apigw.log.level"));
    }
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
