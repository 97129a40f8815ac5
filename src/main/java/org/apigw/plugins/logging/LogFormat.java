package org.apigw.plugins.logging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apigw.plugin.Json;
import org.apigw.plugin.PluginContext;

/**
 * A logger's {@code log_format}, compiled once per conf: each field is either a variable (a
 * string starting with {@code $}, e.g. {@code "$remote_addr"}) read from the request, or a
 * literal copied as written. Nested objects are formats of their own. An absent variable is
 * left out of the entry, as APISIX's JSON encoding drops nil.
 *
 * <p>Immutable.
 */
public final class LogFormat {

  /** One field: a variable name, a literal, or a nested format. */
  private record Field(String name, String var, JsonNode literal, LogFormat nested) {}

  private final List<Field> fields;

  private LogFormat(List<Field> fields) {
    this.fields = List.copyOf(fields);
  }

  /** Compiles an object of fields; null when {@code format} is absent or not an object. */
  public static LogFormat compile(JsonNode format) {
    if (format == null || !format.isObject()) {
      return null;
    }
    List<Field> fields = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> it = format.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode value = e.getValue();
      if (value.isTextual() && value.asText().startsWith("$")) {
        fields.add(new Field(e.getKey(), value.asText().substring(1), null, null));
      } else if (value.isObject()) {
        fields.add(new Field(e.getKey(), null, null, compile(value)));
      } else {
        fields.add(new Field(e.getKey(), null, value, null));
      }
    }
    return new LogFormat(fields);
  }

  /** The entry for one request, with {@code route_id} and {@code service_id} as APISIX adds them. */
  public ObjectNode render(PluginContext ctx) {
    ObjectNode entry = renderFields(ctx);
    putIfPresent(entry, "route_id", ctx.var("route_id"));
    putIfPresent(entry, "service_id", ctx.var("service_id"));
    return entry;
  }

  private ObjectNode renderFields(PluginContext ctx) {
    ObjectNode entry = Json.MAPPER.createObjectNode();
    for (Field field : fields) {
      if (field.var() != null) {
        String value = "request_body".equals(field.var()) ? LogEntries.requestBody(ctx) : ctx.var(field.var());
        if (value != null) {
          entry.put(field.name(), value);
        }
      } else if (field.nested() != null) {
        entry.set(field.name(), field.nested().renderFields(ctx));
      } else {
        entry.set(field.name(), field.literal());
      }
    }
    return entry;
  }

  private static void putIfPresent(ObjectNode entry, String field, String value) {
    if (value != null && !value.isEmpty() && !entry.has(field)) {
      entry.put(field, value);
    }
  }
}
