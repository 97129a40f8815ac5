package org.apigw.plugins;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.apigw.plugin.FakeContext;
import org.junit.jupiter.api.Test;

class GzipBodyTest {

  // ---- the stream ----

  @Test
  void stream_chunkByChunk_decompressesToTheInput() throws IOException {
    byte[] body = text(300_000);
    GzipStream gz = new GzipStream(1, 4096);
    Buffer out = Buffer.buffer();
    int produced = 0;
    for (int off = 0; off < body.length; off += 7_000) {
      Buffer piece = gz.update(Buffer.buffer().appendBytes(body, off, Math.min(7_000, body.length - off)), false);
      produced += piece.length();
      out.appendBuffer(piece);
    }
    assertTrue(produced > 0, "output streams before the end, the body is not held back whole");
    out.appendBuffer(gz.update(Buffer.buffer(), true));
    assertArrayEquals(body, gunzip(out.getBytes()));
    assertTrue(out.length() < body.length / 3, "compressed: " + out.length());
  }

  @Test
  void stream_emptyBody_isAValidGzipMember() throws IOException {
    GzipStream gz = new GzipStream(9, 256);
    byte[] out = gz.update(Buffer.buffer(), true).getBytes();
    assertEquals(0x1f, out[0] & 0xff);
    assertEquals(0x8b, out[1] & 0xff);
    assertEquals(0, gunzip(out).length);
  }

  @Test
  void stream_incompressibleData_andUseAfterFinish() throws IOException {
    byte[] noise = new byte[50_000];
    new Random(7).nextBytes(noise);
    GzipStream gz = new GzipStream(6, 512);
    Buffer out = gz.update(Buffer.buffer(noise), false).appendBuffer(gz.update(Buffer.buffer(), true));
    assertArrayEquals(noise, gunzip(out.getBytes()));
    assertThrows(IllegalStateException.class, () -> gz.update(Buffer.buffer("x"), true));
    gz.close(); // idempotent
  }

  // ---- the decisions ----

  @Test
  void acceptEncoding_parsing() {
    assertTrue(GzipPlugin.acceptsGzip("gzip"));
    assertTrue(GzipPlugin.acceptsGzip("deflate, GZIP;q=0.5, br"));
    assertTrue(GzipPlugin.acceptsGzip("br;q=1.0, gzip ; q=1"));
    assertFalse(GzipPlugin.acceptsGzip(null));
    assertFalse(GzipPlugin.acceptsGzip("identity"));
    assertFalse(GzipPlugin.acceptsGzip("gzip;q=0"));
    assertFalse(GzipPlugin.acceptsGzip("gzip;q=0.000"));
    assertFalse(GzipPlugin.acceptsGzip("x-gzipped, deflate"));
  }

  @Test
  void compressible_followsNginxRules() {
    GzipPlugin p = new GzipPlugin();
    var conf = p.decode(PluginLogicTest.json("{'types':['text/html','application/json'],'min_length':100}"));
    assertTrue(GzipPlugin.compressible(conf, 200, "text/html; charset=utf-8", null, "100"));
    assertTrue(GzipPlugin.compressible(conf, 404, "Application/JSON", null, null), "unknown length: no min_length check");
    assertFalse(GzipPlugin.compressible(conf, 200, "text/html", null, "99"), "shorter than min_length");
    assertFalse(GzipPlugin.compressible(conf, 200, "text/plain", null, "1000"), "type not listed");
    assertFalse(GzipPlugin.compressible(conf, 200, null, null, "1000"), "no content type");
    assertFalse(GzipPlugin.compressible(conf, 200, "text/html", "br", "1000"), "already encoded");
    assertFalse(GzipPlugin.compressible(conf, 500, "text/html", null, "1000"), "only 200, 403, 404");
    var any = p.decode(PluginLogicTest.json("{'types':'*'}"));
    assertTrue(GzipPlugin.compressible(any, 403, "image/x-anything", null, "20"));
    var defaults = p.decode(PluginLogicTest.json("{}"));
    assertEquals(20, defaults.minLength());
    assertEquals(1, defaults.level());
    assertEquals(1.1, defaults.httpVersion());
    assertFalse(defaults.vary());
    assertFalse(GzipPlugin.compressible(defaults, 200, "application/json", null, "5000"), "default types: text/html only");
  }

  @Test
  void headerFilter_registersEncoder_onlyForRequestsThatMayBeCompressed() {
    GzipPlugin p = new GzipPlugin();
    var conf = p.decode(PluginLogicTest.json("{'http_version':1.1}"));
    FakeContext none = new FakeContext();
    p.headerFilter(conf, none);
    assertNull(none.encoder, "no Accept-Encoding");
    FakeContext head = new FakeContext().header("Accept-Encoding", "gzip");
    head.method = "HEAD";
    p.headerFilter(conf, head);
    assertNull(head.encoder);
    FakeContext old = new FakeContext().header("Accept-Encoding", "gzip");
    old.vars.put("server_protocol", "HTTP/1.0");
    p.headerFilter(conf, old);
    assertNull(old.encoder, "HTTP/1.0 below http_version 1.1");
    var conf10 = p.decode(PluginLogicTest.json("{'http_version':1.0}"));
    p.headerFilter(conf10, old);
    assertNotNull(old.encoder);
  }

  @Test
  void encoder_setsHeaders_andCompresses() throws IOException {
    GzipPlugin p = new GzipPlugin();
    var conf = p.decode(PluginLogicTest.json("{'vary':true}"));
    FakeContext ctx = new FakeContext().header("Accept-Encoding", "gzip, br");
    p.headerFilter(conf, ctx);
    ctx.status = 200;
    ctx.responseHeaders.set("Content-Type", "text/html").set("Content-Length", "1000").set("ETag", "\"abc\"")
        .set("Accept-Ranges", "bytes").set("Vary", "Origin");
    assertTrue(ctx.encoder.begin(ctx));
    assertEquals("gzip", ctx.responseHeader("Content-Encoding"));
    assertNull(ctx.responseHeader("Content-Length"));
    assertNull(ctx.responseHeader("Accept-Ranges"));
    assertEquals("W/\"abc\"", ctx.responseHeader("ETag"));
    assertEquals(java.util.List.of("Origin", "Accept-Encoding"), ctx.responseHeaders.getAll("Vary"));
    byte[] body = text(1000);
    Buffer out = ctx.encoder.encode(Buffer.buffer(body), false).appendBuffer(ctx.encoder.encode(Buffer.buffer(), true));
    ctx.encoder.close();
    assertArrayEquals(body, gunzip(out.getBytes()));

    FakeContext small = new FakeContext().header("Accept-Encoding", "gzip");
    p.headerFilter(conf, small);
    small.status = 200;
    small.responseHeaders.set("Content-Type", "text/html").set("Content-Length", "19");
    assertFalse(small.encoder.begin(small));
    assertEquals("19", small.responseHeader("Content-Length"));
    assertNull(small.responseHeader("Content-Encoding"));
    assertNull(small.responseHeader("Vary"));
  }

  static byte[] text(int n) {
    StringBuilder b = new StringBuilder(n);
    int i = 0;
    while (b.length() < n) {
      b.append("<p>line ").append(i++).append(" of a very compressible page</p>\n");
    }
    return b.substring(0, n).getBytes(StandardCharsets.UTF_8);
  }

  static byte[] gunzip(byte[] gz) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    }
  }
}
