package org.apigw.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apigw.resource.ResourceType;
import org.apigw.snapshot.SnapshotData;
import org.apigw.snapshot.SnapshotEntry;
import org.junit.jupiter.api.Test;

class SnapshotCommandTest {

  @Test
  void resourceTypeOf_anyPrefix_onlyDirectChildren() {
    assertEquals(Optional.of(ResourceType.ROUTES), SnapshotCommand.resourceTypeOf("/apisix/routes/1"));
    assertEquals(Optional.of(ResourceType.PLUGIN_CONFIGS), SnapshotCommand.resourceTypeOf("/gw/a/plugin_configs/x"));
    assertEquals(Optional.empty(), SnapshotCommand.resourceTypeOf("/apisix/routes/"));
    assertEquals(Optional.empty(), SnapshotCommand.resourceTypeOf("/apisix/plugins"));
    assertEquals(Optional.empty(), SnapshotCommand.resourceTypeOf("/apisix/ssls/1"));
    assertEquals(Optional.of(ResourceType.CREDENTIALS), SnapshotCommand.resourceTypeOf("/apisix/consumers/jack/credentials/c1"));
    assertEquals(Optional.empty(), SnapshotCommand.resourceTypeOf("/apisix/routes/jack/credentials/c1"));
    assertEquals(Optional.of(ResourceType.CONSUMER_GROUPS), SnapshotCommand.resourceTypeOf("/apisix/consumer_groups/g"));
  }

  @Test
  void age_isHumanReadable_andFlagsAFutureTime() {
    Instant t = Instant.parse("2026-11-23T10:00:00Z");
    assertEquals("42 s ago", SnapshotCommand.age(t, t.plusSeconds(42)));
    assertEquals("1h 2m 3s ago", SnapshotCommand.age(t, t.plusSeconds(3723)));
    assertEquals("2d 0h 0m 5s ago", SnapshotCommand.age(t, t.plusSeconds(2 * 86400 + 5)));
    assertTrue(SnapshotCommand.age(t, t.minusSeconds(90)).startsWith("in the future by 1m 30s"));
  }

  @Test
  void describe_countsPerTypeAndNamesOtherKeys() {
    Instant t = Instant.parse("2026-11-23T10:00:00Z");
    SnapshotData data =
        SnapshotData.of(
            42, 0xabcL, t,
            List.of(
                new SnapshotEntry("/apisix/routes/1", "{}", 2, 2),
                new SnapshotEntry("/apisix/routes/2", "{}", 3, 3),
                new SnapshotEntry("/apisix/upstreams/u", "{}", 4, 4),
                new SnapshotEntry("/apisix/plugins", "[]", 5, 5)));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    SnapshotCommand.describe(Path.of("/x/s.json"), data, t.plusSeconds(5), new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("revision:       42\n"), out);
    assertTrue(out.contains("cluster_id:     abc\n"), out);
    assertTrue(out.contains("(5 s ago)"), out);
    assertTrue(out.contains("entries:        4\n"), out);
    assertTrue(out.matches("(?s).*routes +2\n.*upstreams +1\n.*consumers +0\n.*other keys +1\n    /apisix/plugins\n.*"), out);
  }
}
