package org.apigw.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * APISIX 3.x start-up behaviour for admin keys: when the node serves the Admin API (role
 * traditional or control_plane, {@code apisix.enable_admin}), every {@code admin}-role entry of
 * {@code deployment.admin.admin_key} whose key is empty gets a random 32-letter key, and the
 * user's config file is updated so the key survives restarts and can be read by the operator.
 *
 * <p>Unlike APISIX, which re-serialises the whole file, this edits the file textually and keeps
 * everything else (comments, order, quoting) byte for byte:
 *
 * <ul>
 *   <li>if the file has the entry's {@code key:}, only that value is replaced;
 *   <li>if the entry has no {@code key:}, a {@code key:} line is added to the (block-style) entry;
 *   <li>if the file has no {@code admin_key} list (the empty key came from the defaults), the whole
 *       effective list is written under {@code deployment.admin}, creating {@code admin:} or
 *       {@code deployment:} as needed (appended at the end of the file for the latter).
 * </ul>
 *
 * The edited text is parsed again and must show the new keys at the right place, else nothing is
 * written. The file is replaced atomically and keeps its permissions. Cases the text edit cannot
 * handle (flow-style maps, a key taken from {@code ${{VAR}}} that is empty) are a
 * {@link ConfigException} asking the operator to set the key. The CLI calls this on start, not
 * on {@code test}.
 */
public final class AdminKeyInitializer {
  private static final String LETTERS =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_.-]+");

  /**
   * @param config the configuration with the generated keys in place (same as the input when
   *     nothing was generated)
   * @param generated the names (or {@code #index} for unnamed entries) that got a new key
   * @param fileRewritten whether the user file was written
   */
  public record Result(GatewayConfig config, List<String> generated, boolean fileRewritten) {
    public Result {
      generated = List.copyOf(generated);
    }
  }

  private AdminKeyInitializer() {}

  /** Generates missing admin keys with a {@link SecureRandom} and writes them to userFile. */
  public static Result ensureKeys(Path userFile, GatewayConfig config) throws ConfigException {
    return ensureKeys(userFile, config, new SecureRandom());
  }

  static Result ensureKeys(Path userFile, GatewayConfig config, RandomGenerator random)
      throws ConfigException {
    String role = config.deployment().role();
    boolean servesAdmin =
        config.apisix().enableAdmin()
            && ("traditional".equals(role) || "control_plane".equals(role));
    if (!servesAdmin) {
      return new Result(config, List.of(), false);
    }
    List<GatewayConfig.AdminKey> keys = new ArrayList<>(config.deployment().admin().adminKeys());
    List<Integer> missing = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      GatewayConfig.AdminKey k = keys.get(i);
      if ("admin".equals(k.role()) && (k.key() == null || k.key().isEmpty())) {
        missing.add(i);
      }
    }
    if (missing.isEmpty()) {
      return new Result(config, List.of(), false);
    }
    List<String> generatedNames = new ArrayList<>();
    for (int i : missing) {
      GatewayConfig.AdminKey k = keys.get(i);
      keys.set(i, new GatewayConfig.AdminKey(k.name(), randomKey(random), k.role()));
      generatedNames.add(k.name() == null ? "#" + i : k.name());
    }

    String source = userFile.getFileName().toString();
    String text = readOrEmpty(userFile);
    String edited = edit(text, source, keys, missing);
    verify(edited, source, keys, missing);
    write(userFile, edited);
    return new Result(withKeys(config, keys, missing), generatedNames, true);
  }

  static String randomKey(RandomGenerator random) {
    StringBuilder sb = new StringBuilder(32);
    for (int i = 0; i < 32; i++) {
      sb.append(LETTERS.charAt(random.nextInt(LETTERS.length())));
    }
    return sb.toString();
  }

  // ---- the text edit ----

  private static String edit(
      String text, String source, List<GatewayConfig.AdminKey> keys, List<Integer> missing)
      throws ConfigException {
    Node root = YamlDocument.parse(text, source).composed;
    MappingNode rootMap = root == null ? null : asBlockMap(root, source, "the document");
    NodeTuple deployment = rootMap == null ? null : find(rootMap, "deployment");
    if (deployment == null) {
      StringBuilder sb = new StringBuilder(text);
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != '\n') {
        sb.append('\n');
      }
      sb.append("deployment:\n  admin:\n");
      sb.append(renderList(keys, 4, 2));
      return sb.toString();
    }
    MappingNode deploymentMap = asBlockMap(deployment.getValueNode(), source, "deployment");
    NodeTuple admin = find(deploymentMap, "admin");
    if (admin == null) {
      return insertFirstChild(text, deploymentMap, deployment, source, "deployment",
          (indent, step) -> " ".repeat(indent) + "admin:\n" + renderList(keys, indent + step, step));
    }
    MappingNode adminMap = asBlockMap(admin.getValueNode(), source, "deployment->admin");
    NodeTuple list = find(adminMap, "admin_key");
    if (list == null) {
      return insertFirstChild(text, adminMap, admin, source, "deployment->admin",
          (indent, step) -> renderList(keys, indent, step));
    }
    if (!(list.getValueNode() instanceof SequenceNode seq) || seq.getValue().size() != keys.size()) {
      throw cannotPlace(source, "deployment->admin->admin_key is not a plain list in the file");
    }
    // Edit back to front so earlier offsets stay valid.
    StringBuilder sb = new StringBuilder(text);
    for (int m = missing.size() - 1; m >= 0; m--) {
      int i = missing.get(m);
      String path = YamlDocument.element("deployment->admin->admin_key", i);
      MappingNode entry = asBlockMap(seq.getValue().get(i), source, path);
      NodeTuple key = find(entry, "key");
      String value = keys.get(i).key();
      if (key != null) {
        if (!(key.getValueNode() instanceof ScalarNode scalar)) {
          throw cannotPlace(source, path + "->key is not a plain value");
        }
        int start = charIndex(text, scalar.getStartMark().getIndex());
        int end = charIndex(text, scalar.getEndMark().getIndex());
        if (text.substring(start, end).contains("${{")) {
          throw new ConfigException(path + "->key: the admin key comes from an environment "
              + "variable that is empty; set the variable, or a key in " + source);
        }
        boolean bare = start == end && start > 0 && text.charAt(start - 1) == ':';
        sb.replace(start, end, bare ? " " + value : value);
      } else {
        List<NodeTuple> tuples = entry.getValue();
        int column = tuples.get(0).getKeyNode().getStartMark().getColumn();
        Node last = tuples.get(tuples.size() - 1).getValueNode();
        int lastEnd = charIndex(text, last.getEndMark().getIndex());
        int eol = text.indexOf('\n', lastEnd);
        String line = " ".repeat(column) + "key: " + value;
        if (eol < 0) {
          sb.append('\n').append(line).append('\n');
        } else {
          sb.insert(eol, "\n" + line);
        }
      }
    }
    return sb.toString();
  }

  private interface Block {
    String render(int indent, int step);
  }

  /**
   * Inserts lines before the first key of a block map, at that key's indentation, indenting
   * deeper levels by the file's own step (child column minus parent column).
   */
  private static String insertFirstChild(
      String text, MappingNode map, NodeTuple parent, String source, String path, Block block)
      throws ConfigException {
    if (map.getValue().isEmpty()) {
      throw cannotPlace(source, path + " is empty");
    }
    Node firstKey = map.getValue().get(0).getKeyNode();
    int at = charIndex(text, firstKey.getStartMark().getIndex());
    int column = firstKey.getStartMark().getColumn();
    int lineStart = at - column;
    if (lineStart < 0 || !text.substring(lineStart, at).isBlank()) {
      throw cannotPlace(source, path + " does not start on its own line");
    }
    int step = Math.max(2, column - parent.getKeyNode().getStartMark().getColumn());
    return text.substring(0, lineStart) + block.render(column, step) + text.substring(lineStart);
  }

  private static String renderList(List<GatewayConfig.AdminKey> keys, int indent, int step) {
    String pad = " ".repeat(indent);
    StringBuilder sb = new StringBuilder();
    sb.append(pad).append("admin_key:\n");
    for (GatewayConfig.AdminKey k : keys) {
      String dash = pad + " ".repeat(step) + "- ";
      String cont = pad + " ".repeat(step + 2);
      boolean first = true;
      if (k.name() != null) {
        sb.append(dash).append("name: ").append(scalar(k.name())).append('\n');
        first = false;
      }
      sb.append(first ? dash : cont).append("key: ").append(scalar(k.key())).append('\n');
      if (k.role() != null) {
        sb.append(cont).append("role: ").append(scalar(k.role())).append('\n');
      }
    }
    return sb.toString();
  }

  private static String scalar(String s) {
    if (PLAIN.matcher(s).matches() && !s.matches("[0-9.+-].*|true|false|null|yes|no|on|off|~")) {
      return s;
    }
    return "'" + s.replace("'", "''") + "'";
  }

  private static MappingNode asBlockMap(Node node, String source, String path)
      throws ConfigException {
    if (!(node instanceof MappingNode map)) {
      throw cannotPlace(source, path + " is not a map");
    }
    if (map.getFlowStyle() == org.yaml.snakeyaml.DumperOptions.FlowStyle.FLOW) {
      throw cannotPlace(source, path + " is written in flow style ({...})");
    }
    return map;
  }

  private static NodeTuple find(MappingNode map, String key) {
    for (NodeTuple t : map.getValue()) {
      if (t.getKeyNode() instanceof ScalarNode s && s.getValue().equals(key)) {
        return t;
      }
    }
    return null;
  }

  /** SnakeYAML marks count code points; Java strings count UTF-16 chars. */
  private static int charIndex(String text, int codePointIndex) {
    return text.offsetByCodePoints(0, codePointIndex);
  }

  private static ConfigException cannotPlace(String source, String why) {
    return new ConfigException("cannot write the generated admin key into " + source + " (" + why
        + "); set deployment.admin.admin_key[].key there yourself");
  }

  private static void verify(
      String edited, String source, List<GatewayConfig.AdminKey> keys, List<Integer> missing)
      throws ConfigException {
    JsonNode list = YamlDocument.parse(edited, source).root.path("deployment").path("admin")
        .path("admin_key");
    for (int i : missing) {
      if (!keys.get(i).key().equals(list.path(i).path("key").asText(null))) {
        throw cannotPlace(source, "the edited file did not read back as expected");
      }
    }
  }

  // ---- results ----

  private static GatewayConfig withKeys(
      GatewayConfig c, List<GatewayConfig.AdminKey> keys, List<Integer> missing) {
    ObjectNode tree = c.tree().deepCopy();
    JsonNode list = tree.path("deployment").path("admin").path("admin_key");
    if (list instanceof ArrayNode array) {
      for (int i : missing) {
        if (array.get(i) instanceof ObjectNode entry) {
          entry.put("key", keys.get(i).key());
        }
      }
    }
    GatewayConfig.Admin a = c.deployment().admin();
    GatewayConfig.Admin admin =
        new GatewayConfig.Admin(
            a.adminListen(), List.copyOf(keys), a.adminKeyRequired(), a.allowAdmin(),
            a.adminApiVersion());
    GatewayConfig.Deployment d = c.deployment();
    GatewayConfig.Deployment deployment =
        new GatewayConfig.Deployment(
            d.role(), d.configProvider(), admin, d.etcd(), d.configSnapshot(), d.fallbackCp());
    return new GatewayConfig(c.file(), tree, c.apisix(), deployment, c.plugins(), c.pluginAttr());
  }

  // ---- file I/O ----

  private static String readOrEmpty(Path file) throws ConfigException {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new ConfigException("failed to read " + file + ": " + e.getMessage(), e);
    }
  }

  private static void write(Path file, String text) throws ConfigException {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      Set<PosixFilePermission> perms = null;
      if (Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null) {
        perms = Files.exists(file)
            ? Files.getPosixFilePermissions(file)
            : PosixFilePermissions.fromString("rw-------");
      }
      tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      if (perms != null) {
        Files.setPosixFilePermissions(tmp, perms);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
    } catch (IOException e) {
      throw new ConfigException("failed to write the generated admin key to " + file + ": "
          + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // best effort
        }
      }
    }
  }
}
