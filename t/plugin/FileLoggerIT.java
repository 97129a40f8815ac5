package plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import lib.Http;
import lib.Json;
import org.apigw.testing.Deadline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FileLoggerIT extends PluginITBase {

  @TempDir static Path dir;

  static List<JsonNode> entries(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file).stream().map(Json::parse).toList() : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<JsonNode> awaitEntries(Path file, int atLeast) {
    return Deadline.untilPasses(CONVERGE, () -> {
      List<JsonNode> lines = entries(file);
      assertTrue(lines.size() >= atLeast, file + ": " + lines);
      return lines;
    });
  }

  static String quoted(Path p) {
    return "\"" + p.toString().replace("\\", "\\\\") + "\"";
  }

  @Test
  void oneJsonLinePerRequest() {
    Path file = dir.resolve("logs/access.log");
    route("fl1", "/fl1", "{\"file-logger\":{\"path\":" + quoted(file) + "}}");
    eventually(() -> gw.get("/fl1"), 200);
    gw.get("/fl1?status=404");
    List<JsonNode> lines = Deadline.untilPasses(CONVERGE, () -> {
      List<JsonNode> l = awaitEntries(file, 1);
      assertEquals(404, l.get(l.size() - 1).path("response").path("status").asInt(), l.toString());
      return l;
    });
    JsonNode last = lines.get(lines.size() - 1);
    assertEquals("/fl1?status=404", last.path("request").path("uri").asText());
    assertEquals("fl1", last.path("route_id").asText());
    assertEquals(up.node(), last.path("upstream").asText());
    assertTrue(last.path("latency").isNumber(), last.toString());
  }

  @Test
  void pluginMetadata_logFormat_appliesToConfsWithoutTheirOwn() {
    Path file = dir.resolve("metadata.log");
    assertAdminError("/plugin_metadata/file-logger", "{\"log_format\":\"$uri\"}",
        "invalid configuration: property \"log_format\" validation failed: wrong type: expected object, got string");
    gw.put("/plugin_metadata/file-logger", "{\"log_format\":{\"path\":\"$uri\",\"via\":\"metadata\"}}");
    try {
      route("flm", "/flm", "{\"file-logger\":{\"path\":" + quoted(file) + "}}");
      eventually(() -> gw.get("/flm"), 200);
      JsonNode line = Deadline.untilPasses(CONVERGE, () -> {
        List<JsonNode> l = awaitEntries(file, 1);
        JsonNode last = l.get(l.size() - 1);
        assertEquals("metadata", last.path("via").asText(), l.toString());
        return last;
      });
      assertEquals("/flm", line.path("path").asText());
      assertTrue(line.path("request").isMissingNode(), "the metadata format replaces the full log: " + line);
      assertEquals("file-logger", gw.admin("GET", "/plugin_metadata/file-logger", null).json().at("/value/id").asText());
    } finally {
      gw.delete("/plugin_metadata/file-logger");
    }
  }

  @Test
  void match_selectsRequests_andLogFormat() {
    Path file = dir.resolve("matched.log");
    route("fl2", "/fl2", "{\"file-logger\":{\"path\":" + quoted(file) + ",\"match\":[[\"arg_log\",\"==\",\"yes\"]],"
        + "\"log_format\":{\"uri\":\"$uri\",\"status\":\"$status\",\"sent\":\"$bytes_sent\"}}}");
    eventually(() -> gw.get("/fl2?log=no"), 200);
    gw.get("/fl2?log=yes");
    List<JsonNode> lines = awaitEntries(file, 1);
    assertEquals(1, lines.size(), "only the matching request: " + lines);
    JsonNode line = lines.get(0);
    assertEquals("/fl2", line.path("uri").asText());
    assertEquals("200", line.path("status").asText());
    assertTrue(Long.parseLong(line.path("sent").asText()) > 0, line.toString());
    assertEquals("fl2", line.path("route_id").asText());
  }

  @Test
  void fileMovedAway_isReopened() throws IOException {
    Path file = dir.resolve("rotate.log");
    route("fl3", "/fl3", "{\"file-logger\":{\"path\":" + quoted(file) + "}}");
    eventually(() -> gw.get("/fl3"), 200);
    awaitEntries(file, 1);
    Path rotated = dir.resolve("rotate.log.1");
    Files.move(file, rotated);
    gw.get("/fl3?after=rotation");
    List<JsonNode> fresh = awaitEntries(file, 1);
    assertEquals("/fl3?after=rotation", fresh.get(0).path("request").path("uri").asText());
    assertTrue(entries(rotated).stream().noneMatch(e -> e.toString().contains("after=rotation")));
  }

  @Test
  void schemaError() {
    assertAdminError("/routes/bad", "{\"uri\":\"/b\",\"plugins\":{\"file-logger\":{}}," + upstream() + "}",
        "failed to check the configuration of plugin file-logger err: property \"path\" is required");
    Http.Response r = gw.admin("PUT", "/routes/bad",
        "{\"uri\":\"/b\",\"plugins\":{\"file-logger\":{\"path\":\"x.log\",\"match\":[[\"arg_a\",\"~~\",\"(\"]]}}," + upstream() + "}");
    assertEquals(400, r.status(), r.toString());
    assertTrue(r.json().path("error_msg").asText().startsWith("failed to check the configuration of plugin file-logger err: match: "),
        r.toString());
  }
}
