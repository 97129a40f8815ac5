package org.apigw.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apigw.expr.Expr;
import org.apigw.expr.ExprException;
import org.apigw.plugin.Json;
import org.apigw.plugin.Phase;
import org.apigw.plugin.Plugin;
import org.apigw.plugin.PluginConfigException;
import org.apigw.plugin.PluginContext;
import org.apigw.plugin.Regexes;
import org.apigw.plugin.Template;

/**
 * response-rewrite (899, header_filter + body_filter): when {@code vars} match (or are absent),
 * sets {@code status_code}, changes headers ({@code add} "Name: value", {@code set}, {@code
 * remove}, in that order; values may use variables; the legacy flat map means set) and replaces
 * the body with {@code body} (decoded when {@code body_base64}) or rewrites it with {@code
 * filters} (regex substitutions on the whole body, collected first). Applies to upstream and
 * gateway-generated responses alike.
 */
public final class ResponseRewritePlugin implements Plugin<ResponseRewritePlugin.Config> {

  private static final String MATCHED_ATTR = "response-rewrite.matched";
  private static final String BODY_ATTR = "response-rewrite.body";

  /** One regex substitution. */
  public record Filter(Pattern regex, boolean global, String replace) {}

  /** Typed conf; status 0 = keep, body null = keep, filters empty = none. */
  public record Config(
      int status,
      List<Map.Entry<String, Template>> add,
      Map<String, Template> set,
      List<String> remove,
      byte[] body,
      List<Filter> filters,
      List<Expr> vars) {}

  @Override
  public String name() {
    return "response-rewrite";
  }

  @Override
  public int priority() {
    return 899;
  }

  @Override
  public Set<Phase> phases() {
    return Set.of(Phase.HEADER_FILTER, Phase.BODY_FILTER);
  }

  @Override
  public Config decode(JsonNode conf) {
    List<Map.Entry<String, Template>> add = new ArrayList<>();
    Map<String, Template> set = new LinkedHashMap<>();
    List<String> remove = new ArrayList<>();
    JsonNode h = conf.get("headers");
    if (h != null && h.isObject()) {
      boolean structured = h.has("add") || h.has("set") || h.has("remove");
      if (structured) {
        for (String item : Json.strings(h, "add")) {
          int colon = item.indexOf(':');
          add.add(Map.entry(item.substring(0, colon).trim(), Template.compile(item.substring(colon + 1).trim())));
        }
        Json.stringMap(h, "set").forEach((k, v) -> set.put(k, Template.compile(v)));
        remove.addAll(Json.strings(h, "remove"));
      } else {
        Json.stringMap(conf, "headers").forEach((k, v) -> set.put(k, Template.compile(v)));
      }
    }
    byte[] body = null;
    if (conf.has("body")) {
      String text = conf.get("body").asText();
      if (Json.bool(conf, "body_base64", false)) {
        try {
          body = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
          throw new PluginConfigException("invalid base64 content");
        }
      } else {
        body = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      }
    }
    List<Filter> filters = new ArrayList<>();
    JsonNode fs = conf.get("filters");
    if (fs != null) {
      for (JsonNode f : fs) {
        String regex = f.get("regex").asText();
        String options = Json.text(f, "options", "jo");
        int flags = 0;
        if (options.contains("i")) {
          flags |= Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
        }
        if (options.contains("m")) {
          flags |= Pattern.MULTILINE;
        }
        if (options.contains("s")) {
          flags |= Pattern.DOTALL;
        }
        if (options.contains("x")) {
          flags |= Pattern.COMMENTS;
        }
        Pattern p;
        try {
          p = Regexes.compile(regex, flags);
        } catch (PluginConfigException e) {
          throw new PluginConfigException("regex \"" + regex + "\" validation failed: " + e.getMessage());
        }
        filters.add(new Filter(p, "global".equals(Json.text(f, "scope", "once")), f.get("replace").asText()));
      }
    }
    List<Expr> vars = new ArrayList<>();
    if (conf.has("vars")) {
      try {
        vars.add(Expr.compile(conf.get("vars")));
      } catch (ExprException | RuntimeException e) {
        throw new PluginConfigException("failed to validate the 'vars' expression: " + e.getMessage());
      }
    }
    return new Config(
        Json.integer(conf, "status_code", 0),
        List.copyOf(add),
        java.util.Collections.unmodifiableMap(set),
        List.copyOf(remove),
        body,
        List.copyOf(filters),
        List.copyOf(vars));
  }

  @Override
  public void headerFilter(Config conf, PluginContext ctx) {
    for (Expr e : conf.vars()) {
      if (!e.test(ctx)) {
        return;
      }
    }
    ctx.attr(MATCHED_ATTR, Boolean.TRUE);
    if (conf.status() > 0) {
      ctx.setStatus(conf.status());
    }
    if (conf.body() != null || !conf.filters().isEmpty()) {
      ctx.removeResponseHeader("Content-Length");
      ctx.removeResponseHeader("ETag");
      ctx.removeResponseHeader("Last-Modified");
      ctx.removeResponseHeader("Content-Encoding");
    }
    for (Map.Entry<String, Template> a : conf.add()) {
      ctx.addResponseHeader(a.getKey(), a.getValue().resolve(ctx, null));
    }
    for (Map.Entry<String, Template> s : conf.set().entrySet()) {
      ctx.setResponseHeader(s.getKey(), s.getValue().resolve(ctx, null));
    }
    for (String r : conf.remove()) {
      ctx.removeResponseHeader(r);
    }
  }

  @Override
  public Buffer bodyFilter(Config conf, PluginContext ctx, Buffer chunk, boolean last) {
    if (ctx.attr(MATCHED_ATTR) == null) {
      return chunk;
    }
    if (conf.body() != null) {
      return last ? Buffer.buffer(conf.body()) : Buffer.buffer();
    }
    if (conf.filters().isEmpty()) {
      return chunk;
    }
    Buffer collected = (Buffer) ctx.attr(BODY_ATTR);
    if (collected == null) {
      if (last) {
        return Buffer.buffer(applyFilters(conf.filters(), chunk.toString()));
      }
      collected = Buffer.buffer();
      ctx.attr(BODY_ATTR, collected);
    }
    collected.appendBuffer(chunk);
    if (!last) {
      return Buffer.buffer();
    }
    return Buffer.buffer(applyFilters(conf.filters(), collected.toString()));
  }

  /** Applies the substitutions in order, like ngx.re.sub (once) / ngx.re.gsub (global). */
  static String applyFilters(List<Filter> filters, String body) {
    for (Filter f : filters) {
      Matcher m = f.regex().matcher(body);
      StringBuilder out = new StringBuilder();
      boolean any = false;
      while (m.find()) {
        any = true;
        m.appendReplacement(out, Matcher.quoteReplacement(expand(f.replace(), m)));
        if (!f.global()) {
          break;
        }
      }
      if (any) {
        m.appendTail(out);
        body = out.toString();
      }
    }
    return body;
  }

  /** ngx.re replacement syntax: {@code $0}..{@code $9}, {@code ${n}}, {@code $$} is a dollar. */
  static String expand(String replace, Matcher m) {
    if (replace.indexOf('$') < 0) {
      return replace;
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < replace.length(); i++) {
      char c = replace.charAt(i);
      if (c != '$' || i + 1 >= replace.length()) {
        b.append(c);
        continue;
      }
      char n = replace.charAt(i + 1);
      if (n == '$') {
        b.append('$');
        i++;
      } else if (Character.isDigit(n)) {
        int g = n - '0';
        b.append(g <= m.groupCount() && m.group(g) != null ? m.group(g) : "");
        i++;
      } else if (n == '{') {
        int close = replace.indexOf('}', i + 2);
        String num = close < 0 ? "" : replace.substring(i + 2, close);
        if (!num.isEmpty() && num.chars().allMatch(Character::isDigit)) {
          int g = Integer.parseInt(num);
          b.append(g <= m.groupCount() && m.group(g) != null ? m.group(g) : "");
          i = close;
        } else {
          b.append(c);
        }
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
