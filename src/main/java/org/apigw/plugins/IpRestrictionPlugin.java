package org.apigw.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import org.apigw.expr.CidrMatcher;
import org.apigw.plugin.Json;
import org.apigw.plugin.Phase;
import org.apigw.plugin.PhaseResult;
import org.apigw.plugin.Plugin;
import org.apigw.plugin.PluginConfigException;
import org.apigw.plugin.PluginContext;

/**
 * ip-restriction (3000, access): lets through only {@code $remote_addr}s in {@code whitelist},
 * or refuses those in {@code blacklist}, answering {@code {"message":"..."}} with {@code
 * response_code} (403 or 404).
 */
public final class IpRestrictionPlugin implements Plugin<IpRestrictionPlugin.Config> {

  /** Typed conf; {@code whitelist} or {@code blacklist} is null. */
  public record Config(CidrMatcher whitelist, CidrMatcher blacklist, PhaseResult.Respond rejection) {}

  @Override
  public String name() {
    return "ip-restriction";
  }

  @Override
  public int priority() {
    return 3000;
  }

  @Override
  public Set<Phase> phases() {
    return Set.of(Phase.ACCESS);
  }

  @Override
  public Config decode(JsonNode conf) {
    CidrMatcher white = matcher(conf, "whitelist");
    CidrMatcher black = matcher(conf, "blacklist");
    return new Config(
        white,
        black,
        PhaseResult.message(
            Json.integer(conf, "response_code", 403),
            "message",
            Json.text(conf, "message", "Your IP address is not allowed")));
  }

  private static CidrMatcher matcher(JsonNode conf, String field) {
    if (!conf.has(field)) {
      return null;
    }
    try {
      return CidrMatcher.parse(Json.strings(conf, field));
    } catch (IllegalArgumentException e) {
      throw new PluginConfigException(e.getMessage());
    }
  }

  @Override
  public PhaseResult access(Config conf, PluginContext ctx) {
    String ip = ctx.remoteAddr();
    boolean block = conf.blacklist() != null ? conf.blacklist().matches(ip) : !conf.whitelist().matches(ip);
    return block ? conf.rejection() : PhaseResult.CONTINUE;
  }
}
