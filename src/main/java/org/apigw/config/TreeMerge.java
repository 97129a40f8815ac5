package org.apigw.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks the user's tree against the defaults tree (plus {@link ConfigSchema}) and deep-merges it
 * over the defaults with APISIX {@code merge_conf} semantics.
 */
final class TreeMerge {
  private TreeMerge() {}

  /**
   * Reports unknown keys and values of the wrong kind in {@code user}. An explicit null is always
   * allowed for a known key (it resets the default).
   */
  static void check(ObjectNode user, ObjectNode defaults, Problems problems) {
    check(user, defaults, "", "", false, problems);
  }

  private static void check(
      JsonNode u, JsonNode d, String path, String schemaPath, boolean free, Problems problems) {
    boolean here = free || ConfigSchema.isFreeForm(schemaPath);
    ConfigSchema.Expect expect = ConfigSchema.expect(schemaPath, d);
    if (expect == null) {
      return; // inside a free-form subtree, with no default to compare with: anything goes
    }
    Kind kind = Kind.of(u);
    if (!accepts(expect.kinds(), kind)) {
      problems.at(path, "expected " + words(expect.kinds()) + ", got " + kind.word()
          + (expect.kinds().equals(Set.of(Kind.STRING)) && kind != Kind.NULL
              ? " (quote the value to make it a string)" : ""));
      return;
    }
    if (u.isObject()) {
      JsonNode template = expect.template();
      for (Map.Entry<String, JsonNode> field : u.properties()) {
        String key = field.getKey();
        String childPath = YamlDocument.child(path, key);
        String childSchema = YamlDocument.child(schemaPath, key);
        boolean known =
            (template != null && template.has(key))
                || ConfigSchema.OVERRIDES.containsKey(childSchema);
        if (!known) {
          if (!here) {
            problems.unknownKey(childPath);
          }
          continue;
        }
        if (field.getValue().isNull()) {
          continue;
        }
        JsonNode childDefault = template == null ? null : template.get(key);
        check(field.getValue(), childDefault, childPath, childSchema, here, problems);
      }
    } else if (u.isArray()) {
      String elementSchema = schemaPath + "[]";
      JsonNode elementDefault = d != null && d.isArray() && d.size() > 0 ? d.get(0) : null;
      for (int i = 0; i < u.size(); i++) {
        JsonNode el = u.get(i);
        String elementPath = YamlDocument.element(path, i);
        ConfigSchema.Expect elementExpect = ConfigSchema.expect(elementSchema, elementDefault);
        if (el.isNull() && elementExpect != null) {
          problems.at(elementPath, "expected " + words(elementExpect.kinds()) + ", got null");
          continue;
        }
        check(el, elementDefault, elementPath, elementSchema, here, problems);
      }
    }
  }

  private static boolean accepts(Set<Kind> kinds, Kind kind) {
    return kinds.contains(kind) || (kind == Kind.INTEGER && kinds.contains(Kind.NUMBER));
  }

  private static String words(Set<Kind> kinds) {
    return kinds.stream().sorted().map(Kind::word).collect(Collectors.joining(" or "));
  }

  /**
   * Returns {@code defaults} with {@code user} merged over it, without modifying either: maps
   * merge recursively, arrays and scalars replace, an explicit null removes the key. Call
   * {@link #check} first; a kind mismatch that slipped through replaces the default.
   */
  static ObjectNode merge(ObjectNode defaults, ObjectNode user) {
    ObjectNode out = defaults.deepCopy();
    mergeInto(out, user);
    return out;
  }

  private static void mergeInto(ObjectNode base, ObjectNode user) {
    for (Map.Entry<String, JsonNode> field : user.properties()) {
      JsonNode value = field.getValue();
      JsonNode existing = base.get(field.getKey());
      if (value.isNull()) {
        base.remove(field.getKey());
      } else if (value.isObject() && existing != null && existing.isObject()) {
        mergeInto((ObjectNode) existing, (ObjectNode) value);
      } else {
        base.set(field.getKey(), value.deepCopy());
      }
    }
  }
}
