package org.apigw.plugin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small helpers plugins use when decoding their conf (never on the request path). */
public final class Json {

  public static final JsonMapper MAPPER = JsonMapper.builder().build();

  private Json() {}

  /**
   * {@code node} without {@code field}: the node itself when it has none, else a copy (the
   * parsed tree is shared and never modified), e.g. a plugin conf without its {@code _meta}.
   */
  public static JsonNode without(JsonNode node, String field) {
    if (node == null || !node.has(field)) {
      return node;
    }
    ObjectNode copy = ((ObjectNode) node).deepCopy();
    copy.remove(field);
    return copy;
  }

  public static String quote(String text) {
    try {
      return MAPPER.writeValueAsString(TextNode.valueOf(text));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String text(JsonNode conf, String field, String fallback) {
    JsonNode v = conf.get(field);
    return v == null || v.isNull() ? fallback : v.asText();
  }

  public static int integer(JsonNode conf, String field, int fallback) {
    JsonNode v = conf.get(field);
    return v == null || v.isNull() ? fallback : v.asInt();
  }

  public static boolean bool(JsonNode conf, String field, boolean fallback) {
    JsonNode v = conf.get(field);
    return v == null || v.isNull() ? fallback : v.asBoolean();
  }

  /** An array of strings; empty when absent. */
  public static List<String> strings(JsonNode conf, String field) {
    JsonNode v = conf.get(field);
    List<String> out = new ArrayList<>();
    if (v != null && v.isArray()) {
      v.forEach(item -> out.add(item.asText()));
    }
    return List.copyOf(out);
  }

  /** An object of scalar values as text, in declaration order; empty when absent. */
  public static Map<String, String> stringMap(JsonNode conf, String field) {
    JsonNode v = conf.get(field);
    Map<String, String> out = new LinkedHashMap<>();
    if (v != null && v.isObject()) {
      v.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    }
    return java.util.Collections.unmodifiableMap(out);
  }
}
