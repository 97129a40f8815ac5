package org.apigw.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Loads the node configuration: {@code conf/config-default.yaml} with the user's
 * {@code conf/config.yaml} deep-merged over it, as APISIX 3.x does.
 *
 * <ol>
 *   <li>{@code ${{VAR}}} / {@code ${{VAR:=default}}} in the user file are replaced from
 *       {@code env} on the raw text (see {@link EnvSubstitution});
 *   <li>both files are parsed strictly (duplicate keys are errors);
 *   <li>the user tree is checked against the defaults tree: unknown keys (outside the free-form
 *       maps of {@link ConfigSchema}) and values of the wrong kind are errors;
 *   <li>the trees are merged: maps recursively, arrays and scalars replace, null removes;
 *   <li>values are checked (ports, enums, URLs, CIDRs) and read into {@link GatewayConfig}.
 * </ol>
 *
 * Every problem found is reported in one {@link ConfigException}, one per line, each naming the
 * key path as {@code a->b->c} and, where it came from the user file, the line. Loading has no
 * side effects: generating missing admin keys is {@link AdminKeyInitializer}'s job.
 */
public final class ConfigLoader {
  /** The key APISIX's docs and tests use; running with it is a security risk. */
  static final Set<String> WELL_KNOWN_KEYS =
      Set.of("edd1c9f034335f136f87ad84b625c8f1", "4054f7cf07e344346cd3f287985e76a2");

  private ConfigLoader() {}

  /**
   * Loads and validates the configuration.
   *
   * @param defaultsFile {@code conf/config-default.yaml}
   * @param userFile {@code conf/config.yaml}; a missing file means "all defaults"
   * @param builtinPlugins plugin names this build contains; others in {@code plugins:} are warned
   *     about and not loaded
   * @param env environment for {@code ${{VAR}}} substitution (normally {@code System.getenv()})
   */
  public static LoadedConfig load(
      Path defaultsFile, Path userFile, Set<String> builtinPlugins, Map<String, String> env)
      throws ConfigException {
    Objects.requireNonNull(defaultsFile, "defaultsFile");
    Objects.requireNonNull(userFile, "userFile");
    String defaultsName = defaultsFile.getFileName().toString();
    String userName = userFile.getFileName().toString();
    String defaultsText = read(defaultsFile, false);
    if (defaultsText == null) {
      throw new ConfigException("failed to read " + defaultsFile + ": no such file");
    }
    ObjectNode defaults = (ObjectNode) YamlDocument.parse(defaultsText, defaultsName).root;
    String userText = read(userFile, true);
    YamlDocument user =
        YamlDocument.parse(
            userText == null ? "" : EnvSubstitution.apply(userText, env, userName), userName);
    return load(defaults, user, userFile, userName, builtinPlugins);
  }

  private static LoadedConfig load(
      ObjectNode defaults, YamlDocument user, Path userFile, String userName,
      Set<String> builtinPlugins) throws ConfigException {
    Problems problems = new Problems(userName, user.lines);
    ObjectNode userTree = (ObjectNode) user.root;
    TreeMerge.check(userTree, defaults, problems);
    problems.throwIfAny();
    ObjectNode merged = TreeMerge.merge(defaults, userTree);
    GatewayConfig config = ConfigReader.read(userFile, merged, problems);
    List<String> warnings = new ArrayList<>();
    pluginWarnings(config, userTree.has("plugins"), builtinPlugins, warnings);
    adminWarnings(config, userName, warnings);
    return new LoadedConfig(config, warnings);
  }

  private static void pluginWarnings(
      GatewayConfig config, boolean userListed, Set<String> builtin, List<String> warnings) {
    Set<String> missing = new LinkedHashSet<>();
    for (String name : config.plugins()) {
      if (!builtin.contains(name)) {
        missing.add(name);
      }
    }
    if (missing.isEmpty()) {
      return;
    }
    if (userListed) {
      for (String name : missing) {
        warnings.add("plugin " + name + " is not available in this build and will not be loaded");
      }
    } else {
      // The default list is APISIX's; naming each absent plugin on every start would be noise.
      warnings.add(missing.size() + " plugins of APISIX's default plugins list are not available in "
          + "this build and will not be loaded (list them in plugins: to see each name)");
    }
  }

  private static void adminWarnings(GatewayConfig config, String userName, List<String> warnings) {
    GatewayConfig.Admin admin = config.deployment().admin();
    if (!config.apisix().enableAdmin() || "data_plane".equals(config.deployment().role())) {
      return;
    }
    if (!admin.adminKeyRequired()) {
      warnings.add("Admin key is bypassed (deployment.admin.admin_key_required is false); "
          + "enable it and set a secure admin key in production");
    }
    for (GatewayConfig.AdminKey key : admin.adminKeys()) {
      if (WELL_KNOWN_KEYS.contains(key.key())) {
        warnings.add("using fixed Admin API token has security risk: change the key of admin_key "
            + (key.name() == null ? "" : "'" + key.name() + "' ") + "in " + userName);
      } else if (key.key().isEmpty() && "viewer".equals(key.role())) {
        warnings.add("admin_key " + (key.name() == null ? "" : "'" + key.name() + "' ")
            + "has role viewer and an empty key; it will never match");
      }
    }
  }

  /** Reads UTF-8 text; null when the file is missing and that is allowed. */
  private static String read(Path file, boolean missingOk) throws ConfigException {
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .decode(ByteBuffer.wrap(Files.readAllBytes(file)))
              .toString();
      return text.startsWith("\uFEFF") ? text.substring(1) : text;
    } catch (NoSuchFileException e) {
      if (missingOk) {
        return null;
      }
      throw new ConfigException("failed to read " + file + ": no such file", e);
    } catch (CharacterCodingException e) {
      throw new ConfigException("failed to read " + file + ": not UTF-8", e);
    } catch (IOException e) {
      throw new ConfigException("failed to read " + file + ": " + e.getMessage(), e);
    }
  }
}
