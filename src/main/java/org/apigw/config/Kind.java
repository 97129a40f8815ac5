package org.apigw.config;

import com.fasterxml.jackson.databind.JsonNode;

/** The YAML value kinds the schema distinguishes; {@link #word()} is what messages print. */
enum Kind {
  STRING("string"),
  INTEGER("integer"),
  NUMBER("number"),
  BOOLEAN("boolean"),
  MAP("map"),
  ARRAY("array"),
  NULL("null");

  private final String word;

  Kind(String word) {
    this.word = word;
  }

  String word() {
    return word;
  }

  static Kind of(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return NULL;
    }
    if (node.isObject()) {
      return MAP;
    }
    if (node.isArray()) {
      return ARRAY;
    }
    if (node.isTextual()) {
      return STRING;
    }
    if (node.isBoolean()) {
      return BOOLEAN;
    }
    if (node.isIntegralNumber()) {
      return INTEGER;
    }
    if (node.isNumber()) {
      return NUMBER;
    }
    return STRING;
  }
}
