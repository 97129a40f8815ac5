package org.apigw.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.StringReader;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One parsed YAML file: the data as a Jackson tree, the 1-based line of every key and element
 * (keyed by display path {@code a->b[0]->c}) for error messages, and the SnakeYAML node graph with
 * character positions for in-place edits.
 *
 * <p>We compose with SnakeYAML ourselves instead of using Jackson's YAML parser so that duplicate
 * keys are always an error (naming the path and line), YAML 1.1 scalars resolve as APISIX users
 * expect ({@code on}/{@code yes} are booleans, {@code 0x1F} is an int), and every node keeps its
 * position. Timestamps stay strings; merge keys ({@code <<}) are rejected.
 */
final class YamlDocument {
  final JsonNode root;
  final Map<String, Integer> lines;
  final Node composed;

  private YamlDocument(JsonNode root, Map<String, Integer> lines, Node composed) {
    this.root = root;
    this.lines = lines;
    this.composed = composed;
  }

  /**
   * Parses {@code text}; an empty or comment-only document yields an empty map.
   *
   * @param source the file name used in messages
   */
  static YamlDocument parse(String text, String source) throws ConfigException {
    Node node;
    try {
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(false);
      options.setMaxAliasesForCollections(50);
      node = new Yaml(options).compose(new StringReader(text));
    } catch (MarkedYAMLException e) {
      String where = e.getProblemMark() == null ? "" : " at line " + (e.getProblemMark().getLine() + 1);
      throw new ConfigException(
          "failed to parse " + source + where + ": " + firstLine(e.getProblem()), e);
    } catch (YAMLException e) {
      throw new ConfigException("failed to parse " + source + ": " + firstLine(e.getMessage()), e);
    }
    Map<String, Integer> lines = new HashMap<>();
    if (node == null) {
      return new YamlDocument(JsonNodeFactory.instance.objectNode(), lines, null);
    }
    JsonNode root = new Converter(source, lines).convert(node, "");
    if (!root.isObject()) {
      throw new ConfigException(
          source + ": the document must be a map of keys, got " + Kind.of(root).word());
    }
    return new YamlDocument(root, lines, node);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "invalid YAML";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** Joins a display path: {@code a->b}. */
  static String child(String path, String key) {
    return path.isEmpty() ? key : path + "->" + key;
  }

  /** A display path of an array element: {@code a->b[0]}. */
  static String element(String path, int index) {
    return path + "[" + index + "]";
  }

  private static final class Converter {
    private final String source;
    private final Map<String, Integer> lines;
    private final ScalarBuilder scalars = new ScalarBuilder();

    Converter(String source, Map<String, Integer> lines) {
      this.source = source;
      this.lines = lines;
    }

    JsonNode convert(Node node, String path) throws ConfigException {
      if (node instanceof MappingNode map) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (NodeTuple tuple : map.getValue()) {
          Node keyNode = tuple.getKeyNode();
          int line = keyNode.getStartMark().getLine() + 1;
          if (Tag.MERGE.equals(keyNode.getTag())) {
            throw new ConfigException(
                source + " line " + line + ": YAML merge keys (<<) are not supported");
          }
          if (!(keyNode instanceof ScalarNode keyScalar)) {
            throw new ConfigException(
                source + " line " + line + ": a key must be a plain value, not a map or list");
          }
          String key = keyScalar.getValue();
          String childPath = child(path, key);
          if (out.has(key)) {
            throw new ConfigException(
                "duplicate key " + childPath + " (" + source + " line " + line + ")");
          }
          lines.put(childPath, line);
          out.set(key, convert(tuple.getValueNode(), childPath));
        }
        return out;
      }
      if (node instanceof SequenceNode seq) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        int i = 0;
        for (Node item : seq.getValue()) {
          String childPath = element(path, i++);
          lines.put(childPath, item.getStartMark().getLine() + 1);
          out.add(convert(item, childPath));
        }
        return out;
      }
      return scalar((ScalarNode) node, path);
    }

    private JsonNode scalar(ScalarNode node, String path) throws ConfigException {
      JsonNodeFactory f = JsonNodeFactory.instance;
      Tag tag = node.getTag();
      if (Tag.STR.equals(tag) || Tag.TIMESTAMP.equals(tag)) {
        return f.textNode(node.getValue());
      }
      Object value;
      try {
        value = scalars.build(node);
      } catch (YAMLException e) {
        throw new ConfigException(
            path + ": cannot read value '" + node.getValue() + "' (" + source + " line "
                + (node.getStartMark().getLine() + 1) + ")", e);
      }
      if (value == null) {
        return f.nullNode();
      }
      if (value instanceof Boolean b) {
        return f.booleanNode(b);
      }
      if (value instanceof Integer n) {
        return f.numberNode(n);
      }
      if (value instanceof Long n) {
        return f.numberNode(n);
      }
      if (value instanceof BigInteger n) {
        return f.numberNode(n);
      }
      if (value instanceof Double n) {
        return f.numberNode(n);
      }
      if (value instanceof String s) {
        return f.textNode(s);
      }
      throw new ConfigException(
          path + ": unsupported YAML value of type " + tag + " (" + source + " line "
              + (node.getStartMark().getLine() + 1) + ")");
    }
  }

  /** Reuses SnakeYAML's YAML 1.1 scalar constructors (ints with 0x/0o/_ etc., bools, floats). */
  private static final class ScalarBuilder extends SafeConstructor {
    ScalarBuilder() {
      super(new LoaderOptions());
    }

    Object build(Node node) {
      return constructObject(node);
    }
  }
}
