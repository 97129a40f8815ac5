package org.apigw.config;

import com.fasterxml.jackson.databind.JsonNode;
import org.apigw.fallback.CronSpec;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the merged, kind-checked tree into {@link GatewayConfig} and checks values: ports, enums,
 * URLs, CIDRs, prefixes. Kinds were checked by {@link TreeMerge}, so a value here is either of the
 * right kind or absent (reset with null).
 *
 * <p>Absent values (reset with null): booleans read as false (as a nil is falsy in APISIX), except
 * {@code tls.verify} which stays true; lists read as empty; optional strings as null; a required
 * value (an enum, a port, a duration) is an error.
 */
final class ConfigReader {
  static final Set<String> ROUTERS =
      Set.of("radixtree_host_uri", "radixtree_uri", "radixtree_uri_with_parameter");
  static final Set<String> ROLES = Set.of("traditional", "control_plane", "data_plane");
  static final Map<String, Set<String>> PROVIDERS =
      Map.of(
          "traditional", Set.of("etcd"),
          "control_plane", Set.of("etcd"),
          "data_plane", Set.of("etcd", "yaml"));
  static final Set<String> ADMIN_ROLES = Set.of("admin", "viewer");

  /** nginx error_log levels → the SLF4J level we log at. */
  static final Map<String, String> LOG_LEVELS =
      Map.of(
          "debug", "debug",
          "info", "info",
          "notice", "info",
          "warn", "warn",
          "error", "error",
          "crit", "error",
          "alert", "error",
          "emerg", "error");

  /** What an absent (null-reset) {@code allow_admin} means: nginx then has no allow list. */
  static final List<String> ALLOW_ALL = List.of("0.0.0.0/0", "::/0");

  private final ObjectNode tree;
  private final Problems problems;

  private ConfigReader(ObjectNode tree, Problems problems) {
    this.tree = tree;
    this.problems = problems;
  }

  static GatewayConfig read(Path file, ObjectNode tree, Problems problems) throws ConfigException {
    GatewayConfig config = new ConfigReader(tree, problems).read(file);
    problems.throwIfAny();
    return config;
  }

  private GatewayConfig read(Path file) {
    GatewayConfig.Apisix apisix = readApisix();
    GatewayConfig.Deployment deployment = readDeployment(apisix.enableAdmin());
    List<String> plugins = strings("plugins");
    Map<String, JsonNode> pluginAttr = new LinkedHashMap<>();
    JsonNode attr = node("plugin_attr");
    if (attr != null) {
      for (Map.Entry<String, JsonNode> e : attr.properties()) {
        pluginAttr.put(e.getKey(), e.getValue());
      }
    }
    return new GatewayConfig(
        file, tree, apisix, deployment, plugins, Collections.unmodifiableMap(pluginAttr));
  }

  private GatewayConfig.Apisix readApisix() {
    List<GatewayConfig.Listen> nodeListen = new ArrayList<>();
    JsonNode listen = node("apisix->node_listen");
    if (listen != null) {
      for (int i = 0; i < listen.size(); i++) {
        GatewayConfig.Listen l =
            listen(listen.get(i), YamlDocument.element("apisix->node_listen", i), "0.0.0.0");
        if (l != null) {
          nodeListen.add(l);
        }
      }
    }
    String router = enumValue("apisix->router->http", ROUTERS);
    boolean enableAdmin = bool("apisix->enable_admin", false);
    boolean enableControl = bool("apisix->enable_control", false);
    GatewayConfig.Listen control = null;
    if (enableControl) {
      control = requiredListen("apisix->control");
    }
    String level = enumValue("nginx_config->error_log_level", LOG_LEVELS.keySet());
    return new GatewayConfig.Apisix(
        List.copyOf(nodeListen),
        router,
        enableAdmin,
        enableControl,
        control,
        bool("apisix->enable_server_tokens", false),
        bool("apisix->delete_uri_tail_slash", false),
        level == null ? null : LOG_LEVELS.get(level),
        readDataEncryption());
  }

  private GatewayConfig.DataEncryption readDataEncryption() {
    List<String> keyring = strings("apisix->data_encryption->keyring");
    for (int i = 0; i < keyring.size(); i++) {
      int length = keyring.get(i).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      if (length != 16 && length != 32) {
        problems.at(
            YamlDocument.element("apisix->data_encryption->keyring", i),
            "must be 16 or 32 characters long (an AES key), got " + length);
      }
    }
    return new GatewayConfig.DataEncryption(
        bool("apisix->data_encryption->enable_encrypt_fields", true), List.copyOf(keyring));
  }

  private GatewayConfig.Deployment readDeployment(boolean enableAdmin) {
    String role = enumValue("deployment->role", ROLES);
    String provider = null;
    for (Map.Entry<String, Set<String>> p : PROVIDERS.entrySet()) {
      String path = "deployment->role_" + p.getKey() + "->config_provider";
      if (p.getKey().equals(role)) {
        provider = enumValue(path, p.getValue()); // required for the active role
      } else if (node(path) != null) {
        enumValue(path, p.getValue());
      }
    }
    boolean adminServed = enableAdmin && !"data_plane".equals(role);
    GatewayConfig.Admin admin = readAdmin(adminServed);
    boolean needsEtcd = "etcd".equals(provider);
    GatewayConfig.Etcd etcd = readEtcd(needsEtcd);
    GatewayConfig.ConfigSnapshot snapshot = readSnapshot();
    GatewayConfig.FallbackCp fallback = readFallbackCp();
    return new GatewayConfig.Deployment(role, provider, admin, etcd, snapshot, fallback);
  }

  private GatewayConfig.Admin readAdmin(boolean served) {
    String base = "deployment->admin";
    GatewayConfig.Listen adminListen = served ? requiredListen(base + "->admin_listen") : null;
    if (!served && node(base + "->admin_listen") != null) {
      adminListen = listen(node(base + "->admin_listen"), base + "->admin_listen", "0.0.0.0");
    }
    List<GatewayConfig.AdminKey> keys = new ArrayList<>();
    JsonNode keyList = node(base + "->admin_key");
    if (keyList != null) {
      for (int i = 0; i < keyList.size(); i++) {
        String path = YamlDocument.element(base + "->admin_key", i);
        JsonNode entry = keyList.get(i);
        String role = text(entry, "role");
        if (role == null) {
          problems.at(YamlDocument.child(path, "role"), "is required (admin or viewer)");
        } else if (!ADMIN_ROLES.contains(role)) {
          problems.at(YamlDocument.child(path, "role"),
              "expected one of admin, viewer, got '" + role + "'");
        }
        String key = text(entry, "key");
        keys.add(new GatewayConfig.AdminKey(text(entry, "name"), key == null ? "" : key, role));
      }
    }
    List<String> allow;
    if (node(base + "->allow_admin") == null) {
      allow = ALLOW_ALL;
    } else {
      allow = strings(base + "->allow_admin");
      for (int i = 0; i < allow.size(); i++) {
        if (!IpLiteral.isCidr(allow.get(i))) {
          problems.at(YamlDocument.element(base + "->allow_admin", i),
              "expected an IPv4/IPv6 address or CIDR such as 127.0.0.0/24, got '"
                  + allow.get(i) + "'");
        }
      }
    }
    String version = text(node(base), "admin_api_version");
    if (version != null && !version.equals("v3")) {
      problems.at(base + "->admin_api_version", "expected v3, got '" + version + "'");
    }
    return new GatewayConfig.Admin(
        adminListen,
        List.copyOf(keys),
        bool(base + "->admin_key_required", false),
        List.copyOf(allow),
        version);
  }

  private GatewayConfig.Etcd readEtcd(boolean required) {
    String base = "deployment->etcd";
    List<String> hosts = strings(base + "->host");
    if (hosts.isEmpty() && required) {
      problems.at(base + "->host", "at least one etcd endpoint is required");
    }
    String scheme = null;
    for (int i = 0; i < hosts.size(); i++) {
      String path = YamlDocument.element(base + "->host", i);
      String s = checkUrl(hosts.get(i), path);
      if (s == null) {
        continue;
      }
      if (scheme == null) {
        scheme = s;
      } else if (!scheme.equals(s)) {
        problems.at(path, "all etcd endpoints must use the same scheme, got " + scheme
            + " and " + s);
      }
    }
    String prefix = text(node(base), "prefix");
    if (prefix == null) {
      problems.at(base + "->prefix", "is required");
    } else if (!prefix.startsWith("/")) {
      problems.at(base + "->prefix", "must start with /, got '" + prefix + "'");
    } else {
      String trimmed = prefix.replaceAll("/+$", "");
      if (trimmed.isEmpty()) {
        problems.at(base + "->prefix", "must name a directory below /, got '" + prefix + "'");
      }
      prefix = trimmed;
    }
    int timeout = intAtLeast(base + "->timeout", 1);
    int startupTimeout = intAtLeast(base + "->startup_timeout", 1);
    int resyncDelay = intAtLeast(base + "->resync_delay", 0);
    JsonNode tlsNode = node(base + "->tls");
    String cert = text(tlsNode, "cert");
    String key = text(tlsNode, "key");
    if ((cert == null) != (key == null)) {
      problems.at(base + "->tls", "cert and key must be set together");
    }
    GatewayConfig.Tls tls =
        new GatewayConfig.Tls(
            cert,
            key,
            text(tlsNode, "ca_cert"),
            bool(base + "->tls->verify", true),
            text(tlsNode, "sni"));
    return new GatewayConfig.Etcd(
        List.copyOf(hosts),
        prefix,
        timeout,
        startupTimeout,
        resyncDelay,
        text(node(base), "user"),
        text(node(base), "password"),
        tls);
  }

  private GatewayConfig.ConfigSnapshot readSnapshot() {
    String base = "deployment->config_snapshot";
    boolean enable = bool(base + "->enable", false);
    String path = text(node(base), "path");
    if (enable && (path == null || path.isBlank())) {
      problems.at(base + "->path", "is required when config_snapshot is enabled");
    }
    long minInterval = 0;
    JsonNode interval = node(base + "->min_interval_ms");
    if (interval != null) {
      minInterval = interval.asLong();
      if (minInterval < 0) {
        problems.at(base + "->min_interval_ms", "must be >= 0, got " + minInterval);
      }
    }
    return new GatewayConfig.ConfigSnapshot(enable, path, minInterval);
  }

  /** Null (off) unless a resource bucket or any credential or endpoint is set. */
  private GatewayConfig.FallbackCp readFallbackCp() {
    String base = "deployment->fallback_cp";
    String s3 = base + "->aws_s3";
    JsonNode node = node(s3);
    String accessKey = text(node, "access_key");
    String secretKey = text(node, "secret_key");
    String bucket = text(node, "resource_bucket");
    String endpoint = text(node, "endpoint");
    if (bucket == null && accessKey == null && secretKey == null && endpoint == null) {
      return null;
    }
    if (bucket == null || bucket.isBlank()) {
      problems.at(s3 + "->resource_bucket", "is required when fallback_cp is configured");
    }
    if (accessKey == null || accessKey.isEmpty()) {
      problems.at(s3 + "->access_key", "is required when fallback_cp is configured");
    }
    if (secretKey == null || secretKey.isEmpty()) {
      problems.at(s3 + "->secret_key", "is required when fallback_cp is configured");
    }
    String region = text(node, "region");
    if (region == null || region.isBlank()) {
      problems.at(s3 + "->region", "is required when fallback_cp is configured");
    }
    if (endpoint != null) {
      checkUrl(endpoint, s3 + "->endpoint");
    }
    CronSpec schedule = null;
    String cron = text(node(base), "cron_spec");
    try {
      schedule = CronSpec.parse(cron, java.time.ZoneId.systemDefault());
    } catch (IllegalArgumentException e) {
      problems.at(base + "->cron_spec", e.getMessage());
    }
    return new GatewayConfig.FallbackCp(
        new GatewayConfig.AwsS3(accessKey, secretKey, region, bucket, endpoint), schedule);
  }

  /** Returns the URL's scheme, or null after reporting a problem. */
  private String checkUrl(String url, String path) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      uri = null;
    }
    String scheme = uri == null ? null : uri.getScheme();
    if (scheme == null || !(scheme.equals("http") || scheme.equals("https"))) {
      problems.at(path, "expected an http:// or https:// URL, got '" + url + "'");
      return null;
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      problems.at(path, "expected a URL with a host, got '" + url + "'");
      return null;
    }
    if (uri.getPort() == 0 || uri.getPort() > 65535) {
      problems.at(path, "port must be 1-65535, got '" + url + "'");
      return null;
    }
    if ((uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"))
        || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getUserInfo() != null) {
      problems.at(path, "expected scheme://host:port without path, query or credentials, got '"
          + url + "'");
      return null;
    }
    return scheme;
  }

  // ---- typed accessors over the merged tree ----

  /** The node at a {@code a->b->c} path, or null when absent or null. */
  private JsonNode node(String path) {
    JsonNode n = tree;
    for (String key : path.split("->")) {
      n = n == null ? null : n.get(key);
    }
    return n == null || n.isNull() ? null : n;
  }

  private static String text(JsonNode parent, String key) {
    JsonNode n = parent == null ? null : parent.get(key);
    return n == null || n.isNull() ? null : n.asText();
  }

  private boolean bool(String path, boolean absent) {
    JsonNode n = node(path);
    return n == null ? absent : n.asBoolean();
  }

  private List<String> strings(String path) {
    JsonNode n = node(path);
    List<String> out = new ArrayList<>();
    if (n != null) {
      n.forEach(e -> out.add(e.asText()));
    }
    return out;
  }

  private String enumValue(String path, Set<String> allowed) {
    JsonNode n = node(path);
    if (n == null) {
      problems.at(path, "is required (one of " + sorted(allowed) + ")");
      return null;
    }
    if (!allowed.contains(n.asText())) {
      problems.at(path, "expected one of " + sorted(allowed) + ", got '" + n.asText() + "'");
      return null;
    }
    return n.asText();
  }

  private int intAtLeast(String path, int min) {
    JsonNode n = node(path);
    if (n == null) {
      problems.at(path, "is required");
      return min;
    }
    if (!n.canConvertToInt() || n.asInt() < min) {
      problems.at(path, "must be an integer >= " + min + ", got " + n.asText());
      return min;
    }
    return n.asInt();
  }

  private GatewayConfig.Listen requiredListen(String path) {
    JsonNode n = node(path);
    if (n == null) {
      problems.at(path, "is required");
      return null;
    }
    return listen(n, path, "0.0.0.0");
  }

  /** A port or an {@code {ip, port}} map; reports and returns null when invalid. */
  private GatewayConfig.Listen listen(JsonNode n, String path, String defaultIp) {
    JsonNode portNode = n.isObject() ? n.get("port") : n;
    String portPath = n.isObject() ? YamlDocument.child(path, "port") : path;
    String ip = defaultIp;
    if (n.isObject() && n.hasNonNull("ip")) {
      ip = n.get("ip").asText();
      String bare = ip.startsWith("[") && ip.endsWith("]") ? ip.substring(1, ip.length() - 1) : ip;
      if (!IpLiteral.isAddress(bare)) {
        problems.at(YamlDocument.child(path, "ip"),
            "expected an IP address literal, got '" + ip + "'");
        return null;
      }
      ip = bare;
    }
    if (portNode == null || portNode.isNull()) {
      problems.at(portPath, "is required");
      return null;
    }
    if (!portNode.canConvertToInt() || portNode.asInt() < 1 || portNode.asInt() > 65535) {
      problems.at(portPath, "port must be 1-65535, got " + portNode.asText());
      return null;
    }
    return new GatewayConfig.Listen(ip, portNode.asInt());
  }

  private static String sorted(Set<String> values) {
    return String.join(", ", values.stream().sorted().toList());
  }
}
