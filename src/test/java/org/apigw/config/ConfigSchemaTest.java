package org.apigw.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Keeps {@link ConfigSchema} and conf/config-default.yaml in step. */
class ConfigSchemaTest {
  static JsonNode defaults() throws Exception {
    return YamlDocument.parse(
            Files.readString(ConfigLoaderTest.DEFAULTS), "config-default.yaml").root;
  }

  @Test
  void everyNullDefaultAndEmptyList_hasAKindInConfigSchema() throws Exception {
    List<String> unkinded = new ArrayList<>();
    walk(defaults(), "", false, unkinded);
    assertEquals(List.of(), unkinded);
  }

  private static void walk(JsonNode n, String path, boolean free, List<String> out) {
    boolean here = free || ConfigSchema.isFreeForm(path);
    if (n.isNull() && !ConfigSchema.OVERRIDES.containsKey(path)) {
      out.add(path);
    }
    if (n.isArray() && n.isEmpty() && !ConfigSchema.OVERRIDES.containsKey(path + "[]")) {
      out.add(path);
    }
    if (n.isObject() && n.isEmpty() && !here) {
      out.add(path + " (empty map that is not free-form)");
    }
    for (Map.Entry<String, JsonNode> e : n.properties()) {
      walk(e.getValue(), YamlDocument.child(path, e.getKey()), here, out);
    }
  }

  @Test
  void everyFreeFormPathAndOverride_namesAKeyOfTheDefaults() throws Exception {
    JsonNode d = defaults();
    for (String p : ConfigSchema.FREE_FORM) {
      assertTrue(exists(d, p), "free-form path not in defaults: " + p);
    }
    for (String p : ConfigSchema.OVERRIDES.keySet()) {
      assertTrue(exists(d, p.replace("[]", "")), "override path not in defaults: " + p);
    }
  }

  private static boolean exists(JsonNode root, String path) {
    JsonNode n = root;
    String[] keys = path.split("->");
    for (int i = 0; i < keys.length; i++) {
      if (!n.has(keys[i])) {
        return false;
      }
      n = n.get(keys[i]);
    }
    return true;
  }

  @Test
  void shippedDefaults_passTheirOwnCheck() throws Exception {
    JsonNode d = defaults();
    Problems problems = new Problems("config-default.yaml", Map.of());
    TreeMerge.check((com.fasterxml.jackson.databind.node.ObjectNode) d,
        (com.fasterxml.jackson.databind.node.ObjectNode) d, problems);
    problems.throwIfAny();
  }
}
