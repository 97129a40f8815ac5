package org.apigw.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/** The two PATCH edits APISIX performs on a stored value. Both mutate their target. */
final class JsonEdits {
  private JsonEdits() {}

  /**
   * Deep merge as APISIX's {@code core.table.merge}: objects merge recursively, a JSON null
   * removes the key, anything else (arrays included) replaces the old value wholesale.
   */
  static void merge(ObjectNode target, ObjectNode patch) {
    for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = e.getKey();
      JsonNode value = e.getValue();
      if (value.isNull()) {
        target.remove(name);
      } else if (value.isObject()) {
        JsonNode old = target.get(name);
        ObjectNode into = old != null && old.isObject() ? (ObjectNode) old : target.objectNode();
        merge(into, (ObjectNode) value);
        target.set(name, into);
      } else {
        target.set(name, value);
      }
    }
  }

  /**
   * Replaces the value at {@code subPath} ({@code a/b/c}) with {@code value}, creating missing
   * intermediate objects, as APISIX's {@code core.table.patch}.
   *
   * @throws AdminError 400 {@code invalid sub-path: /a/b} when an intermediate is not an object
   */
  static void replaceAt(ObjectNode root, String subPath, JsonNode value) {
    String[] parts = subPath.split("/");
    ObjectNode at = root;
    StringBuilder walked = new StringBuilder();
    for (int i = 0; i < parts.length - 1; i++) {
      walked.append('/').append(parts[i]);
      JsonNode next = at.get(parts[i]);
      if (next == null || next.isNull()) {
        next = at.putObject(parts[i]);
      }
      if (!next.isObject()) {
        throw AdminError.badRequest("invalid sub-path: " + walked);
      }
      at = (ObjectNode) next;
    }
    at.set(parts[parts.length - 1], value);
  }
}
