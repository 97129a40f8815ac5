package org.apigw.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.apigw.expr.Expr;
import org.apigw.expr.ExprException;
import org.apigw.plugin.Json;
import org.apigw.plugin.Phase;
import org.apigw.plugin.PhaseResult;
import org.apigw.plugin.Plugin;
import org.apigw.plugin.PluginConfigException;
import org.apigw.plugin.PluginContext;
import org.apigw.plugin.Template;

/**
 * fault-injection (11000, rewrite): delays the request by {@code delay.duration} seconds and/or
 * aborts it with {@code abort.http_status} (body and headers may use variables). Each part applies
 * only when its {@code vars} (a list of expressions, any of which may match) match and a draw
 * falls within its {@code percentage}. The delay comes first.
 */
public final class FaultInjectionPlugin implements Plugin<FaultInjectionPlugin.Config> {

  /** The abort part; body null = none. */
  public record Abort(int status, Template body, Map<String, Template> headers, Integer percentage, List<Expr> vars) {}

  /** The delay part. */
  public record Delay(long millis, Integer percentage, List<Expr> vars) {}

  /** Typed conf; either part may be null. */
  public record Config(Abort abort, Delay delay) {}

  @Override
  public String name() {
    return "fault-injection";
  }

  @Override
  public int priority() {
    return 11000;
  }

  @Override
  public Set<Phase> phases() {
    return Set.of(Phase.REWRITE);
  }

  @Override
  public Config decode(JsonNode conf) {
    Abort abort = null;
    JsonNode a = conf.get("abort");
    if (a != null) {
      Map<String, Template> headers = new LinkedHashMap<>();
      Json.stringMap(a, "headers").forEach((k, v) -> headers.put(k, Template.compile(v)));
      abort =
          new Abort(
              a.get("http_status").asInt(),
              a.has("body") ? Template.compile(a.get("body").asText()) : null,
              java.util.Collections.unmodifiableMap(headers),
              a.has("percentage") ? a.get("percentage").asInt() : null,
              vars(a.get("vars")));
    }
    Delay delay = null;
    JsonNode d = conf.get("delay");
    if (d != null) {
      delay =
          new Delay(
              Math.round(d.get("duration").asDouble() * 1000),
              d.has("percentage") ? d.get("percentage").asInt() : null,
              vars(d.get("vars")));
    }
    return new Config(abort, delay);
  }

  private static List<Expr> vars(JsonNode vars) {
    if (vars == null) {
      return List.of();
    }
    List<Expr> out = new ArrayList<>();
    for (JsonNode v : vars) {
      try {
        out.add(Expr.compile(v));
      } catch (ExprException | RuntimeException e) {
        throw new PluginConfigException("failed to validate the 'vars' expression: " + e.getMessage());
      }
    }
    return List.copyOf(out);
  }

  private static boolean applies(Integer percentage, List<Expr> vars, PluginContext ctx) {
    if (!vars.isEmpty()) {
      boolean any = false;
      for (Expr e : vars) {
        if (e.test(ctx)) {
          any = true;
          break;
        }
      }
      if (!any) {
        return false;
      }
    }
    return percentage == null || ThreadLocalRandom.current().nextInt(1, 101) <= percentage;
  }

  @Override
  public PhaseResult rewrite(Config conf, PluginContext ctx) {
    Delay delay = conf.delay();
    if (delay != null && delay.millis() > 0 && applies(delay.percentage(), delay.vars(), ctx)) {
      return new PhaseResult.Async(ctx.timer(delay.millis()).map(v -> abort(conf, ctx)));
    }
    return abort(conf, ctx);
  }

  private static PhaseResult abort(Config conf, PluginContext ctx) {
    Abort abort = conf.abort();
    if (abort == null || !applies(abort.percentage(), abort.vars(), ctx)) {
      return PhaseResult.CONTINUE;
    }
    Map<String, String> headers = Map.of();
    if (!abort.headers().isEmpty()) {
      headers = new LinkedHashMap<>();
      for (Map.Entry<String, Template> h : abort.headers().entrySet()) {
        headers.put(h.getKey(), h.getValue().resolve(ctx, null));
      }
    }
    Buffer body = abort.body() == null ? null : Buffer.buffer(abort.body().resolve(ctx, null));
    return new PhaseResult.Respond(abort.status(), headers, body);
  }
}
