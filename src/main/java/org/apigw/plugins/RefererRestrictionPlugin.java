package org.apigw.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apigw.plugin.Json;
import org.apigw.plugin.Phase;
import org.apigw.plugin.PhaseResult;
import org.apigw.plugin.Plugin;
import org.apigw.plugin.PluginContext;

/**
 * referer-restriction (2990, access): matches the host of the {@code Referer} header against
 * {@code whitelist} or {@code blacklist} (exact, or {@code *.suffix}); a missing or unparsable
 * Referer is refused unless {@code bypass_missing}. Rejection: 403 {@code {"message":"..."}}.
 */
public final class RefererRestrictionPlugin implements Plugin<RefererRestrictionPlugin.Config> {

  /** Typed conf; exactly one of whitelist / blacklist is non-null. */
  public record Config(
      HostList whitelist, HostList blacklist, boolean bypassMissing, PhaseResult.Respond rejection) {}

  /** Exact hosts and {@code *.suffix} wildcards, lower-cased. */
  record HostList(Set<String> exact, List<String> suffixes) {
    static HostList of(List<String> hosts) {
      java.util.Set<String> exact = new java.util.HashSet<>();
      java.util.List<String> suffixes = new java.util.ArrayList<>();
      for (String h : hosts) {
        String host = h.toLowerCase(Locale.ROOT);
        if (host.startsWith("*")) {
          suffixes.add(host.substring(1));
        } else {
          exact.add(host);
        }
      }
      return new HostList(Set.copyOf(exact), List.copyOf(suffixes));
    }

    boolean matches(String host) {
      if (exact.contains(host)) {
        return true;
      }
      for (String suffix : suffixes) {
        if (host.endsWith(suffix)) {
          return true;
        }
      }
      return false;
    }
  }

  @Override
  public String name() {
    return "referer-restriction";
  }

  @Override
  public int priority() {
    return 2990;
  }

  @Override
  public Set<Phase> phases() {
    return Set.of(Phase.ACCESS);
  }

  @Override
  public Config decode(JsonNode conf) {
    return new Config(
        conf.has("whitelist") ? HostList.of(Json.strings(conf, "whitelist")) : null,
        conf.has("blacklist") ? HostList.of(Json.strings(conf, "blacklist")) : null,
        Json.bool(conf, "bypass_missing", false),
        PhaseResult.message(403, "message", Json.text(conf, "message", "Your referer host is not allowed")));
  }

  @Override
  public PhaseResult access(Config conf, PluginContext ctx) {
    String host = hostOf(ctx.header("Referer"));
    boolean block;
    if (host == null) {
      block = !conf.bypassMissing();
    } else if (conf.whitelist() != null) {
      block = !conf.whitelist().matches(host);
    } else {
      block = conf.blacklist().matches(host);
    }
    return block ? conf.rejection() : PhaseResult.CONTINUE;
  }

  /** The host of a URL such as {@code https://a.b.com:8443/x}, lower-cased; null if none. */
  static String hostOf(String referer) {
    if (referer == null) {
      return null;
    }
    int scheme = referer.indexOf("://");
    if (scheme <= 0) {
      return null;
    }
    int start = scheme + 3;
    int end = start;
    while (end < referer.length() && "/?#".indexOf(referer.charAt(end)) < 0) {
      end++;
    }
    String authority = referer.substring(start, end);
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      authority = authority.substring(at + 1);
    }
    String host;
    if (authority.startsWith("[")) {
      int close = authority.indexOf(']');
      host = close < 0 ? authority : authority.substring(0, close + 1);
    } else {
      int colon = authority.indexOf(':');
      host = colon < 0 ? authority : authority.substring(0, colon);
    }
    return host.isEmpty() ? null : host.toLowerCase(Locale.ROOT);
  }
}
