package org.apigw.snapshot;

import java.util.List;

/**
 * No usable snapshot: every candidate file was missing or failed verification. The message
 * lists each file and why it was refused; {@link #problems()} has the same lines one by one.
 */
public final class SnapshotException extends Exception {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;
  private final boolean missing;

  SnapshotException(String message, List<String> problems, boolean missing) {
    super(message);
    this.problems = List.copyOf(problems);
    this.missing = missing;
  }

  /** One {@code "<path>: <reason>"} line per file tried, in the order tried. */
  public List<String> problems() {
    return problems;
  }

  /**
   * True when no candidate file existed at all (a first start), as opposed to files that exist
   * but are damaged. Callers may treat the first as normal and the second as an alert.
   */
  public boolean missing() {
    return missing;
  }
}
