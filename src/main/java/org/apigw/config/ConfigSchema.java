package org.apigw.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * What the defaults file cannot say by itself. Everywhere else the expected kind of a key is the
 * kind of its default, and the keys of a map are the keys of its default.
 *
 * <p>Schema paths use {@code ->} between keys and {@code []} for "any element of this array", e.g.
 * {@code apisix->node_listen[]}. This class is the one place that marks free-form subtrees and
 * gives kinds to keys whose default is null or that accept more than one kind.
 */
final class ConfigSchema {
  private ConfigSchema() {}

  /**
   * Subtrees whose keys are not known in advance (plugin names, dictionary names, registry
   * settings). Inside them any key is accepted; a key that also has a default still has to match
   * the default's kind, as in APISIX's merge_conf.
   */
  static final Set<String> FREE_FORM =
      Set.of(
          "plugin_attr",
          "discovery",
          "ext-plugin",
          "wasm",
          "xrpc",
          "apisix->proxy_cache",
          "apisix->stream_proxy",
          "nginx_config->meta->lua_shared_dict",
          "nginx_config->stream->lua_shared_dict",
          "nginx_config->http->lua_shared_dict",
          "nginx_config->http->custom_lua_shared_dict");

  /** The expectation for one schema path: the kinds allowed, and for maps the known keys. */
  record Expect(Set<Kind> kinds, JsonNode template) {}

  /**
   * Keys whose default is null or whose value may be of several kinds. A template is a map whose
   * keys are the allowed keys and whose values show each key's kind.
   */
  static final Map<String, Expect> OVERRIDES =
      Map.ofEntries(
          Map.entry("apisix->node_listen[]", of(map("ip", "", "port", 0, "enable_http2", true),
              Kind.INTEGER, Kind.MAP)),
          Map.entry("apisix->ssl->listen[]",
              of(map("ip", "", "port", 0, "enable_http2", true, "enable_http3", false), Kind.MAP)),
          Map.entry("apisix->status", of(map("ip", "", "port", 0), Kind.MAP)),
          Map.entry("apisix->lua_module_hook", of(null, Kind.STRING)),
          Map.entry("apisix->proxy_cache", of(null, Kind.MAP)),
          Map.entry("apisix->stream_proxy", of(null, Kind.MAP)),
          Map.entry("apisix->dns_resolver", of(null, Kind.ARRAY)),
          Map.entry("apisix->dns_resolver[]", of(null, Kind.STRING)),
          Map.entry("apisix->dns_resolver_valid", of(null, Kind.INTEGER)),
          Map.entry("apisix->ssl->fallback_sni", of(null, Kind.STRING)),
          Map.entry("nginx_config->envs", of(null, Kind.ARRAY)),
          Map.entry("nginx_config->envs[]", of(null, Kind.STRING)),
          Map.entry("nginx_config->worker_processes", of(null, Kind.STRING, Kind.INTEGER)),
          Map.entry("nginx_config->worker_shutdown_timeout", of(null, Kind.STRING, Kind.INTEGER)),
          Map.entry("nginx_config->http->keepalive_timeout", of(null, Kind.STRING, Kind.INTEGER)),
          Map.entry("nginx_config->http->client_header_timeout",
              of(null, Kind.STRING, Kind.INTEGER)),
          Map.entry("nginx_config->http->client_body_timeout", of(null, Kind.STRING, Kind.INTEGER)),
          Map.entry("nginx_config->http->send_timeout", of(null, Kind.STRING, Kind.INTEGER)),
          Map.entry("nginx_config->http->client_max_body_size",
              of(null, Kind.INTEGER, Kind.STRING)),
          Map.entry("nginx_config->http->underscores_in_headers",
              of(null, Kind.STRING, Kind.BOOLEAN)),
          Map.entry("nginx_config->http->real_ip_recursive", of(null, Kind.STRING, Kind.BOOLEAN)),
          Map.entry("nginx_config->http->upstream->keepalive_timeout",
              of(null, Kind.STRING, Kind.INTEGER)),
          Map.entry("discovery", of(null, Kind.MAP)),
          Map.entry("ext-plugin", of(null, Kind.MAP)),
          Map.entry("wasm", of(null, Kind.MAP)),
          Map.entry("xrpc", of(null, Kind.MAP)),
          Map.entry("deployment->etcd->user", of(null, Kind.STRING)),
          Map.entry("deployment->etcd->password", of(null, Kind.STRING)),
          Map.entry("deployment->etcd->tls->cert", of(null, Kind.STRING)),
          Map.entry("deployment->etcd->tls->key", of(null, Kind.STRING)),
          Map.entry("deployment->etcd->tls->ca_cert", of(null, Kind.STRING)),
          Map.entry("deployment->etcd->tls->sni", of(null, Kind.STRING)),
          Map.entry("deployment->fallback_cp->aws_s3->access_key", of(null, Kind.STRING)),
          Map.entry("deployment->fallback_cp->aws_s3->secret_key", of(null, Kind.STRING)),
          Map.entry("deployment->fallback_cp->aws_s3->config_bucket", of(null, Kind.STRING)),
          Map.entry("deployment->fallback_cp->aws_s3->resource_bucket", of(null, Kind.STRING)),
          Map.entry("deployment->fallback_cp->aws_s3->endpoint", of(null, Kind.STRING)));

  private static Expect of(JsonNode template, Kind first, Kind... rest) {
    return new Expect(EnumSet.of(first, rest), template);
  }

  private static ObjectNode map(Object... keyValues) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    for (int i = 0; i < keyValues.length; i += 2) {
      Object v = keyValues[i + 1];
      String k = (String) keyValues[i];
      if (v instanceof String s) {
        node.put(k, s);
      } else if (v instanceof Integer n) {
        node.put(k, n);
      } else {
        node.put(k, (Boolean) v);
      }
    }
    return node;
  }

  static boolean isFreeForm(String schemaPath) {
    return FREE_FORM.contains(schemaPath);
  }

  /**
   * The expectation at {@code schemaPath}: the override if there is one, else what the default
   * shows, else null (no default and no override: only acceptable inside a free-form subtree).
   */
  static Expect expect(String schemaPath, JsonNode dflt) {
    Expect override = OVERRIDES.get(schemaPath);
    if (override != null) {
      if (override.template() == null && dflt != null && dflt.isObject()) {
        return new Expect(override.kinds(), dflt);
      }
      return override;
    }
    if (dflt == null || dflt.isNull()) {
      return null;
    }
    return new Expect(EnumSet.of(Kind.of(dflt)), dflt.isObject() ? dflt : null);
  }
}
