package org.apigw.resource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The draft-07 schemas under {@code classpath:schema/}, compiled once, and the translation of
 * networknt errors into lua-jsonschema-like text that names the property path, e.g. {@code
 * property "upstream" validation failed: property "nodes" validation failed: object matches none
 * of the required}.
 *
 * <p>Which error is reported: the first one networknt returns (it evaluates keywords in schema
 * order, so this is deterministic). An error raised inside an {@code anyOf}/{@code oneOf}/{@code
 * not} branch is reported as the failure of that combinator, the way lua-jsonschema does; the
 * combinator's {@code description} (or, without one, the most relevant branch error) is appended
 * after a colon so the message still says which field is at fault.
 *
 * <p>Thread-safe: schemas are fully initialised in the constructor and networknt schemas are
 * safe to share.
 */
public final class SchemaValidator {

  private static final String BASE = "classpath:schema/";

  private final Map<ResourceType, Schema> schemas = new EnumMap<>(ResourceType.class);
  private Schema pluginMeta;
  /** Raw schema documents by absolute IRI, to read a combinator's {@code description}. */
  private final Map<String, JsonNode> documents = new ConcurrentHashMap<>();

  SchemaValidator(ObjectMapper mapper) {
    for (String file :
        List.of(
            "common",
            "route",
            "service",
            "upstream",
            "consumer",
            "plugin_config",
            "global_rule",
            "consumer_group",
            "credential",
            "plugin_metadata")) {
      documents.put(BASE + file + ".json", readDocument(mapper, file + ".json"));
    }
    SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7);
    schemas.put(ResourceType.ROUTES, load(registry, "route.json"));
    schemas.put(ResourceType.SERVICES, load(registry, "service.json"));
    schemas.put(ResourceType.UPSTREAMS, load(registry, "upstream.json"));
    schemas.put(ResourceType.CONSUMERS, load(registry, "consumer.json"));
    schemas.put(ResourceType.PLUGIN_CONFIGS, load(registry, "plugin_config.json"));
    schemas.put(ResourceType.GLOBAL_RULES, load(registry, "global_rule.json"));
    schemas.put(ResourceType.CONSUMER_GROUPS, load(registry, "consumer_group.json"));
    schemas.put(ResourceType.CREDENTIALS, load(registry, "credential.json"));
    schemas.put(ResourceType.PLUGIN_METADATA, load(registry, "plugin_metadata.json"));
    pluginMeta = load(registry, "common.json#/definitions/plugin_meta");
  }

  private SchemaValidator() {}

  /** A compiled standalone schema whose errors read like the resource schemas' (e.g. a plugin's). */
  @FunctionalInterface
  public interface Check {
    /** Empty when valid, else the message without any prefix. */
    Optional<String> validate(JsonNode value);
  }

  /**
   * {@link #compileClasspath} deferred to the first validation: a node started from its snapshot
   * validates nothing, and compiling the schemas of every enabled plugin up front was ~60 ms of
   * a cold start on one core. (PluginSchemasTest compiles them all, so a broken one still fails
   * the build.)
   */
  public static Check compileOnFirstUse(ObjectMapper mapper, String resource) {
    return new Check() {
      private volatile Check compiled;

      @Override
      public Optional<String> validate(JsonNode value) {
        Check check = compiled;
        if (check == null) {
          synchronized (this) {
            check = compiled;
            if (check == null) {
              compiled = check = compileClasspath(mapper, resource);
            }
          }
        }
        return check.validate(value);
      }
    };
  }

  /**
   * Compiles the draft-07 schema document at {@code classpath:<resource>} (e.g. {@code
   * plugins/cors.json}). Fails at once on a missing or malformed document: a build bug.
   */
  public static Check compileClasspath(ObjectMapper mapper, String resource) {
    SchemaValidator v = new SchemaValidator();
    String iri = "classpath:" + resource;
    try (InputStream in = SchemaValidator.class.getResourceAsStream("/" + resource)) {
      if (in == null) {
        throw new IllegalStateException("missing schema resource /" + resource);
      }
      v.documents.put(iri, mapper.readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable schema resource /" + resource, e);
    }
    Schema schema = load(SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7), iri, true);
    return value -> v.firstError(schema.validate(value));
  }

  private static Schema load(SchemaRegistry registry, String location, boolean absolute) {
    Schema schema = registry.getSchema(SchemaLocation.of(location));
    schema.initializeValidators();
    return schema;
  }

  private static Schema load(SchemaRegistry registry, String location) {
    Schema schema = registry.getSchema(SchemaLocation.of(BASE + location));
    schema.initializeValidators();
    return schema;
  }

  private static JsonNode readDocument(ObjectMapper mapper, String file) {
    try (InputStream in = SchemaValidator.class.getResourceAsStream("/schema/" + file)) {
      if (in == null) {
        throw new IllegalStateException("missing schema resource /schema/" + file);
      }
      return mapper.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable schema resource /schema/" + file, e);
    }
  }

  /** Validates a whole resource; empty when valid, else the message without any prefix. */
  Optional<String> validate(ResourceType type, JsonNode body) {
    return firstError(schemas.get(type).validate(body));
  }

  /** Validates a plugin's {@code _meta} object. */
  Optional<String> validatePluginMeta(JsonNode meta) {
    return firstError(pluginMeta.validate(meta));
  }

  private Optional<String> firstError(List<com.networknt.schema.Error> errors) {
    if (errors.isEmpty()) {
      return Optional.empty();
    }
    List<Err> all = new ArrayList<>(errors.size());
    for (com.networknt.schema.Error e : errors) {
      all.add(new Err(e));
    }
    return Optional.of(describe(all.get(0), all, 0, 0));
  }

  // ---- translation ----------------------------------------------------------------------------

  /** One networknt error with its paths flattened to element lists. */
  private static final class Err {
    final com.networknt.schema.Error error;
    final List<Object> eval;
    final List<Object> instance;

    Err(com.networknt.schema.Error error) {
      this.error = error;
      this.eval = elements(error.getEvaluationPath());
      this.instance = elements(error.getInstanceLocation());
    }

    private static List<Object> elements(NodePath path) {
      List<Object> out = new ArrayList<>(path.getNameCount());
      for (int i = 0; i < path.getNameCount(); i++) {
        out.add(path.getElement(i));
      }
      return out;
    }
  }

  /**
   * Builds the message for {@code err}, walking its evaluation path from position {@code i} and
   * its instance path from position {@code j}: every property or item stepped into becomes a
   * {@code property "x" validation failed: } prefix, an {@code allOf} branch becomes {@code allOf N
   * failed: }, and the first {@code anyOf}/{@code oneOf}/{@code not} met ends the walk.
   */
  private String describe(Err err, List<Err> all, int i, int j) {
    StringBuilder prefix = new StringBuilder();
    List<Object> eval = err.eval;
    while (i < eval.size()) {
      Object seg = eval.get(i);
      boolean last = i == eval.size() - 1;
      String key = String.valueOf(seg);
      switch (key) {
        case "$ref", "if", "then", "else" -> i++;
        case "properties", "patternProperties" -> {
          if (last || j >= err.instance.size()) {
            return prefix + keywordMessage(err);
          }
          prefix.append(propertyPrefix(err.instance.get(j)));
          i += 2;
          j++;
        }
        case "items", "additionalItems", "additionalProperties" -> {
          if (last || j >= err.instance.size()) {
            return prefix + keywordMessage(err);
          }
          prefix.append(propertyPrefix(err.instance.get(j)));
          i += (i + 1 < eval.size() && eval.get(i + 1) instanceof Integer) ? 2 : 1;
          j++;
        }
        case "dependencies", "definitions" -> i += 2;
        case "allOf" -> {
          if (i + 1 < eval.size()) {
            prefix.append("allOf ").append(toInt(eval.get(i + 1)) + 1).append(" failed: ");
          }
          i += 2;
        }
        case "anyOf", "oneOf", "not" -> {
          return prefix + combinatorMessage(err, all, i, j);
        }
        default -> {
          return prefix + keywordMessage(err);
        }
      }
    }
    return prefix + keywordMessage(err);
  }

  private static String propertyPrefix(Object instanceSegment) {
    if (instanceSegment instanceof Integer index) {
      return "failed to validate item " + (index + 1) + ": ";
    }
    return "property \"" + instanceSegment + "\" validation failed: ";
  }

  private static int toInt(Object o) {
    return o instanceof Integer n ? n : Integer.parseInt(String.valueOf(o));
  }

  /** The failure of the combinator at {@code err.eval[site]}, instance depth {@code depth}. */
  private String combinatorMessage(Err err, List<Err> all, int site, int depth) {
    List<Object> sitePath = err.eval.subList(0, site + 1);
    List<Object> siteInstance = err.instance.subList(0, Math.min(depth, err.instance.size()));
    String keyword = String.valueOf(err.eval.get(site));

    // members: errors raised by this combinator or inside its branches, in list order
    List<Err> members = new ArrayList<>();
    Err explicit = null;
    for (Err e : all) {
      if (startsWith(e.eval, sitePath) && startsWith(e.instance, siteInstance)) {
        members.add(e);
        if (e.eval.size() == sitePath.size()) {
          explicit = explicit == null ? e : explicit;
        }
      }
    }

    String base;
    switch (keyword) {
      case "anyOf" -> base = "object matches none of the required";
      case "not" -> base = "value wasn't supposed to match schema";
      default -> {
        // networknt: arguments are [count] or [count, "i, j, ..."] (0-based branch indexes)
        Object[] args = explicit == null ? null : explicit.error.getArguments();
        if (args != null && args.length >= 2 && toInt(args[0]) > 1) {
          String[] indexes = String.valueOf(args[1]).split(",\\s*");
          StringBuilder both = new StringBuilder();
          for (int k = 0; k < indexes.length; k++) {
            both.append(k == 0 ? "" : k == indexes.length - 1 ? " and " : ", ");
            both.append(Integer.parseInt(indexes[k].trim()) + 1);
          }
          base = "value should match only one schema, but matches both schemas " + both;
        } else {
          base = "value should match only one schema, but matches none";
        }
      }
    }

    String hint = description(explicit != null ? explicit : err, site, keyword);
    if (hint == null && !"not".equals(keyword)) {
      hint = branchDetail(members, all, site, depth);
    }
    return hint == null ? base : base + ": " + hint;
  }

  /**
   * The most relevant branch error: the first one that is not merely "this branch wanted another
   * JSON type here" (the branch for the other shape of the value).
   */
  private String branchDetail(List<Err> members, List<Err> all, int site, int depth) {
    for (Err e : members) {
      if (e.eval.size() <= site + 2) {
        continue; // the combinator's own error
      }
      boolean typeAtSite = "type".equals(e.error.getKeyword()) && e.instance.size() == depth;
      boolean requiredAtSite = "required".equals(e.error.getKeyword()) && e.instance.size() == depth;
      if (typeAtSite || requiredAtSite) {
        continue;
      }
      return describe(e, all, site + 2, depth);
    }
    // every branch wanted another type: say which types would do
    List<String> expected = new ArrayList<>();
    JsonNode value = null;
    for (Err e : members) {
      if ("type".equals(e.error.getKeyword()) && e.instance.size() == depth) {
        Object[] args = e.error.getArguments();
        String type = args != null && args.length > 1 ? String.valueOf(args[1]) : "?";
        if (!expected.contains(type)) {
          expected.add(type);
        }
        value = e.error.getInstanceNode();
      }
    }
    if (expected.isEmpty()) {
      return null;
    }
    return "wrong type: expected " + String.join(" or ", expected) + ", got " + jsonType(value);
  }

  /**
   * The {@code description} next to the combinator (for {@code not}: inside its subschema), read
   * from the raw schema document. Only found when no {@code $ref} lies between the combinator and
   * the keyword that failed, which holds for the top-level combinators that carry a description.
   */
  private String description(Err err, int site, String keyword) {
    for (int k = site + 1; k < err.eval.size(); k++) {
      if ("$ref".equals(String.valueOf(err.eval.get(k)))) {
        return null;
      }
    }
    SchemaLocation location = err.error.getSchemaLocation();
    if (location == null || location.getAbsoluteIri() == null) {
      return null;
    }
    JsonNode document = documents.get(location.getAbsoluteIri().toString());
    if (document == null) {
      return null;
    }
    NodePath fragment = location.getFragment();
    int after = err.eval.size() - site - 1; // segments after the combinator keyword
    int keywordIndex = fragment.getNameCount() - after - 1;
    if (keywordIndex < 0) {
      return null;
    }
    int end = "not".equals(keyword) ? keywordIndex + 1 : keywordIndex;
    JsonNode node = document;
    for (int k = 0; k < end && node != null; k++) {
      Object seg = fragment.getElement(k);
      node = seg instanceof Integer n ? node.get(n) : node.get(String.valueOf(seg));
    }
    JsonNode description = node == null ? null : node.get("description");
    return description != null && description.isTextual() ? description.asText() : null;
  }

  private static boolean startsWith(List<Object> path, List<Object> prefix) {
    if (path.size() < prefix.size()) {
      return false;
    }
    for (int k = 0; k < prefix.size(); k++) {
      if (!String.valueOf(path.get(k)).equals(String.valueOf(prefix.get(k)))) {
        return false;
      }
    }
    return true;
  }

  /** Text for a single failed keyword, worded after lua-jsonschema. */
  private static String keywordMessage(Err err) {
    com.networknt.schema.Error e = err.error;
    Object[] args = e.getArguments() == null ? new Object[0] : e.getArguments();
    JsonNode value = e.getInstanceNode();
    String keyword = e.getKeyword() == null ? "" : e.getKeyword();
    switch (keyword) {
      case "type":
        return "wrong type: expected " + arg(args, 1) + ", got " + jsonType(value);
      case "enum":
        return "matches none of the enum values";
      case "const":
        return "value does not match the constant";
      case "required":
        return "property \"" + (e.getProperty() != null ? e.getProperty() : arg(args, 0))
            + "\" is required";
      case "additionalProperties":
        return "additional properties forbidden, found "
            + (e.getProperty() != null ? e.getProperty() : arg(args, 0));
      case "pattern":
        return "failed to match pattern \"" + arg(args, 0) + "\" with \"" + text(value) + "\"";
      case "minLength":
        return "string too short, expected at least " + arg(args, 0) + ", got " + length(value);
      case "maxLength":
        return "string too long, expected at most " + arg(args, 0) + ", got " + length(value);
      case "minimum":
        return "expected " + text(value) + " to be at least " + arg(args, 0);
      case "maximum":
        return "expected " + text(value) + " to be at most " + arg(args, 0);
      case "exclusiveMinimum":
        return "expected " + text(value) + " to be greater than " + arg(args, 0);
      case "exclusiveMaximum":
        return "expected " + text(value) + " to be smaller than " + arg(args, 0);
      case "minItems":
        return "expect array to have at least " + arg(args, 0) + " items";
      case "maxItems":
        return "expect array to have at most " + arg(args, 0) + " items";
      case "minProperties":
        return "expect object to have at least " + arg(args, 0) + " properties";
      case "maxProperties":
        return "expect object to have at most " + arg(args, 0) + " properties";
      case "uniqueItems":
        return uniqueItemsMessage(value);
      case "format":
        return "invalid " + e.getSchemaNode().asText() + " string \"" + text(value) + "\"";
      default:
        return e.getMessage();
    }
  }

  private static String uniqueItemsMessage(JsonNode array) {
    if (array != null && array.isArray()) {
      for (int a = 0; a < array.size(); a++) {
        for (int b = a + 1; b < array.size(); b++) {
          if (array.get(a).equals(array.get(b))) {
            return "expected unique items but items " + (a + 1) + " and " + (b + 1) + " are equal";
          }
        }
      }
    }
    return "expected unique items";
  }

  private static String arg(Object[] args, int index) {
    return index < args.length ? String.valueOf(args[index]) : "?";
  }

  private static String text(JsonNode value) {
    if (value == null) {
      return "null";
    }
    return value.isTextual() ? value.asText() : value.toString();
  }

  private static int length(JsonNode value) {
    if (value == null || !value.isTextual()) {
      return 0;
    }
    String s = value.asText();
    return s.codePointCount(0, s.length());
  }

  static String jsonType(JsonNode value) {
    if (value == null || value.isMissingNode() || value.isNull()) {
      return "null";
    }
    if (value.isObject()) {
      return "object";
    }
    if (value.isArray()) {
      return "array";
    }
    if (value.isTextual()) {
      return "string";
    }
    if (value.isBoolean()) {
      return "boolean";
    }
    if (value.isIntegralNumber()) {
      return "integer";
    }
    return value.isNumber() ? "number" : value.getNodeType().name().toLowerCase();
  }
}
