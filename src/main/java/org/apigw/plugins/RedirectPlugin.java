package org.apigw.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apigw.plugin.Json;
import org.apigw.plugin.Phase;
import org.apigw.plugin.PhaseResult;
import org.apigw.plugin.Plugin;
import org.apigw.plugin.PluginConfigException;
import org.apigw.plugin.PluginContext;
import org.apigw.plugin.Regexes;
import org.apigw.plugin.Template;
import org.apigw.plugin.UriEncoding;

/**
 * redirect (900, rewrite): answers with a {@code Location}. {@code http_to_https} sends plain
 * HTTP requests to {@code https://$host[:port]$request_uri} (301 for GET/HEAD, 308 otherwise; the
 * port from {@code plugin_attr.redirect.https_port}, omitted when 443); {@code uri} is a template
 * with variables; {@code regex_uri} rewrites {@code $uri} and redirects only when it matches.
 */
public final class RedirectPlugin implements Plugin<RedirectPlugin.Config> {

  /** Typed conf: one of httpToHttps / uri / regex is set. */
  public record Config(
      boolean httpToHttps,
      Template uri,
      Pattern regex,
      Template replacement,
      int retCode,
      boolean encodeUri,
      boolean appendQueryString) {}

  private final int httpsPort;

  /** @param httpsPort port of https redirects; 443 (or ≤0) leaves it out of the Location */
  public RedirectPlugin(int httpsPort) {
    this.httpsPort = httpsPort;
  }

  /** Reads {@code plugin_attr.redirect.https_port}. */
  public static RedirectPlugin fromAttr(Map<String, JsonNode> pluginAttr) {
    JsonNode attr = pluginAttr.get("redirect");
    return new RedirectPlugin(attr == null ? 443 : attr.path("https_port").asInt(443));
  }

  @Override
  public String name() {
    return "redirect";
  }

  @Override
  public int priority() {
    return 900;
  }

  @Override
  public Set<Phase> phases() {
    return Set.of(Phase.REWRITE);
  }

  @Override
  public Config decode(JsonNode conf) {
    boolean toHttps = Json.bool(conf, "http_to_https", false);
    boolean append = Json.bool(conf, "append_query_string", false);
    if (toHttps && append) {
      throw new PluginConfigException(
          "only one of `http_to_https` and `append_query_string` can be configured.");
    }
    Pattern regex = null;
    Template replacement = null;
    if (conf.has("regex_uri")) {
      List<String> pair = Json.strings(conf, "regex_uri");
      regex = Regexes.compile(pair.get(0), 0);
      replacement = Template.compile(pair.get(1));
    }
    return new Config(
        toHttps,
        conf.has("uri") ? Template.compile(conf.get("uri").asText()) : null,
        regex,
        replacement,
        Json.integer(conf, "ret_code", 302),
        Json.bool(conf, "encode_uri", false),
        append);
  }

  @Override
  public PhaseResult rewrite(Config conf, PluginContext ctx) {
    int code = conf.retCode();
    String location = null;
    if (conf.httpToHttps() && "http".equals(ctx.scheme())) {
      String host = ctx.var("host");
      String port = httpsPort <= 0 || httpsPort == 443 || httpsPort > 65535 ? "" : ":" + httpsPort;
      location = "https://" + (host == null ? "" : host) + port + ctx.var("request_uri");
      String method = ctx.method();
      code = method.equals("GET") || method.equals("HEAD") ? 301 : 308;
    } else if (conf.uri() != null) {
      location = conf.uri().resolve(ctx, null);
    } else if (conf.regex() != null) {
      String uri = ctx.uri();
      Matcher m = conf.regex().matcher(uri);
      if (m.find()) {
        location = uri.substring(0, m.start()) + conf.replacement().resolve(ctx, m) + uri.substring(m.end());
      }
    }
    if (location == null) {
      return PhaseResult.CONTINUE;
    }
    if (conf.encodeUri()) {
      int q = location.indexOf('?');
      location = q < 0 ? UriEncoding.encode(location) : UriEncoding.encode(location.substring(0, q)) + location.substring(q);
    }
    if (conf.appendQueryString()) {
      String args = ctx.query();
      if (args != null && !args.isEmpty()) {
        location = location + (location.indexOf('?') >= 0 ? "&" : "?") + args;
      }
    }
    return new PhaseResult.Respond(code, Map.of("Location", location), null);
  }
}
