package org.apigw.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  static final Path DEFAULTS = Path.of("conf/config-default.yaml");
  static final Path SHIPPED = Path.of("conf/config.yaml");
  static final Set<String> BUILTIN =
      Set.of("key-auth", "limit-count", "prometheus", "proxy-rewrite", "cors");

  @TempDir Path dir;

  LoadedConfig load(String userYaml) throws Exception {
    return load(userYaml, Map.of());
  }

  LoadedConfig load(String userYaml, Map<String, String> env) throws Exception {
    Path file = dir.resolve("config.yaml");
    Files.writeString(file, userYaml);
    return ConfigLoader.load(DEFAULTS, file, BUILTIN, env);
  }

  String error(String userYaml) throws IOException {
    Path file = dir.resolve("config.yaml");
    Files.writeString(file, userYaml);
    return assertThrows(
            ConfigException.class, () -> ConfigLoader.load(DEFAULTS, file, BUILTIN, Map.of()))
        .getMessage();
  }

  // ---- the shipped files ----

  @Test
  void shippedDefaultsAndConfig_load_withApisixDefaults() throws Exception {
    LoadedConfig loaded = ConfigLoader.load(DEFAULTS, SHIPPED, BUILTIN, Map.of());
    GatewayConfig c = loaded.config();
    assertEquals(List.of(new GatewayConfig.Listen("0.0.0.0", 9080)), c.apisix().nodeListen());
    assertEquals("radixtree_host_uri", c.apisix().routerHttp());
    assertTrue(c.apisix().enableAdmin());
    assertTrue(c.apisix().enableControl());
    assertEquals(new GatewayConfig.Listen("127.0.0.1", 9090), c.apisix().control());
    assertTrue(c.apisix().enableServerTokens());
    assertFalse(c.apisix().deleteUriTailSlash());
    assertEquals("warn", c.apisix().logLevel());

    GatewayConfig.Deployment d = c.deployment();
    assertEquals("traditional", d.role());
    assertEquals("etcd", d.configProvider());
    assertEquals(new GatewayConfig.Listen("0.0.0.0", 9180), d.admin().adminListen());
    assertEquals(
        List.of(
            new GatewayConfig.AdminKey("admin", "edd1c9f034335f136f87ad84b625c8f1", "admin"),
            new GatewayConfig.AdminKey("viewer", "4054f7cf07e344346cd3f287985e76a2", "viewer")),
        d.admin().adminKeys());
    assertTrue(d.admin().adminKeyRequired());
    assertEquals(List.of("127.0.0.0/24"), d.admin().allowAdmin());
    assertEquals("v3", d.admin().adminApiVersion());

    GatewayConfig.Etcd etcd = d.etcd();
    assertEquals(List.of("http://127.0.0.1:2379"), etcd.hosts());
    assertEquals("/apisix", etcd.prefix());
    assertEquals(30, etcd.timeout());
    assertEquals(5, etcd.startupTimeout());
    assertEquals(5, etcd.resyncDelay());
    assertNull(etcd.user());
    assertNull(etcd.password());
    assertEquals(new GatewayConfig.Tls(null, null, null, true, null), etcd.tls());
    assertEquals(
        new GatewayConfig.ConfigSnapshot(true, "logs/config-snapshot.json", 200),
        d.configSnapshot());
    assertNull(d.fallbackCp(), "fallback_cp is off until a bucket is configured");

    assertTrue(c.plugins().contains("key-auth"));
    assertFalse(c.plugins().contains("server-info"));
    assertEquals(
        "/apisix/prometheus/metrics", c.pluginAttr().get("prometheus").path("export_uri").asText());
    assertEquals(9091, c.pluginAttr().get("prometheus").path("export_addr").path("port").asInt());
    assertEquals(50, c.tree().path("deployment").path("etcd").path("watch_timeout").asInt());
    assertEquals(SHIPPED, c.file());
  }

  @Test
  void shippedConfig_warnsAboutWellKnownKeys_andSummarisesMissingDefaultPlugins()
      throws Exception {
    LoadedConfig loaded = ConfigLoader.load(DEFAULTS, SHIPPED, BUILTIN, Map.of());
    List<String> warnings = loaded.warnings();
    assertTrue(warnings.stream().anyMatch(w -> w.contains("fixed Admin API token")), warnings::toString);
    List<String> summary =
        warnings.stream().filter(w -> w.contains("default plugins list")).toList();
    assertEquals(1, summary.size(), warnings::toString);
    long missing = loaded.config().plugins().stream().filter(p -> !BUILTIN.contains(p)).count();
    assertTrue(summary.get(0).startsWith(missing + " plugins "), summary.get(0));
  }

  @Test
  void missingUserFile_meansAllDefaults() throws Exception {
    GatewayConfig c =
        ConfigLoader.load(DEFAULTS, dir.resolve("absent.yaml"), BUILTIN, Map.of()).config();
    assertEquals(List.of(new GatewayConfig.AdminKey("admin", "", "admin")),
        c.deployment().admin().adminKeys());
  }

  @Test
  void emptyOrCommentOnlyUserFile_meansAllDefaults() throws Exception {
    assertEquals(9080, load("# nothing here\n").config().apisix().nodeListen().get(0).port());
    assertEquals(9080, load("").config().apisix().nodeListen().get(0).port());
  }

  // ---- merge semantics ----

  @Test
  void maps_mergeRecursively_keepingSiblingDefaults() throws Exception {
    GatewayConfig c = load("apisix:\n  control:\n    port: 9099\n").config();
    assertEquals(new GatewayConfig.Listen("127.0.0.1", 9099), c.apisix().control());
    assertTrue(c.apisix().enableAdmin());
    assertEquals(
        "127.0.0.1", c.pluginAttr().get("prometheus").path("export_addr").path("ip").asText());
  }

  @Test
  void pluginAttr_mergesWithDefaults_andAcceptsUnknownPlugins() throws Exception {
    GatewayConfig c =
        load("plugin_attr:\n  prometheus:\n    export_addr:\n      port: 9100\n"
            + "  my-plugin:\n    anything: [1, 2]\n").config();
    assertEquals(9100, c.pluginAttr().get("prometheus").path("export_addr").path("port").asInt());
    assertEquals(
        "127.0.0.1", c.pluginAttr().get("prometheus").path("export_addr").path("ip").asText());
    assertEquals(2, c.pluginAttr().get("my-plugin").path("anything").size());
  }

  @Test
  void lists_replaceTheDefaultList() throws Exception {
    GatewayConfig c =
        load("apisix:\n  node_listen:\n    - 9081\n    - ip: 127.0.0.2\n      port: 9082\n"
            + "plugins:\n  - key-auth\n").config();
    assertEquals(
        List.of(new GatewayConfig.Listen("0.0.0.0", 9081),
            new GatewayConfig.Listen("127.0.0.2", 9082)),
        c.apisix().nodeListen());
    assertEquals(List.of("key-auth"), c.plugins());
  }

  @Test
  void explicitNull_removesTheDefault() throws Exception {
    GatewayConfig c =
        load("deployment:\n  admin:\n    allow_admin: ~\n  config_snapshot:\n    path: null\n"
            + "    enable: false\n"
            + "plugin_attr:\n  prometheus: ~\n").config();
    assertFalse(c.tree().path("deployment").path("admin").has("allow_admin"));
    assertEquals(ConfigReader.ALLOW_ALL, c.deployment().admin().allowAdmin());
    assertNull(c.deployment().configSnapshot().path());
    assertFalse(c.pluginAttr().containsKey("prometheus"));
  }

  @Test
  void explicitNull_onARequiredKey_isAnErrorNamingThePath() throws Exception {
    assertEquals("apisix->router->http: is required (one of radixtree_host_uri, radixtree_uri, "
        + "radixtree_uri_with_parameter) (config.yaml line 3)", error("apisix:\n  router:\n    http: ~\n"));
  }

  @Test
  void apisixConfigFile_withCompatKeys_loads() throws Exception {
    LoadedConfig loaded =
        load(String.join("\n",
            "apisix:",
            "  enable_ipv6: false",
            "  enable_http2: true",
            "  proxy_mode: http&stream",
            "  stream_proxy:",
            "    tcp:",
            "      - 9100",
            "  ssl:",
            "    enable: true",
            "    listen:",
            "      - port: 9443",
            "        enable_http3: false",
            "  status:",
            "    ip: 0.0.0.0",
            "    port: 7085",
            "nginx_config:",
            "  worker_processes: 4",
            "  error_log_level: notice",
            "  http:",
            "    client_max_body_size: 8m",
            "    underscores_in_headers: on",
            "    lua_shared_dict:",
            "      my-dict: 10m",
            "discovery:",
            "  dns:",
            "    servers: [\"127.0.0.1:53\"]",
            "deployment:",
            "  role: data_plane",
            "  role_data_plane:",
            "    config_provider: yaml",
            ""));
    assertEquals("info", loaded.config().apisix().logLevel());
    assertEquals("yaml", loaded.config().deployment().configProvider());
    assertEquals(4, loaded.config().tree().path("nginx_config").path("worker_processes").asInt());
  }

  // ---- env substitution ----

  @Test
  void envVar_isSubstitutedBeforeParsing_soNumbersStayNumbers() throws Exception {
    GatewayConfig c =
        load("apisix:\n  node_listen:\n    - ${{ PORT }}\ndeployment:\n  etcd:\n"
            + "    password: \"${{ETCD_PASSWORD}}\"\n",
            Map.of("PORT", "9555", "ETCD_PASSWORD", "s3cret")).config();
    assertEquals(9555, c.apisix().nodeListen().get(0).port());
    assertEquals("s3cret", c.deployment().etcd().password());
  }

  @Test
  void envVarDefault_isUsedWhenTheVariableIsUnset_andIgnoredWhenSet() throws Exception {
    String yaml = "deployment:\n  etcd:\n    prefix: ${{PREFIX:=/gw}}\n";
    assertEquals("/gw", load(yaml).config().deployment().etcd().prefix());
    assertEquals("/x", load(yaml, Map.of("PREFIX", "/x")).config().deployment().etcd().prefix());
    assertEquals("", load("deployment:\n  etcd:\n    user: \"${{U:=}}\"\n")
        .config().deployment().etcd().user());
  }

  @Test
  void missingEnvVar_withoutDefault_isAnErrorNamingTheVariableAndFile() throws Exception {
    String msg = error("deployment:\n  etcd:\n    user: root\n    password: ${{ETCD_PW}}\n");
    assertEquals(
        "failed to handle configuration: can't find environment variable ETCD_PW "
            + "(config.yaml line 4)", msg);
  }

  @Test
  void envVar_inACommentLine_isIgnored() throws Exception {
    load("# password: ${{NOT_SET}}\napisix:\n  enable_admin: true\n");
  }

  // ---- strict validation ----

  @Test
  void unknownKey_isAnErrorNamingThePathAndLine() throws Exception {
    assertEquals("unknown key apisix->node_listn (config.yaml line 2)",
        error("apisix:\n  node_listn: [9080]\n"));
  }

  @Test
  void unknownKey_insideAListEntry_namesTheElement() throws Exception {
    assertEquals("unknown key deployment->admin->admin_key[0]->rol (config.yaml line 5)",
        error("deployment:\n  admin:\n    admin_key:\n      - name: a\n        rol: admin\n"));
  }

  @Test
  void unknownTopLevelKey_isAnError() throws Exception {
    assertEquals("unknown key apisixx (config.yaml line 1)", error("apisixx:\n  a: 1\n"));
  }

  @Test
  void wrongKind_isAnErrorNamingThePathAndExpectedKind() throws Exception {
    assertEquals("apisix->node_listen: expected array, got integer (config.yaml line 2)",
        error("apisix:\n  node_listen: 9080\n"));
    assertEquals("apisix->enable_admin: expected boolean, got string (config.yaml line 2)",
        error("apisix:\n  enable_admin: \"yes please\"\n"));
    assertEquals("deployment->etcd->timeout: expected integer, got string (config.yaml line 3)",
        error("deployment:\n  etcd:\n    timeout: \"30\"\n"));
    assertEquals("deployment->etcd->password: expected string, got integer (quote the value to "
        + "make it a string) (config.yaml line 3)",
        error("deployment:\n  etcd:\n    password: 123456\n"));
    assertEquals("apisix->node_listen[0]: expected integer or map, got string (config.yaml line 3)",
        error("apisix:\n  node_listen:\n    - \"9080\"\n"));
  }

  @Test
  void mapReplacedByScalar_isATypeMismatchError() throws Exception {
    assertEquals("plugin_attr->prometheus->export_addr: expected map, got string "
        + "(config.yaml line 3)",
        error("plugin_attr:\n  prometheus:\n    export_addr: 127.0.0.1:9091\n"));
  }

  @Test
  void badPort_isAnErrorNamingThePath() throws Exception {
    assertEquals("apisix->node_listen[1]->port: port must be 1-65535, got 70000 "
        + "(config.yaml line 5)",
        error("apisix:\n  node_listen:\n    - 9080\n    - ip: 127.0.0.1\n      port: 70000\n"));
    assertEquals("deployment->admin->admin_listen->port: port must be 1-65535, got 0 "
        + "(config.yaml line 4)",
        error("deployment:\n  admin:\n    admin_listen:\n      port: 0\n"));
  }

  @Test
  void badListenIp_isAnError_andNeverResolved() throws Exception {
    assertEquals("apisix->control->ip: expected an IP address literal, got 'localhost' "
        + "(config.yaml line 3)", error("apisix:\n  control:\n    ip: localhost\n"));
  }

  @Test
  void badEnum_isAnErrorListingTheAllowedValues() throws Exception {
    assertEquals("apisix->router->http: expected one of radixtree_host_uri, radixtree_uri, "
        + "radixtree_uri_with_parameter, got 'radixtree_host' (config.yaml line 3)",
        error("apisix:\n  router:\n    http: radixtree_host\n"));
    assertEquals("deployment->role: expected one of control_plane, data_plane, traditional, "
        + "got 'standalone' (config.yaml line 2)", error("deployment:\n  role: standalone\n"));
    assertEquals("deployment->role_data_plane->config_provider: expected one of etcd, yaml, "
        + "got 'xds' (config.yaml line 4)",
        error("deployment:\n  role: data_plane\n  role_data_plane:\n    config_provider: xds\n"));
    assertTrue(error("nginx_config:\n  error_log_level: verbose\n")
        .startsWith("nginx_config->error_log_level: expected one of alert, crit, debug"));
    assertEquals("deployment->admin->admin_key[0]->role: expected one of admin, viewer, got "
        + "'root' (config.yaml line 6)",
        error("deployment:\n  admin:\n    admin_key:\n      - name: a\n        key: k\n"
            + "        role: root\n"));
  }

  @Test
  void logLevels_mapToOurLevels() throws Exception {
    assertEquals("debug", load("nginx_config:\n  error_log_level: debug\n")
        .config().apisix().logLevel());
    assertEquals("error", load("nginx_config:\n  error_log_level: emerg\n")
        .config().apisix().logLevel());
  }

  @Test
  void badCidr_isAnErrorNamingTheElement() throws Exception {
    assertEquals("deployment->admin->allow_admin[1]: expected an IPv4/IPv6 address or CIDR such "
        + "as 127.0.0.0/24, got 'example.com/24' (config.yaml line 5)",
        error("deployment:\n  admin:\n    allow_admin:\n      - 10.0.0.0/8\n"
            + "      - example.com/24\n"));
    assertTrue(error("deployment:\n  admin:\n    allow_admin: [\"10.0.0.0/33\"]\n")
        .startsWith("deployment->admin->allow_admin[0]: expected an IPv4/IPv6"));
  }

  @Test
  void ipv6AndBareAddresses_areValidAllowAdminEntries() throws Exception {
    assertEquals(List.of("::1", "fe80::/10", "192.168.1.7"),
        load("deployment:\n  admin:\n    allow_admin: [\"::1\", \"fe80::/10\", 192.168.1.7]\n")
            .config().deployment().admin().allowAdmin());
  }

  @Test
  void badEtcdUrl_isAnErrorNamingTheElement() throws Exception {
    assertEquals("deployment->etcd->host[0]: expected an http:// or https:// URL, got "
        + "'127.0.0.1:2379' (config.yaml line 4)",
        error("deployment:\n  etcd:\n    host:\n      - 127.0.0.1:2379\n"));
  }

  @Test
  void mixedEtcdSchemes_areAnError() throws Exception {
    assertEquals("deployment->etcd->host[1]: all etcd endpoints must use the same scheme, got "
        + "http and https (config.yaml line 5)",
        error("deployment:\n  etcd:\n    host:\n      - http://a:2379\n      - https://b:2379\n"));
  }

  @Test
  void emptyEtcdHostList_isAnError() throws Exception {
    assertEquals("deployment->etcd->host: at least one etcd endpoint is required (config.yaml "
        + "line 3)", error("deployment:\n  etcd:\n    host: []\n"));
  }

  @Test
  void prefix_mustStartWithSlash_andLosesTrailingSlash() throws Exception {
    assertEquals("deployment->etcd->prefix: must start with /, got 'apisix' (config.yaml line 3)",
        error("deployment:\n  etcd:\n    prefix: apisix\n"));
    assertEquals("/gw", load("deployment:\n  etcd:\n    prefix: /gw/\n")
        .config().deployment().etcd().prefix());
  }

  @Test
  void startupTimeout_mustBePositive() throws Exception {
    assertEquals("deployment->etcd->startup_timeout: must be an integer >= 1, got 0 "
        + "(config.yaml line 3)", error("deployment:\n  etcd:\n    startup_timeout: 0\n"));
  }

  @Test
  void tlsCertWithoutKey_isAnError() throws Exception {
    assertEquals("deployment->etcd->tls: cert and key must be set together (config.yaml line 3)",
        error("deployment:\n  etcd:\n    tls:\n      cert: /c.pem\n"));
  }

  @Test
  void everyProblem_isReported_oneLineEach() throws Exception {
    String msg = error("apisix:\n  node_listn: 1\n  enable_admin: 1\nfoo: 2\n");
    assertEquals(List.of(
        "unknown key apisix->node_listn (config.yaml line 2)",
        "apisix->enable_admin: expected boolean, got integer (config.yaml line 3)",
        "unknown key foo (config.yaml line 4)"), List.of(msg.split("\n")));
  }

  @Test
  void duplicateKey_isAnErrorNamingThePathAndLine() throws Exception {
    assertEquals("duplicate key apisix->enable_admin (config.yaml line 3)",
        error("apisix:\n  enable_admin: true\n  enable_admin: false\n"));
  }

  @Test
  void brokenYaml_isAnErrorNamingTheFileAndLine() throws Exception {
    assertTrue(error("apisix:\n  node_listen: [9080\n").startsWith("failed to parse config.yaml"));
  }

  // ---- plugins ----

  @Test
  void userListedPluginNotInThisBuild_isAWarningNotAnError() throws Exception {
    LoadedConfig loaded = load("plugins:\n  - key-auth\n  - xyz\n");
    assertEquals(List.of("key-auth", "xyz"), loaded.config().plugins());
    assertTrue(loaded.warnings()
        .contains("plugin xyz is not available in this build and will not be loaded"),
        loaded.warnings()::toString);
    assertFalse(loaded.warnings().stream().anyMatch(w -> w.contains("key-auth")));
  }

  @Test
  void adminKeyNotRequired_isAWarning() throws Exception {
    assertTrue(load("deployment:\n  admin:\n    admin_key_required: false\n").warnings().stream()
        .anyMatch(w -> w.startsWith("Admin key is bypassed")));
  }

  // ---- deployment.fallback_cp ----

  static final String FALLBACK =
      "deployment:\n  fallback_cp:\n    aws_s3:\n      access_key: ak\n      secret_key: sk\n"
          + "      resource_bucket: gw-config\n";

  @Test
  void fallbackCp_withBucketAndKeys_isReadWithDefaults() throws Exception {
    GatewayConfig.FallbackCp f = load(FALLBACK).config().deployment().fallbackCp();
    assertEquals(new GatewayConfig.AwsS3("ak", "sk", "us-east-1", "gw-config", null), f.awsS3());
    assertEquals("@every 1m", f.cronSpec().toString(), "API7's default schedule");
    assertFalse(f.awsS3().toString().contains("sk,"), "the secret is never printed: " + f);
  }

  @Test
  void fallbackCp_endpointAndCronSpec_areRead() throws Exception {
    GatewayConfig.FallbackCp f =
        load(FALLBACK + "      endpoint: http://127.0.0.1:9000\n      config_bucket: x\n"
            + "    cron_spec: '*/5 * * * *'\n").config().deployment().fallbackCp();
    assertEquals("http://127.0.0.1:9000", f.awsS3().endpoint());
    assertEquals(
        java.time.Instant.parse("2026-11-25T10:05:00Z"),
        f.cronSpec().next(java.time.Instant.parse("2026-11-25T10:01:00Z")));
  }

  @Test
  void fallbackCp_withoutBucket_isAnErrorNamingThePath() throws Exception {
    assertEquals(
        "deployment->fallback_cp->aws_s3->resource_bucket: is required when fallback_cp is "
            + "configured",
        error("deployment:\n  fallback_cp:\n    aws_s3:\n      access_key: ak\n"
            + "      secret_key: sk\n"));
  }

  @Test
  void dataEncryption_keyOfTheWrongLength_isAnErrorNamingIt() throws Exception {
    String e = error("apisix:\n  data_encryption:\n    keyring:\n      - qeddd145sfvddff3\n      - short\n");
    assertTrue(e.contains("apisix->data_encryption->keyring[1]: must be 16 or 32 characters long (an AES key), got 5"), e);
  }

  @Test
  void fallbackCp_badValues_areErrorsNamingThePath() throws Exception {
    String e = error(FALLBACK.replace("      secret_key: sk\n", "") + "      endpoint: s3.local\n"
        + "    cron_spec: '@every 1q'\n");
    assertTrue(e.contains("deployment->fallback_cp->aws_s3->secret_key: is required"), e);
    assertTrue(e.contains("deployment->fallback_cp->aws_s3->endpoint: expected an http:// or "
        + "https:// URL, got 's3.local'"), e);
    assertTrue(e.contains("deployment->fallback_cp->cron_spec: '@every 1q': '1q' is not a duration such as 30s, 1m or 1h30m"), e);
    assertTrue(error(FALLBACK + "      bucket: b\n")
        .startsWith("unknown key deployment->fallback_cp->aws_s3->bucket "), "unknown keys are refused");
  }
}
