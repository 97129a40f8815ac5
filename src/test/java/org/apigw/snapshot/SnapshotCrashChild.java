package org.apigw.snapshot;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Child process for {@link SnapshotCrashTest}: writes snapshots to {@code args[0]} in a tight
 * loop, revisions counting up from {@code args[1]}, until it is killed. Prints {@code ready} after
 * the first completed write. Every value embeds its generation's revision so the parent can tell
 * a mixed generation from a complete one.
 */
public final class SnapshotCrashChild {
  private SnapshotCrashChild() {}

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    long revision = Long.parseLong(args[1]);
    boolean announced = false;
    while (true) {
      SnapshotFile.write(file, generation(revision));
      if (!announced) {
        System.out.println("ready");
        System.out.flush();
        announced = true;
      }
      revision++;
    }
  }

  static final int ENTRIES = 400;

  static SnapshotData generation(long revision) {
    List<SnapshotEntry> entries = new ArrayList<>(ENTRIES);
    for (int i = 0; i < ENTRIES; i++) {
      entries.add(new SnapshotEntry(String.format("/apisix/routes/%05d", i), value(revision, i),
          1 + i, revision));
    }
    return SnapshotData.of(revision, 42, Instant.now(), entries);
  }

  static String value(long revision, int i) {
    return "{\"uri\":\"/r/" + i + "\",\"rev\":" + revision + ",\"pad\":\"" + "x".repeat(100) + "\"}";
  }
}
