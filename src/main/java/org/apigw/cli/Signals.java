package org.apigw.cli;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** Sends a signal to another process (ProcessHandle only knows TERM and KILL). */
final class Signals {

  private Signals() {}

  static boolean send(long pid, String signal) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
      return kill.waitFor(5, TimeUnit.SECONDS) && kill.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Waits for {@code process} to exit, up to {@code seconds}. */
  static boolean awaitExit(ProcessHandle process, long seconds) {
    try {
      process.onExit().get(seconds, TimeUnit.SECONDS);
      return true;
    } catch (Exception e) {
      return !process.isAlive();
    }
  }
}
