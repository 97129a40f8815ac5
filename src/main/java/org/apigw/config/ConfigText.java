package org.apigw.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * The text handling of {@code conf/config.yaml}, for other files in the same dialect (the
 * standalone {@code conf/apisix.yaml}): {@code ${{VAR}}} substitution and strict YAML parsing.
 */
public final class ConfigText {

  private ConfigText() {}

  /**
   * Replaces {@code ${{VAR}}} / {@code ${{VAR:=default}}} from {@code env}, skipping comment lines.
   *
   * @param source the file name used in messages
   * @throws ConfigException a variable without default is not set; names it and the line
   */
  public static String substituteEnv(String text, Map<String, String> env, String source)
      throws ConfigException {
    return EnvSubstitution.apply(text, env, source);
  }

  /**
   * Parses a YAML document whose top level is a map (empty text gives an empty map). Duplicate
   * keys, merge keys and a non-map top level are errors naming the path and line; scalars
   * resolve as YAML 1.1.
   *
   * @param source the file name used in messages
   */
  public static JsonNode parseYamlMap(String text, String source) throws ConfigException {
    return YamlDocument.parse(text, source).root;
  }
}
