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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * real-ip (23000, rewrite): takes the client address from {@code source} (a variable such as
 * {@code http_x_forwarded_for} or {@code arg_realip}; {@code ip} or {@code ip:port}) and makes it
 * {@code $remote_addr} for the rest of the request — later plugins, the upstream's {@code
 * X-Real-IP} and {@code X-Forwarded-For}. Only when the peer is in {@code trusted_addresses} (if
 * set). For X-Forwarded-For the last address counts; with {@code recursive} the last one that
 * is not trusted.
 */
public final class RealIpPlugin implements Plugin<RealIpPlugin.Config> {

  private static final Logger log = LoggerFactory.getLogger(RealIpPlugin.class);
  /** Every address: {@code matches} is then "is a valid IPv4/IPv6 literal". */
  private static final CidrMatcher ANY = CidrMatcher.parse(java.util.List.of("0.0.0.0/0", "::/0"));

  /** Typed conf; {@code trusted} null when unset. */
  public record Config(String source, CidrMatcher trusted, boolean recursive) {}

  @Override
  public String name() {
    return "real-ip";
  }

  @Override
  public int priority() {
    return 23000;
  }

  @Override
  public Set<Phase> phases() {
    return Set.of(Phase.REWRITE);
  }

  @Override
  public Config decode(JsonNode conf) {
    CidrMatcher trusted = null;
    if (conf.has("trusted_addresses")) {
      try {
        trusted = CidrMatcher.parse(Json.strings(conf, "trusted_addresses"));
      } catch (IllegalArgumentException e) {
        throw new PluginConfigException(e.getMessage());
      }
    }
    return new Config(Json.text(conf, "source", null), trusted, Json.bool(conf, "recursive", false));
  }

  @Override
  public PhaseResult rewrite(Config conf, PluginContext ctx) {
    if (conf.trusted() != null && !conf.trusted().matches(ctx.remoteAddr())) {
      return PhaseResult.CONTINUE;
    }
    String addr = address(conf, ctx);
    if (addr == null) {
      log.warn("missing real address");
      return PhaseResult.CONTINUE;
    }
    String ip = addr;
    Integer port = null;
    if (addr.startsWith("[")) {
      int close = addr.indexOf(']');
      if (close < 0) {
        log.warn("bad address: {}", addr);
        return PhaseResult.CONTINUE;
      }
      ip = addr.substring(1, close);
      if (close + 1 < addr.length() && addr.charAt(close + 1) == ':') {
        port = parsePort(addr.substring(close + 2));
      }
    } else if (addr.indexOf(':') >= 0 && addr.indexOf(':') == addr.lastIndexOf(':')) {
      ip = addr.substring(0, addr.indexOf(':'));
      port = parsePort(addr.substring(addr.indexOf(':') + 1));
    }
    if (!ANY.matches(ip)) {
      log.warn("bad address: {}", addr);
      return PhaseResult.CONTINUE;
    }
    if (port != null && (port < 1 || port > 65535)) {
      log.warn("bad port: {}", port);
      return PhaseResult.CONTINUE;
    }
    ctx.setRemoteAddr(ip, port);
    return PhaseResult.CONTINUE;
  }

  private static Integer parsePort(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String address(Config conf, PluginContext ctx) {
    if (!"http_x_forwarded_for".equals(conf.source())) {
      String v = ctx.var(conf.source());
      return v == null ? null : v.trim();
    }
    String all = ctx.header("X-Forwarded-For");
    if (all == null) {
      return null;
    }
    String[] parts = all.split(",");
    if (conf.recursive() && conf.trusted() != null) {
      for (int i = parts.length - 1; i >= 1; i--) {
        String candidate = parts[i].trim();
        if (!conf.trusted().matches(candidate)) {
          return candidate;
        }
      }
      return parts[0].trim();
    }
    return parts[parts.length - 1].trim();
  }
}
