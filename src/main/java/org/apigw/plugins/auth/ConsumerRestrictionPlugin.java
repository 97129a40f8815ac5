package org.apigw.plugins.auth;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apigw.plugin.Json;
import org.apigw.plugin.Phase;
import org.apigw.plugin.PhaseResult;
import org.apigw.plugin.Plugin;
import org.apigw.plugin.PluginContext;

/**
 * consumer-restriction (2400, access): allows or refuses a request by who or what it is for —
 * {@code type} consumer_name (default), consumer_group_id, route_id or service_id. The blacklist
 * is checked first; then the whitelist; a value not whitelisted may still pass for the methods
 * {@code allowed_by_methods} lists for it. A request without the value (no consumer identified)
 * is a 401; a refused one gets {@code rejected_code} (403).
 */
public final class ConsumerRestrictionPlugin implements Plugin<ConsumerRestrictionPlugin.Config> {

  /**
   * Typed conf.
   *
   * @param var the request var holding the value {@code type} names
   * @param methodsByValue from {@code allowed_by_methods}; empty when not configured
   */
  public record Config(
      String var,
      Set<String> blacklist,
      Set<String> whitelist,
      Map<String, Set<String>> methodsByValue,
      boolean byMethods,
      PhaseResult.Respond missing,
      PhaseResult.Respond rejection) {}

  @Override
  public String name() {
    return "consumer-restriction";
  }

  @Override
  public int priority() {
    return 2400;
  }

  @Override
  public Set<Phase> phases() {
    return Set.of(Phase.ACCESS);
  }

  @Override
  public Config decode(JsonNode conf) {
    String type = Json.text(conf, "type", "consumer_name");
    Map<String, Set<String>> byMethods = new HashMap<>();
    JsonNode allowed = conf.get("allowed_by_methods");
    if (allowed != null) {
      for (JsonNode entry : allowed) {
        String user = Json.text(entry, "user", null);
        if (user != null) {
          byMethods.computeIfAbsent(user, u -> new java.util.HashSet<>()).addAll(Json.strings(entry, "methods"));
        }
      }
    }
    byMethods.replaceAll((u, m) -> Set.copyOf(m));
    String message = Json.text(conf, "rejected_msg", "The " + type + " is forbidden.");
    return new Config(
        type,
        conf.has("blacklist") ? Set.copyOf(Json.strings(conf, "blacklist")) : Set.of(),
        conf.has("whitelist") ? Set.copyOf(Json.strings(conf, "whitelist")) : Set.of(),
        Map.copyOf(byMethods),
        allowed != null && allowed.size() > 0,
        PhaseResult.message(401, "message", "The request is rejected, please check the " + type + " for this request"),
        PhaseResult.message(conf.path("rejected_code").asInt(403), "message", message));
  }

  @Override
  public PhaseResult access(Config conf, PluginContext ctx) {
    String value = ctx.var(conf.var());
    if (value == null) {
      return conf.missing();
    }
    if (conf.blacklist().contains(value)) {
      return conf.rejection();
    }
    boolean whitelisted = false;
    boolean block = false;
    if (!conf.whitelist().isEmpty()) {
      whitelisted = conf.whitelist().contains(value);
      block = !whitelisted;
    }
    if (conf.byMethods() && !whitelisted) {
      Set<String> methods = conf.methodsByValue().get(value);
      block = methods == null || !methods.contains(ctx.method());
    }
    return block ? conf.rejection() : PhaseResult.CONTINUE;
  }
}
