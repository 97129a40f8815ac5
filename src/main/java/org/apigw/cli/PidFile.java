package org.apigw.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/** {@code logs/apisix.pid}: written atomically once a node serves, removed by that node on exit. */
final class PidFile {

  private PidFile() {}

  static void write(Path file, long pid) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, pid + "\n", StandardCharsets.US_ASCII);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The pid in the file, if the file exists and holds a number. */
  static Optional<Long> read(Path file) {
    try {
      return Optional.of(Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The live process the file names, if any. */
  static Optional<ProcessHandle> running(Path file) {
    return read(file).flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive);
  }

  /** Removes the file only if it still names {@code pid} (a reload's new node may own it now). */
  static void removeIfOwned(Path file, long pid) {
    if (read(file).filter(p -> p == pid).isPresent()) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // best effort on exit
      }
    }
  }
}
