package org.apigw.cli;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Starts a node as a child process in the background and waits until it serves: the child
 * writes the pid file only once its ports are open. If the child exits first, the tail of
 * {@code logs/error.log} written since launch is printed as the reason.
 */
final class Launcher {

  private Launcher() {}

  static int launch(Home home, Path configFile, boolean takeover, int startupTimeoutSeconds) {
    try {
      Files.createDirectories(home.logs());
    } catch (IOException e) {
      System.err.println("failed to start: cannot create " + home.logs() + ": " + e.getMessage());
      return 1;
    }
    Path log = home.errorLog();
    long logOffset = size(log);
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    String jvmOptions = System.getenv().getOrDefault("APIGW_JVM_OPTS", "");
    for (String option : jvmOptions.trim().split("\\s+")) {
      if (!option.isEmpty()) {
        command.add(option);
      }
    }
    command.addAll(
        List.of(
            "-cp", System.getProperty("java.class.path"), Main.class.getName(), "start", "--foreground",
            "-c", configFile.toString(), "-p", home.prefix().toString()));
    if (takeover) {
      command.add("--takeover");
    }
    Process child;
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      builder.environment().put("APIGW_HOME", home.install().toString());
      child = builder.start();
    } catch (IOException e) {
      System.err.println("failed to start: cannot launch java: " + e.getMessage());
      return 1;
    }
    long limit = startupTimeoutSeconds + StartCommand.START_SLACK.toSeconds();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(limit);
    while (System.nanoTime() < deadline) {
      if (!child.isAlive()) {
        System.err.println("failed to start (exit code " + child.exitValue() + "); from " + log + ":");
        System.err.print(tail(log, logOffset));
        return 1;
      }
      Optional<Long> pid = PidFile.read(home.pidFile());
      if (pid.isPresent() && pid.get() == child.pid()) {
        System.out.println("APISIX started (pid " + child.pid() + "), logs in " + log);
        return 0;
      }
      try {
        child.waitFor(50, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return 1;
      }
    }
    child.destroyForcibly();
    System.err.println("failed to start: not serving after " + limit + " s; see " + log);
    System.err.print(tail(log, logOffset));
    return 1;
  }

  private static long size(Path file) {
    try {
      return Files.exists(file) ? Files.size(file) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /** What the child wrote to the log, at most the last 4 KiB of it. */
  private static String tail(Path log, long from) {
    try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
      long start = Math.max(from, file.length() - 4096);
      file.seek(start);
      byte[] bytes = new byte[(int) (file.length() - start)];
      file.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")\n";
    }
  }
}
