package org.apigw.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.buffer.Buffer;
import java.util.Map;
import java.util.Set;
import org.apigw.plugin.Json;
import org.apigw.plugin.Phase;
import org.apigw.plugin.Plugin;
import org.apigw.plugin.PluginContext;

/**
 * echo (412, header_filter + body_filter): replaces the response body with {@code body} (the
 * upstream's is dropped), puts {@code before_body} in front of it and {@code after_body} after it,
 * and sets {@code headers} on the response.
 */
public final class EchoPlugin implements Plugin<EchoPlugin.Config> {

  private static final String STARTED_ATTR = "echo.started";

  /** Typed conf; absent parts are null. */
  public record Config(Buffer before, Buffer body, Buffer after, Map<String, String> headers) {}

  @Override
  public String name() {
    return "echo";
  }

  @Override
  public int priority() {
    return 412;
  }

  @Override
  public Set<Phase> phases() {
    return Set.of(Phase.HEADER_FILTER, Phase.BODY_FILTER);
  }

  @Override
  public Config decode(JsonNode conf) {
    return new Config(buf(conf, "before_body"), buf(conf, "body"), buf(conf, "after_body"), Json.stringMap(conf, "headers"));
  }

  private static Buffer buf(JsonNode conf, String field) {
    String v = Json.text(conf, field, null);
    return v == null ? null : Buffer.buffer(v);
  }

  @Override
  public void headerFilter(Config conf, PluginContext ctx) {
    if (conf.body() != null || conf.before() != null || conf.after() != null) {
      ctx.removeResponseHeader("Content-Length");
      ctx.removeResponseHeader("ETag");
      ctx.removeResponseHeader("Last-Modified");
    }
    conf.headers().forEach(ctx::setResponseHeader);
  }

  @Override
  public Buffer bodyFilter(Config conf, PluginContext ctx, Buffer chunk, boolean last) {
    if (conf.body() != null) {
      if (!last) {
        return Buffer.buffer();
      }
      chunk = conf.body().copy();
    }
    if (conf.before() != null && ctx.attr(STARTED_ATTR) == null) {
      ctx.attr(STARTED_ATTR, Boolean.TRUE);
      chunk = conf.before().copy().appendBuffer(chunk);
    }
    if (last && conf.after() != null) {
      chunk = chunk.copy().appendBuffer(conf.after());
    }
    return chunk;
  }
}
