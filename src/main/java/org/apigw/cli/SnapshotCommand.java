package org.apigw.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apigw.resource.ResourceType;
import org.apigw.snapshot.SnapshotData;
import org.apigw.snapshot.SnapshotEntry;
import org.apigw.snapshot.SnapshotException;
import org.apigw.snapshot.SnapshotFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code apisix snapshot inspect|verify <file>}: look at a config snapshot file (as written by
 * a node to {@code deployment.config_snapshot.path}) without starting anything. Both check the
 * one file named, with no fallback to its {@code .bak}; exit 0 when it is valid, 1 (with the
 * reason on stderr) when it is not, 2 on bad usage.
 */
@Command(
    name = "snapshot",
    description = "Inspect or verify a config snapshot file.",
    subcommands = {SnapshotCommand.Inspect.class, SnapshotCommand.Verify.class})
final class SnapshotCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(System.err);
    return 2;
  }

  /** Reads and verifies {@code file}; on failure prints the reason and returns null. */
  static SnapshotData load(Path file) {
    try {
      return SnapshotFile.verify(file.toAbsolutePath().normalize());
    } catch (SnapshotException e) {
      System.err.println(e.getMessage());
      return null;
    }
  }

  @Command(
      name = "verify",
      description = "Check one snapshot file (format, entry count, key order, checksum): prints ok, or the reason and exits 1.")
  static final class Verify implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "the snapshot file, e.g. logs/config-snapshot.json")
    Path file;

    @Override
    public Integer call() {
      SnapshotData data = load(file);
      if (data == null) {
        return 1;
      }
      System.out.println(
          "ok: " + file.toAbsolutePath().normalize() + " (format_version " + data.formatVersion() + ", revision "
              + data.revision() + ", " + data.entries().size() + " entries)");
      return 0;
    }
  }

  @Command(
      name = "inspect",
      description = "Verify one snapshot file and describe it: format, revision, cluster, age, keys per resource type.")
  static final class Inspect implements Callable<Integer> {
    /** How many keys that are not resources are named; the rest are only counted. */
    static final int OTHER_KEYS_SHOWN = 10;

    @Parameters(paramLabel = "FILE", description = "the snapshot file, e.g. logs/config-snapshot.json")
    Path file;

    @Override
    public Integer call() {
      SnapshotData data = load(file);
      if (data == null) {
        return 1;
      }
      describe(file.toAbsolutePath().normalize(), data, Instant.now(), System.out);
      return 0;
    }
  }

  static void describe(Path file, SnapshotData data, Instant now, PrintStream out) {
    Map<ResourceType, Integer> counts = new EnumMap<>(ResourceType.class);
    for (ResourceType type : ResourceType.values()) {
      counts.put(type, 0);
    }
    List<String> others = new ArrayList<>();
    for (SnapshotEntry entry : data.entries()) {
      Optional<ResourceType> type = resourceTypeOf(entry.key());
      if (type.isPresent()) {
        counts.merge(type.get(), 1, Integer::sum);
      } else {
        others.add(entry.key());
      }
    }
    out.println("file:           " + file);
    out.println("format_version: " + data.formatVersion());
    out.println("revision:       " + data.revision());
    out.println("cluster_id:     " + Long.toHexString(data.clusterId()));
    out.println("written_at:     " + data.writtenAt() + " (" + age(data.writtenAt(), now) + ")");
    out.println("entries:        " + data.entries().size());
    for (Map.Entry<ResourceType, Integer> e : counts.entrySet()) {
      out.printf("  %-16s %d%n", e.getKey().collection(), e.getValue());
    }
    out.printf("  %-16s %d%n", "other keys", others.size());
    for (String key : others.subList(0, Math.min(others.size(), Inspect.OTHER_KEYS_SHOWN))) {
      out.println("    " + key);
    }
    if (others.size() > Inspect.OTHER_KEYS_SHOWN) {
      out.println("    ... and " + (others.size() - Inspect.OTHER_KEYS_SHOWN) + " more");
    }
  }

  /**
   * The resource type of {@code <prefix>/<dir>/<id>} whatever the prefix (a snapshot does not
   * record it); empty for directory placeholders and APISIX keys this build does not serve
   * ({@code /apisix/plugins}, {@code ssls}, ...).
   */
  static Optional<ResourceType> resourceTypeOf(String key) {
    int last = key.lastIndexOf('/');
    if (last <= 0 || last == key.length() - 1) {
      return Optional.empty();
    }
    int before = key.lastIndexOf('/', last - 1);
    String dir = key.substring(before + 1, last);
    if (dir.equals("credentials")) {
      int consumer = key.lastIndexOf('/', before - 1);
      int consumers = consumer <= 0 ? -1 : key.lastIndexOf('/', consumer - 1);
      return consumers >= 0 && key.substring(consumers + 1, consumer).equals("consumers")
          ? Optional.of(ResourceType.CREDENTIALS)
          : Optional.empty();
    }
    return ResourceType.fromDir(dir);
  }

  static String age(Instant writtenAt, Instant now) {
    Duration d = Duration.between(writtenAt, now);
    if (d.isNegative()) {
      return "in the future by " + human(d.negated()) + ": check the clocks";
    }
    return human(d) + " ago";
  }

  private static String human(Duration d) {
    long s = d.toSeconds();
    if (s < 60) {
      return s + " s";
    }
    StringBuilder out = new StringBuilder();
    if (s >= 86_400) {
      out.append(s / 86_400).append("d ");
    }
    if (s >= 3_600) {
      out.append(s % 86_400 / 3_600).append("h ");
    }
    out.append(s % 3_600 / 60).append("m ").append(s % 60).append("s");
    return out.toString();
  }
}
