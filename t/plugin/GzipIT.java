package plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import lib.Bytes;
import lib.Http;
import lib.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** gzip as curl --compressed sees it: compressed when asked and worth it, identity otherwise. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GzipIT extends PluginITBase {

  @Test
  void compressesWhenAccepted_andDecompressesToTheEcho() {
    route("g1", "/g1", "{\"gzip\":{\"types\":[\"application/json\"],\"vary\":true,\"comp_level\":9}}");
    Http.Response r = eventually(() -> gw.proxy("/g1?x=1").header("Accept-Encoding", "gzip, deflate").get(), 200);
    assertEquals("gzip", r.header("Content-Encoding"), r.headers().map().toString());
    assertNull(r.header("Content-Length"));
    assertEquals("Accept-Encoding", r.header("Vary"));
    JsonNode echo = Json.parse(new String(gunzip(r.bytes()), StandardCharsets.UTF_8));
    assertEquals("/g1", echo.path("path").asText());
    assertEquals("x=1", echo.path("query").asText());
    assertEquals("gzip, deflate", echo.path("headers").path("accept-encoding").asText(), "the upstream sees the client's header");
  }

  @Test
  void identity_withoutAcceptEncoding_forOtherTypes_andSmallBodies() {
    route("g2", "/g2", "{\"gzip\":{\"types\":[\"application/json\"]}}");
    route("g3", "/g3", "{\"gzip\":{}}"); // default types: text/html only
    route("g4", "/g4", "{\"gzip\":{\"types\":\"*\",\"min_length\":100000}}");
    Http.Response plain = eventually(() -> gw.get("/g2"), 200);
    assertIdentity(plain);
    Http.Response refused = gw.proxy("/g2").header("Accept-Encoding", "gzip;q=0, br").get();
    assertIdentity(refused);
    Http.Response otherType = eventually(() -> gw.proxy("/g3").header("Accept-Encoding", "gzip").get(), 200);
    assertIdentity(otherType);
    Http.Response small = eventually(() -> gw.proxy("/g4").header("Accept-Encoding", "gzip").get(), 200);
    assertIdentity(small);
  }

  @Test
  void largeStreamedBody_compressedOnTheFly() throws IOException {
    long size = 3_000_000;
    route("g5", "/g5", "{\"gzip\":{\"types\":\"*\"}}");
    eventually(() -> gw.proxy("/g5?stream_bytes=10").header("Accept-Encoding", "gzip").get(), 200);
    HttpResponse<InputStream> r = gw.proxy("/g5?stream_bytes=" + size).header("Accept-Encoding", "gzip").sendStreaming();
    assertEquals(200, r.statusCode());
    assertEquals("gzip", r.headers().firstValue("Content-Encoding").orElse(null));
    Bytes.Digest d = Bytes.digest(new GZIPInputStream(r.body()));
    assertEquals(size, d.length());
    assertEquals(Bytes.patternSha256(size), d.sha256());
  }

  @Test
  void compressesWhatResponseRewriteProduced() {
    // nginx's gzip filter runs after the Lua filters: the rewrite sees plain text, the client gets gzip
    gw.put("/routes/g6", "{\"uri\":\"/g6\",\"plugins\":{\"gzip\":{\"types\":[\"application/json\"]},"
        + "\"response-rewrite\":{\"filters\":[{\"regex\":\"\\\"server\\\":\\\"up\\\"\",\"replace\":\"\\\"server\\\":\\\"rewritten\\\"\"}]}},"
        + upstream() + "}");
    Http.Response r = eventually(() -> gw.proxy("/g6").header("Accept-Encoding", "gzip").get(), 200);
    assertEquals("gzip", r.header("Content-Encoding"));
    JsonNode echo = Json.parse(new String(gunzip(r.bytes()), StandardCharsets.UTF_8));
    assertEquals("rewritten", echo.path("server").asText());
  }

  @Test
  void gatewayOwnResponse_compressedToo() {
    gw.put("/routes/g7", "{\"uri\":\"/g7\",\"plugins\":{\"gzip\":{\"types\":[\"text/plain\"]},"
        + "\"fault-injection\":{\"abort\":{\"http_status\":403,\"body\":\"forbidden by fault injection, long enough\","
        + "\"headers\":{\"Content-Type\":\"text/plain\"}}}}," + upstream() + "}");
    Http.Response r = eventually(() -> gw.proxy("/g7").header("Accept-Encoding", "gzip").get(), 403);
    assertEquals("gzip", r.header("Content-Encoding"), r.headers().map().toString());
    assertEquals("forbidden by fault injection, long enough", new String(gunzip(r.bytes()), StandardCharsets.UTF_8));
  }

  @Test
  void schemaErrors() {
    assertAdminError("/routes/bad", "{\"uri\":\"/b\",\"plugins\":{\"gzip\":{\"comp_level\":10}}," + upstream() + "}",
        "failed to check the configuration of plugin gzip err: property \"comp_level\" validation failed: expected 10 to be at most 9");
    assertAdminError("/routes/bad", "{\"uri\":\"/b\",\"plugins\":{\"gzip\":{\"min_length\":0}}," + upstream() + "}",
        "failed to check the configuration of plugin gzip err: property \"min_length\" validation failed: expected 0 to be at least 1");
    Http.Response r = gw.admin("PUT", "/routes/bad", "{\"uri\":\"/b\",\"plugins\":{\"gzip\":{\"types\":\"text/html\"}}," + upstream() + "}");
    assertEquals(400, r.status(), r.toString());
    assertTrue(r.json().path("error_msg").asText().startsWith("failed to check the configuration of plugin gzip err: property \"types\""),
        r.toString());
  }

  private static void assertIdentity(Http.Response r) {
    assertEquals(200, r.status(), r.toString());
    assertNull(r.header("Content-Encoding"), r.headers().map().toString());
    assertNotNull(r.header("Content-Length"));
    assertEquals("up", r.json().path("server").asText());
  }

  private static byte[] gunzip(byte[] gz) {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
