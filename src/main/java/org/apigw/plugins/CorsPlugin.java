package org.apigw.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apigw.plugin.Json;
import org.apigw.plugin.Phase;
import org.apigw.plugin.PhaseResult;
import org.apigw.plugin.Plugin;
import org.apigw.plugin.PluginConfigException;
import org.apigw.plugin.PluginContext;
import org.apigw.plugin.Regexes;

/**
 * cors (4000, rewrite + header_filter). rewrite keeps the request's Origin and answers an {@code
 * OPTIONS} preflight itself (200, empty body); header_filter sets the CORS headers on every
 * response, including rejections by later plugins. An Origin matching {@code
 * allow_origins_by_regex} is echoed; otherwise {@code allow_origins} decides: {@code *} allows
 * all, {@code **} echoes the Origin ({@code *} without one), a list allows its members. An origin
 * not allowed gets no CORS headers. {@code Vary: Origin} is added whenever the allowed origin is
 * not {@code *}. {@code **} in allow_methods lists every method, in allow_headers echoes {@code
 * Access-Control-Request-Headers}. Timing-Allow-Origin works the same way from {@code
 * timing_allow_origins(_by_regex)}. {@code allow_origins_by_metadata} names entries of the
 * plugin metadata's {@code allow_origins} map (e.g. {@code {"EXAMPLE":"https://a.com,https://b.com"}});
 * an Origin listed in one of them is allowed before the rest is looked at.
 */
public final class CorsPlugin implements Plugin<CorsPlugin.Config> {

  static final String ALL_METHODS = "GET,POST,PUT,DELETE,PATCH,HEAD,OPTIONS,CONNECT,TRACE";
  private static final String ORIGIN_ATTR = "cors.origin";
  private static final PhaseResult.Respond PREFLIGHT = new PhaseResult.Respond(200, Map.of(), Buffer.buffer());

  /** Typed conf; regexes null when not configured, timingOrigins null when not configured. */
  public record Config(
      String allowOrigins,
      Set<String> originList,
      Pattern originRegex,
      String allowMethods,
      String allowHeaders,
      String exposeHeaders,
      String maxAge,
      boolean allowCredential,
      String timingOrigins,
      Set<String> timingList,
      Pattern timingRegex,
      List<String> originsByMetadata) {}

  /** {@code plugin_metadata/cors}: named origin lists. */
  public record Metadata(Map<String, Set<String>> allowOrigins) {}

  @Override
  public String name() {
    return "cors";
  }

  @Override
  public int priority() {
    return 4000;
  }

  @Override
  public Set<Phase> phases() {
    return Set.of(Phase.REWRITE, Phase.HEADER_FILTER);
  }

  @Override
  public Config decode(JsonNode conf) {
    String origins = Json.text(conf, "allow_origins", "*");
    String methods = Json.text(conf, "allow_methods", "*");
    String headers = Json.text(conf, "allow_headers", "*");
    String expose = Json.text(conf, "expose_headers", null);
    String timing = Json.text(conf, "timing_allow_origins", null);
    boolean credential = Json.bool(conf, "allow_credential", false);
    if (credential
        && ("*".equals(origins) || "*".equals(methods) || "*".equals(headers) || "*".equals(expose)
            || "*".equals(timing))) {
      throw new PluginConfigException("you can not set '*' for other option when 'allow_credential' is true");
    }
    return new Config(
        origins,
        list(origins),
        regex(Json.strings(conf, "allow_origins_by_regex")),
        "**".equals(methods) ? ALL_METHODS : methods,
        headers,
        expose == null || expose.isEmpty() ? null : expose,
        Integer.toString(Json.integer(conf, "max_age", 5)),
        credential,
        timing,
        timing == null ? null : list(timing),
        regex(Json.strings(conf, "timing_allow_origins_by_regex")),
        conf.has("allow_origins_by_metadata") ? List.copyOf(Json.strings(conf, "allow_origins_by_metadata")) : null);
  }

  @Override
  public String metadataSchemaResource() {
    return "plugins/cors.metadata.json";
  }

  @Override
  public Metadata decodeMetadata(JsonNode conf) {
    Map<String, Set<String>> named = new java.util.HashMap<>();
    conf.path("allow_origins").fields().forEachRemaining(e -> named.put(e.getKey(), list(e.getValue().asText())));
    return new Metadata(Map.copyOf(named));
  }

  /** The origin to allow by the metadata lists {@code keys} name ({@code *} if one allows all), or null. */
  static String allowedByMetadata(Object metadata, List<String> keys, String origin) {
    if (!(metadata instanceof Metadata m) || origin == null) {
      return null;
    }
    for (String key : keys) {
      Set<String> origins = m.allowOrigins().get(key);
      if (origins == null) {
        continue;
      }
      if (origins.contains("*")) {
        return "*";
      }
      if (origins.contains(origin)) {
        return origin;
      }
    }
    return null;
  }

  private static Set<String> list(String origins) {
    return Set.of(origins.split(",")).stream().map(String::trim).collect(java.util.stream.Collectors.toUnmodifiableSet());
  }

  private static Pattern regex(List<String> regexes) {
    if (regexes.isEmpty()) {
      return null;
    }
    for (String r : regexes) {
      Regexes.compile(r, 0); // reports the offending regex on its own
    }
    return Regexes.compile("(" + String.join(")|(", regexes) + ")", 0);
  }

  /**
   * The Access-Control-Allow-Origin value for {@code origin} (may be null), or null when it is
   * not allowed.
   */
  static String allowedOrigin(String conf, Set<String> list, Pattern regex, String origin) {
    if (regex != null && origin != null && regex.matcher(origin).find()) {
      return origin;
    }
    if (conf == null) {
      return null;
    }
    if ("*".equals(conf)) {
      return "*";
    }
    if ("**".equals(conf)) {
      return origin == null ? "*" : origin;
    }
    return origin != null && list.contains(origin) ? origin : null;
  }

  @Override
  public PhaseResult rewrite(Config conf, PluginContext ctx) {
    String origin = ctx.header("Origin");
    if (origin != null) {
      ctx.attr(ORIGIN_ATTR, origin); // later plugins may change the request headers
    }
    if ("OPTIONS".equals(ctx.method())) {
      return PREFLIGHT;
    }
    return PhaseResult.CONTINUE;
  }

  @Override
  public void headerFilter(Config conf, PluginContext ctx) {
    Object kept = ctx.attr(ORIGIN_ATTR);
    String origin = kept != null ? (String) kept : ctx.header("Origin");
    String allow =
        conf.originsByMetadata() == null ? null : allowedByMetadata(ctx.metadata(name()), conf.originsByMetadata(), origin);
    if (allow == null) {
      allow = allowedOrigin(conf.allowOrigins(), conf.originList(), conf.originRegex(), origin);
    }
    if (allow != null) {
      ctx.setResponseHeader("Access-Control-Allow-Origin", allow);
      if (!"*".equals(allow)) {
        ctx.addResponseHeader("Vary", "Origin");
      }
      ctx.setResponseHeader("Access-Control-Allow-Methods", conf.allowMethods());
      ctx.setResponseHeader("Access-Control-Max-Age", conf.maxAge());
      if (conf.exposeHeaders() != null) {
        ctx.setResponseHeader("Access-Control-Expose-Headers", conf.exposeHeaders());
      }
      if ("**".equals(conf.allowHeaders())) {
        String requested = ctx.header("Access-Control-Request-Headers");
        if (requested != null) {
          ctx.setResponseHeader("Access-Control-Allow-Headers", requested);
        } else {
          ctx.removeResponseHeader("Access-Control-Allow-Headers");
        }
      } else {
        ctx.setResponseHeader("Access-Control-Allow-Headers", conf.allowHeaders());
      }
      if (conf.allowCredential()) {
        ctx.setResponseHeader("Access-Control-Allow-Credentials", "true");
      }
    }
    if (conf.timingOrigins() != null || conf.timingRegex() != null) {
      String timing = allowedOrigin(conf.timingOrigins(), conf.timingList(), conf.timingRegex(), origin);
      if (timing != null) {
        ctx.setResponseHeader("Timing-Allow-Origin", timing);
      }
    }
  }
}
