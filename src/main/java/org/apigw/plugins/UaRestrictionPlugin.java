package org.apigw.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
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
 * ua-restriction (2999, access): the {@code User-Agent} must match one of {@code allowlist}, or
 * none of {@code denylist} (regexes, searched anywhere, case-sensitive); a missing User-Agent is
 * refused unless {@code bypass_missing}. Rejection: 403 {@code {"message":"..."}}.
 */
public final class UaRestrictionPlugin implements Plugin<UaRestrictionPlugin.Config> {

  /** Typed conf; exactly one of allowlist / denylist is non-null. */
  public record Config(
      List<Pattern> allowlist, List<Pattern> denylist, boolean bypassMissing, PhaseResult.Respond rejection) {}

  @Override
  public String name() {
    return "ua-restriction";
  }

  @Override
  public int priority() {
    return 2999;
  }

  @Override
  public Set<Phase> phases() {
    return Set.of(Phase.ACCESS);
  }

  @Override
  public Config decode(JsonNode conf) {
    return new Config(
        conf.has("allowlist") ? patterns(Json.strings(conf, "allowlist")) : null,
        conf.has("denylist") ? patterns(Json.strings(conf, "denylist")) : null,
        Json.bool(conf, "bypass_missing", false),
        PhaseResult.message(403, "message", Json.text(conf, "message", "Not allowed")));
  }

  private static List<Pattern> patterns(List<String> rules) {
    List<Pattern> out = new ArrayList<>(rules.size());
    for (String rule : rules) {
      out.add(Regexes.compile(rule, 0));
    }
    return List.copyOf(out);
  }

  @Override
  public PhaseResult access(Config conf, PluginContext ctx) {
    String ua = ctx.header("User-Agent");
    if (ua == null) {
      return conf.bypassMissing() ? PhaseResult.CONTINUE : conf.rejection();
    }
    boolean passed;
    if (conf.allowlist() != null) {
      passed = anyFinds(conf.allowlist(), ua);
    } else {
      passed = !anyFinds(conf.denylist(), ua);
    }
    return passed ? PhaseResult.CONTINUE : conf.rejection();
  }

  private static boolean anyFinds(List<Pattern> patterns, String ua) {
    for (Pattern p : patterns) {
      if (p.matcher(ua).find()) {
        return true;
      }
    }
    return false;
  }
}
