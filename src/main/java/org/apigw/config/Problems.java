package org.apigw.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Collects every problem of one load so the user sees them all at once; each names its key path
 * and, when the key came from the user's file, the file and line.
 */
final class Problems {
  private static final int MAX = 25;

  private final String source;
  private final Map<String, Integer> lines;
  private final List<String> messages = new ArrayList<>();

  Problems(String source, Map<String, Integer> lines) {
    this.source = source;
    this.lines = lines;
  }

  /** Adds {@code path: problem (file line N)}. */
  void at(String path, String problem) {
    add(path + ": " + problem + where(path));
  }

  /** Adds {@code unknown key path (file line N)}. */
  void unknownKey(String path) {
    add("unknown key " + path + where(path));
  }

  private void add(String message) {
    if (messages.size() < MAX) {
      messages.add(message);
    }
  }

  private String where(String path) {
    Integer line = lines.get(path);
    return line == null ? "" : " (" + source + " line " + line + ")";
  }

  boolean isEmpty() {
    return messages.isEmpty();
  }

  /** Throws one exception whose message lists every problem, one per line. */
  void throwIfAny() throws ConfigException {
    if (!messages.isEmpty()) {
      throw new ConfigException(String.join("\n", messages));
    }
  }
}
