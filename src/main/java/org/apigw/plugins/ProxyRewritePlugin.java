package org.apigw.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
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
 * proxy-rewrite (1008, rewrite): changes what goes upstream — the uri ({@code uri} with
 * variables, or the first matching {@code regex_uri} pair applied to {@code $uri}), the method,
 * the Host, and headers ({@code add}, then {@code set}, then {@code remove}; the legacy flat map
 * sets, an empty value removes). The client's query string is kept: appended with {@code ?} or,
 * when the new uri has one, with {@code &}.
 */
public final class ProxyRewritePlugin implements Plugin<ProxyRewritePlugin.Config> {

  /** A header operation: name plus value template. */
  record Header(String name, Template value) {}

  /** Typed conf; absent parts are null or empty. */
  public record Config(
      Template uri,
      List<Pattern> regexes,
      List<Template> replacements,
      String method,
      String host,
      List<Header> add,
      List<Header> set,
      List<String> remove,
      boolean rawUri) {}

  @Override
  public String name() {
    return "proxy-rewrite";
  }

  @Override
  public int priority() {
    return 1008;
  }

  @Override
  public Set<Phase> phases() {
    return Set.of(Phase.REWRITE);
  }

  @Override
  public Config decode(JsonNode conf) {
    List<String> regexUri = Json.strings(conf, "regex_uri");
    if (regexUri.size() % 2 != 0) {
      throw new PluginConfigException("The length of regex_uri should be an even number");
    }
    List<Pattern> regexes = new ArrayList<>();
    List<Template> replacements = new ArrayList<>();
    for (int i = 0; i < regexUri.size(); i += 2) {
      regexes.add(Regexes.compile(regexUri.get(i), 0));
      replacements.add(Template.compile(regexUri.get(i + 1)));
    }
    List<Header> add = new ArrayList<>();
    List<Header> set = new ArrayList<>();
    List<String> remove = new ArrayList<>();
    JsonNode headers = conf.get("headers");
    if (headers != null) {
      boolean structured = headers.has("add") || headers.has("set") || headers.has("remove");
      if (structured) {
        Json.stringMap(headers, "add").forEach((k, v) -> add.add(new Header(k, Template.compile(v))));
        Json.stringMap(headers, "set").forEach((k, v) -> set.add(new Header(k, Template.compile(v))));
        remove.addAll(Json.strings(headers, "remove"));
      } else {
        for (Map.Entry<String, String> e : Json.stringMap(conf, "headers").entrySet()) {
          if (e.getValue().isEmpty()) {
            remove.add(e.getKey());
          } else {
            set.add(new Header(e.getKey(), Template.compile(e.getValue())));
          }
        }
      }
    }
    return new Config(
        conf.has("uri") ? Template.compile(conf.get("uri").asText()) : null,
        List.copyOf(regexes),
        List.copyOf(replacements),
        Json.text(conf, "method", null),
        Json.text(conf, "host", null),
        List.copyOf(add),
        List.copyOf(set),
        List.copyOf(remove),
        Json.bool(conf, "use_real_request_uri_unsafe", false));
  }

  @Override
  public PhaseResult rewrite(Config conf, PluginContext ctx) {
    Matcher captures = null;
    String upstream = null;
    if (conf.uri() != null) {
      upstream = conf.uri().resolve(ctx, null);
    } else if (!conf.regexes().isEmpty()) {
      String uri = ctx.uri();
      for (int i = 0; i < conf.regexes().size(); i++) {
        Matcher m = conf.regexes().get(i).matcher(uri);
        if (m.find()) {
          captures = m;
          String replaced = conf.replacements().get(i).resolve(ctx, m);
          upstream = uri.substring(0, m.start()) + replaced + uri.substring(m.end());
          break;
        }
      }
    }
    if (conf.rawUri()) {
      ctx.setUpstreamUri(ctx.var("request_uri"));
    } else if (upstream != null) {
      int q = upstream.indexOf('?');
      String encoded =
          q < 0 ? UriEncoding.encode(upstream) : UriEncoding.encode(upstream.substring(0, q)) + upstream.substring(q);
      String args = ctx.query();
      if (args != null) {
        encoded = encoded + (q < 0 ? "?" : "&") + args;
      }
      ctx.setUpstreamUri(encoded);
    }
    if (conf.method() != null) {
      ctx.setUpstreamMethod(conf.method());
    }
    if (conf.host() != null) {
      ctx.setUpstreamHost(conf.host());
    }
    for (Header h : conf.add()) {
      ctx.addHeader(h.name(), h.value().resolve(ctx, captures));
    }
    for (Header h : conf.set()) {
      ctx.setHeader(h.name(), h.value().resolve(ctx, captures));
    }
    for (String name : conf.remove()) {
      ctx.removeHeader(name);
    }
    return PhaseResult.CONTINUE;
  }
}
