package org.apigw.standalone;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apigw.config.ConfigException;
import org.apigw.config.ConfigText;

/**
 * Reads the text of a standalone {@code conf/apisix.yaml} into items, as APISIX's
 * {@code config_yaml} does. Pure: no files, no clock.
 *
 * <ul>
 *   <li>The text counts only once its last line is {@code #END} (trailing blank space allowed):
 *       anything else is a file still being written, {@link Incomplete}.
 *   <li>{@code ${{VAR}}} / {@code ${{VAR:=default}}} are substituted first (comment lines are
 *       left alone), then the YAML is parsed strictly (duplicate keys are errors).
 *   <li>The top level is a map of collections named like the etcd directories ({@code routes},
 *       {@code services}, {@code upstreams}, {@code consumers}, {@code plugin_configs},
 *       {@code global_rules}, ...), each a list (or empty). An item's id is its {@code id}, for
 *       {@code consumers} its {@code username}; an item without a usable one is keyed
 *       {@code arr_<n>} (1-based position), as APISIX does.
 *   <li>What makes the whole file unusable is {@link Refused}: unparsable YAML, a missing
 *       variable, a collection that is not a list, the same id twice in one collection. What is
 *       wrong with one item (not an object, a bad value) is left to the store's per-key decoding,
 *       so the rest of the file still loads.
 * </ul>
 */
public final class ApisixYaml {

  /** The marker line that says the file is complete. */
  public static final String END_MARKER = "#END";

  private static final ObjectMapper JSON = new ObjectMapper();

  private ApisixYaml() {}

  /** What one read of the file amounts to. */
  public sealed interface Result permits Complete, Incomplete, Refused {}

  /** A usable file: every item in file order (collections in file order too). */
  public record Complete(List<Item> items) implements Result {
    public Complete {
      items = List.copyOf(items);
    }
  }

  /** The file does not end with {@code #END} (yet): ignore it, it may still be being written. */
  public record Incomplete(String reason) implements Result {}

  /** The file cannot be used at all; {@code reason} says why (with the line where known). */
  public record Refused(String reason) implements Result {}

  /**
   * One item of one collection.
   *
   * @param dir the collection, e.g. {@code routes}
   * @param id the key id: the item's id (username for consumers), or {@code arr_<n>}
   * @param json the item as compact JSON, exactly what an etcd value would hold
   */
  public record Item(String dir, String id, String json) {}

  /**
   * @param source the file name used in messages, e.g. {@code apisix.yaml}
   * @param env environment for {@code ${{VAR}}} (normally {@code System.getenv()})
   */
  public static Result parse(String text, Map<String, String> env, String source) {
    if (!endsWithMarker(text)) {
      return new Incomplete("does not end with the line " + END_MARKER + " (still being written?)");
    }
    JsonNode root;
    try {
      root = ConfigText.parseYamlMap(ConfigText.substituteEnv(text, env, source), source);
    } catch (ConfigException e) {
      return new Refused(e.getMessage());
    }
    List<Item> items = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> collection = it.next();
      String dir = collection.getKey();
      JsonNode list = collection.getValue();
      if (list.isNull()) {
        continue; // "routes:" with nothing under it
      }
      if (!list.isArray()) {
        return new Refused(dir + ": expected a list of objects, got " + kind(list));
      }
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < list.size(); i++) {
        JsonNode item = list.get(i);
        String id = idOf(dir, item);
        if (id == null) {
          id = "arr_" + (i + 1);
        }
        if (!seen.add(id)) {
          return new Refused("found duplicate id " + id + " in " + dir);
        }
        items.add(new Item(dir, id, json(item)));
      }
    }
    return new Complete(items);
  }

  /** True when the last non-blank line is exactly {@code #END} (surrounding blanks ignored). */
  static boolean endsWithMarker(String text) {
    int end = text.length();
    while (end > 0 && Character.isWhitespace(text.charAt(end - 1))) {
      end--;
    }
    int lineStart = text.lastIndexOf('\n', end - 1) + 1;
    return text.substring(lineStart, end).strip().equals(END_MARKER);
  }

  /** {@code <username>/credentials/<id>}: a credential listed among the consumers, as in APISIX. */
  private static final java.util.regex.Pattern CREDENTIAL_ID =
      java.util.regex.Pattern.compile("^[a-zA-Z0-9_\\-]+/credentials/[a-zA-Z0-9-_.]+$");

  /**
   * The id of an object item if it is a non-empty string or number without '/' (or, among the
   * consumers, a credential's {@code <username>/credentials/<id>}); else null.
   */
  private static String idOf(String dir, JsonNode item) {
    if (!item.isObject()) {
      return null;
    }
    if ("consumers".equals(dir) && !item.has("username") && item.path("id").isTextual()
        && CREDENTIAL_ID.matcher(item.get("id").asText()).matches()) {
      return item.get("id").asText();
    }
    JsonNode id = item.get("consumers".equals(dir) ? "username" : "id");
    if (id == null || !(id.isTextual() || id.isNumber())) {
      return null;
    }
    String text = id.asText();
    return text.isEmpty() || text.indexOf('/') >= 0 ? null : text;
  }

  private static String json(JsonNode item) {
    try {
      return JSON.writeValueAsString(item);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a parsed YAML tree always serialises", e);
    }
  }

  private static String kind(JsonNode n) {
    if (n.isObject()) {
      return "a map";
    }
    if (n.isTextual()) {
      return "a string";
    }
    if (n.isNumber()) {
      return "a number";
    }
    if (n.isBoolean()) {
      return "a boolean";
    }
    return n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
  }
}
