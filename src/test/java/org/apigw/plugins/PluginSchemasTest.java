package org.apigw.plugins;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apigw.plugin.AuthPlugin;
import org.apigw.plugin.Json;
import org.apigw.plugin.Plugin;
import org.apigw.resource.SchemaValidator;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every schema a built-in plugin names compiles; the gateway compiles them only on first use. */
class PluginSchemasTest {

  @TestFactory
  Iterable<DynamicTest> everyBuiltinPluginSchema_compiles() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Plugin<?> plugin : BuiltinPlugins.create(Map.of())) {
      tests.add(compiles(plugin.name(), plugin.schemaResource()));
      if (plugin instanceof AuthPlugin<?, ?> auth) {
        tests.add(compiles(plugin.name() + " consumer", auth.consumerSchemaResource()));
      }
      if (plugin.metadataSchemaResource() != null) {
        tests.add(compiles(plugin.name() + " metadata", plugin.metadataSchemaResource()));
      }
    }
    return tests;
  }

  private static DynamicTest compiles(String what, String resource) {
    return DynamicTest.dynamicTest(what, () -> assertDoesNotThrow(() -> SchemaValidator.compileClasspath(Json.MAPPER, resource)));
  }
}
