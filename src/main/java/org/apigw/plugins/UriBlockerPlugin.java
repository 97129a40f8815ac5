package org.apigw.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.apigw.plugin.Json;
import org.apigw.plugin.Phase;
import org.apigw.plugin.PhaseResult;
import org.apigw.plugin.Plugin;
import org.apigw.plugin.PluginContext;
import org.apigw.plugin.Regexes;

/**
 * uri-blocker (2900, rewrite): refuses requests whose normalized path and query match any of
 * {@code block_rules} (PCRE-style, searched anywhere, joined into one pattern at decode time).
 */
public final class UriBlockerPlugin implements Plugin<UriBlockerPlugin.Config> {

  /** Typed conf. */
  public record Config(Pattern rules, PhaseResult.Respond rejection) {}

  @Override
  public String name() {
    return "uri-blocker";
  }

  @Override
  public int priority() {
    return 2900;
  }

  @Override
  public Set<Phase> phases() {
    return Set.of(Phase.REWRITE);
  }

  @Override
  public Config decode(JsonNode conf) {
    List<String> rules = Json.strings(conf, "block_rules");
    boolean caseless = Json.bool(conf, "case_insensitive", false);
    int flags = caseless ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0;
    for (String rule : rules) {
      Regexes.compile(rule, flags); // names the rule at fault
    }
    Pattern joined = Regexes.compile(rules.isEmpty() ? "(?!)" : String.join("|", rules), flags);
    int code = Json.integer(conf, "rejected_code", 403);
    String msg = Json.text(conf, "rejected_msg", null);
    return new Config(joined, msg == null ? PhaseResult.respond(code) : PhaseResult.message(code, "error_msg", msg));
  }

  @Override
  public PhaseResult rewrite(Config conf, PluginContext ctx) {
    String query = ctx.query();
    String target = query == null ? ctx.uri() : ctx.uri() + "?" + query;
    return conf.rules().matcher(target).find() ? conf.rejection() : PhaseResult.CONTINUE;
  }
}
