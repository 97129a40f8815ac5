package org.apigw.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.buffer.Buffer;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apigw.Gateway;
import org.apigw.plugin.Json;
import org.apigw.plugin.Phase;
import org.apigw.plugin.PhaseResult;
import org.apigw.plugin.Plugin;
import org.apigw.plugin.PluginContext;

/**
 * mocking (10900, access): answers from the gateway without reaching the upstream, with {@code
 * response_status}, {@code content_type}, {@code response_headers} and either {@code
 * response_example} (sent as is) or a minimal value generated from {@code response_schema} (JSON
 * only: {@code example}, {@code default} or the first {@code enum} value when present, otherwise
 * a fixed value of the declared type). {@code delay} seconds are waited first; {@code
 * with_mock_header} (default true) adds {@code x-mock-by: APISIX/<version>}. response_example wins
 * over response_schema, as in APISIX.
 */
public final class MockingPlugin implements Plugin<MockingPlugin.Config> {

  /** Typed conf: the response is fixed at decode time. */
  public record Config(long delayMillis, PhaseResult.Respond response) {}

  @Override
  public String name() {
    return "mocking";
  }

  @Override
  public int priority() {
    return 10900;
  }

  @Override
  public Set<Phase> phases() {
    return Set.of(Phase.ACCESS);
  }

  @Override
  public Config decode(JsonNode conf) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", Json.text(conf, "content_type", "application/json;charset=utf8"));
    if (Json.bool(conf, "with_mock_header", true)) {
      headers.put("x-mock-by", "APISIX/" + Gateway.VERSION);
    }
    headers.putAll(Json.stringMap(conf, "response_headers"));
    String body;
    if (conf.hasNonNull("response_example")) {
      body = conf.get("response_example").asText();
    } else {
      body = generate(conf.get("response_schema")).toString();
    }
    PhaseResult.Respond response =
        new PhaseResult.Respond(
            Json.integer(conf, "response_status", 200),
            java.util.Collections.unmodifiableMap(headers),
            Buffer.buffer(body));
    return new Config(Math.max(0, Json.integer(conf, "delay", 0)) * 1000L, response);
  }

  /** A minimal JSON value satisfying the common keywords of {@code schema}. */
  static JsonNode generate(JsonNode schema) {
    var f = Json.MAPPER.getNodeFactory();
    if (schema == null || !schema.isObject()) {
      return f.nullNode();
    }
    if (schema.has("example")) {
      return schema.get("example");
    }
    if (schema.has("default")) {
      return schema.get("default");
    }
    if (schema.path("enum").isArray() && schema.get("enum").size() > 0) {
      return schema.get("enum").get(0);
    }
    JsonNode typeNode = schema.get("type");
    String type = typeNode == null ? (schema.has("properties") ? "object" : schema.has("items") ? "array" : "string")
        : typeNode.isArray() ? typeNode.path(0).asText("string") : typeNode.asText();
    switch (type) {
      case "object": {
        var obj = f.objectNode();
        JsonNode props = schema.get("properties");
        if (props != null && props.isObject()) {
          for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            obj.set(e.getKey(), generate(e.getValue()));
          }
        }
        return obj;
      }
      case "array": {
        var arr = f.arrayNode();
        int n = Math.max(1, schema.path("minItems").asInt(1));
        for (int i = 0; i < n; i++) {
          arr.add(generate(schema.get("items")));
        }
        return arr;
      }
      case "integer":
        return f.numberNode(Math.max(0, schema.path("minimum").asLong(0)));
      case "number":
        return f.numberNode(Math.max(0.0, schema.path("minimum").asDouble(0)));
      case "boolean":
        return f.booleanNode(true);
      case "null":
        return f.nullNode();
      default: {
        int min = schema.path("minLength").asInt(0);
        int max = schema.path("maxLength").asInt(Integer.MAX_VALUE);
        int len = Math.min(Math.max(min, 6), max);
        return f.textNode("a".repeat(Math.max(0, len)));
      }
    }
  }

  @Override
  public PhaseResult access(Config conf, PluginContext ctx) {
    if (conf.delayMillis() > 0) {
      return new PhaseResult.Async(ctx.timer(conf.delayMillis()).map(v -> conf.response()));
    }
    return conf.response();
  }
}
