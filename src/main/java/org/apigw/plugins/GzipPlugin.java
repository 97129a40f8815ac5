package org.apigw.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.buffer.Buffer;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.apigw.plugin.Json;
import org.apigw.plugin.Phase;
import org.apigw.plugin.Plugin;
import org.apigw.plugin.PluginContext;
import org.apigw.plugin.ResponseEncoder;

/**
 * gzip (995, header_filter): compresses responses as APISIX does by switching on nginx's gzip
 * filter for the request. Like that filter the compression runs after every plugin's filters
 * ({@link ResponseEncoder}) and streams chunk by chunk ({@link GzipStream}).
 *
 * <p>A response is compressed when the client accepts gzip ({@code Accept-Encoding} lists it
 * with a non-zero q), the request is not HEAD and its HTTP version is at least {@code
 * http_version}, and — decided after all header filters — the status is 200, 403 or 404 (nginx's
 * rule), there is no Content-Encoding yet, the Content-Type without parameters is one of {@code
 * types} (any with {@code "*"}; a response without Content-Type is left alone), and the
 * Content-Length, when known, is at least {@code min_length}. Then Content-Encoding becomes gzip,
 * Content-Length and Accept-Ranges go, a strong ETag turns weak, and {@code vary} adds {@code
 * Vary: Accept-Encoding}. {@code buffers.size} is the size of each piece of compressed output
 * (at least 256 bytes); {@code buffers.number} is accepted for compatibility: output is sent as
 * it is produced, never held in a fixed pool. nginx's {@code gzip_proxied} (no compression when
 * the request has a Via header) is not reproduced.
 */
public final class GzipPlugin implements Plugin<GzipPlugin.Config> {

  private static final int MIN_BUFFER = 256;

  /**
   * Typed conf.
   *
   * @param types lower-case media types, null for any
   * @param httpVersion e.g. 1.1: older requests are not compressed
   */
  public record Config(Set<String> types, long minLength, int level, double httpVersion, int bufferSize, boolean vary) {}

  @Override
  public String name() {
    return "gzip";
  }

  @Override
  public int priority() {
    return 995;
  }

  @Override
  public Set<Phase> phases() {
    return Set.of(Phase.HEADER_FILTER);
  }

  @Override
  public Config decode(JsonNode conf) {
    Set<String> types = null;
    JsonNode t = conf.get("types");
    if (t == null) {
      types = Set.of("text/html");
    } else if (t.isArray()) {
      Set<String> list = new HashSet<>();
      t.forEach(item -> list.add(item.asText().trim().toLowerCase(Locale.ROOT)));
      types = Set.copyOf(list);
    }
    JsonNode buffers = conf.path("buffers");
    return new Config(
        types,
        conf.path("min_length").asLong(20),
        Json.integer(conf, "comp_level", 1),
        conf.path("http_version").asDouble(1.1),
        Math.max(MIN_BUFFER, buffers.path("size").asInt(4096)),
        Json.bool(conf, "vary", false));
  }

  @Override
  public void headerFilter(Config conf, PluginContext ctx) {
    if ("HEAD".equals(ctx.method()) || !acceptsGzip(ctx.header("Accept-Encoding"))) {
      return;
    }
    if (httpVersion(ctx.var("server_protocol")) < conf.httpVersion()) {
      return;
    }
    ctx.encodeResponseBody(new Encoder(conf));
  }

  /** Whether an Accept-Encoding value lists gzip with a q-value above zero. */
  static boolean acceptsGzip(String acceptEncoding) {
    if (acceptEncoding == null) {
      return false;
    }
    for (String part : acceptEncoding.split(",")) {
      String[] params = part.split(";");
      if (!params[0].trim().equalsIgnoreCase("gzip")) {
        continue;
      }
      for (int i = 1; i < params.length; i++) {
        String p = params[i].trim();
        if (p.length() > 2 && (p.charAt(0) == 'q' || p.charAt(0) == 'Q') && p.charAt(1) == '=') {
          try {
            return Double.parseDouble(p.substring(2).trim()) > 0;
          } catch (NumberFormatException e) {
            return false;
          }
        }
      }
      return true;
    }
    return false;
  }

  /** {@code HTTP/1.0} -> 1.0; unknown -> 1.1 (what the gateway speaks by default). */
  static double httpVersion(String protocol) {
    if (protocol == null || !protocol.startsWith("HTTP/")) {
      return 1.1;
    }
    try {
      return Double.parseDouble(protocol.substring(5));
    } catch (NumberFormatException e) {
      return 1.1;
    }
  }

  /** Whether the response, as the header filters left it, is one to compress. */
  static boolean compressible(Config conf, int status, String contentType, String contentEncoding, String contentLength) {
    if (status != 200 && status != 403 && status != 404) {
      return false;
    }
    if (contentEncoding != null && !contentEncoding.isEmpty()) {
      return false;
    }
    if (contentType == null) {
      return false; // like nginx: unknown content is not compressed
    }
    if (conf.types() != null) {
      int semicolon = contentType.indexOf(';');
      String mediaType = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
      if (!conf.types().contains(mediaType)) {
        return false;
      }
    }
    if (contentLength != null) {
      try {
        return Long.parseLong(contentLength.trim()) >= conf.minLength();
      } catch (NumberFormatException e) {
        return true; // not a length nginx would know: it checks min_length only for known ones
      }
    }
    return true;
  }

  /** One response's compression, from the final headers to the trailer. */
  private static final class Encoder implements ResponseEncoder {
    private final Config conf;
    private GzipStream stream;

    Encoder(Config conf) {
      this.conf = conf;
    }

    @Override
    public boolean begin(PluginContext ctx) {
      if (!compressible(conf, ctx.status(), ctx.responseHeader("Content-Type"), ctx.responseHeader("Content-Encoding"),
          ctx.responseHeader("Content-Length"))) {
        return false;
      }
      ctx.setResponseHeader("Content-Encoding", "gzip");
      ctx.removeResponseHeader("Content-Length");
      ctx.removeResponseHeader("Accept-Ranges");
      String etag = ctx.responseHeader("ETag");
      if (etag != null && !etag.startsWith("W/")) {
        // the bytes change, so a strong validator would lie; nginx keeps it as a weak one
        if (etag.startsWith("\"")) {
          ctx.setResponseHeader("ETag", "W/" + etag);
        } else {
          ctx.removeResponseHeader("ETag");
        }
      }
      if (conf.vary()) {
        ctx.addResponseHeader("Vary", "Accept-Encoding");
      }
      stream = new GzipStream(conf.level(), conf.bufferSize());
      return true;
    }

    @Override
    public Buffer encode(Buffer chunk, boolean last) {
      return stream.update(chunk, last);
    }

    @Override
    public void close() {
      if (stream != null) {
        stream.close();
      }
    }
  }
}
