package org.apigw.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import org.apigw.plugin.Json;
import org.apigw.plugin.Phase;
import org.apigw.plugin.PhaseResult;
import org.apigw.plugin.Plugin;
import org.apigw.plugin.PluginContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * csrf (2980, access + header_filter): the double-submit cookie check. GET, HEAD and OPTIONS
 * pass; any other method must carry the token in the request header {@code name} and the same
 * value in the cookie {@code name}, and the token must be signed with {@code key} and issued at
 * most {@code expires} seconds ago ({@link CsrfToken}). Every response, rejections included,
 * gets a fresh token: {@code Set-Cookie: <name>=<token>;path=/;SameSite=Lax;Expires=<now +
 * expires>}, written exactly as APISIX writes it.
 */
public final class CsrfPlugin implements Plugin<CsrfPlugin.Config> {

  private static final Logger log = LoggerFactory.getLogger(CsrfPlugin.class);

  private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");
  private static final PhaseResult NO_HEADER = PhaseResult.message(401, "error_msg", "no csrf token in headers");
  private static final PhaseResult NO_COOKIE = PhaseResult.message(401, "error_msg", "no csrf cookie");
  private static final PhaseResult MISMATCH = PhaseResult.message(401, "error_msg", "csrf token mismatch");
  private static final PhaseResult NOT_VERIFIED =
      PhaseResult.message(401, "error_msg", "Failed to verify the csrf token signature");

  /**
   * Typed conf.
   *
   * @param expires seconds a token is valid (and the cookie's lifetime); not positive: no expiry check
   * @param cookieVar the variable holding the request's cookie {@code name}
   */
  public record Config(String key, long expires, String name, String cookieVar) {}

  private final LongSupplier clock;

  public CsrfPlugin() {
    this(() -> System.currentTimeMillis() / 1000);
  }

  /** @param clock epoch seconds, replaceable in tests */
  CsrfPlugin(LongSupplier clock) {
    this.clock = clock;
  }

  @Override
  public String name() {
    return "csrf";
  }

  @Override
  public int priority() {
    return 2980;
  }

  @Override
  public Set<Phase> phases() {
    return Set.of(Phase.ACCESS, Phase.HEADER_FILTER);
  }

  @Override
  public Config decode(JsonNode conf) {
    String name = Json.text(conf, "name", "apisix-csrf-token");
    return new Config(conf.get("key").asText(), conf.path("expires").asLong(7200), name, "cookie_" + name);
  }

  @Override
  public PhaseResult access(Config conf, PluginContext ctx) {
    if (SAFE_METHODS.contains(ctx.method())) {
      return PhaseResult.CONTINUE;
    }
    String headerToken = ctx.header(conf.name());
    if (headerToken == null || headerToken.isEmpty()) {
      return NO_HEADER;
    }
    String cookieToken = ctx.var(conf.cookieVar());
    if (cookieToken == null) {
      return NO_COOKIE;
    }
    if (!headerToken.equals(cookieToken)) {
      return MISMATCH;
    }
    CsrfToken.Verdict verdict = CsrfToken.verify(cookieToken, conf.key(), conf.expires(), clock.getAsLong());
    if (verdict != CsrfToken.Verdict.VALID) {
      log.error("csrf token refused for {} {}: {}", ctx.method(), ctx.uri(), verdict.name().toLowerCase(Locale.ROOT));
      return NOT_VERIFIED;
    }
    return PhaseResult.CONTINUE;
  }

  @Override
  public void headerFilter(Config conf, PluginContext ctx) {
    long now = clock.getAsLong();
    String token = CsrfToken.issue(conf.key(), ThreadLocalRandom.current().nextDouble(), now);
    ctx.addResponseHeader(
        "Set-Cookie", conf.name() + "=" + token + ";path=/;SameSite=Lax;Expires=" + cookieTime(now + conf.expires()));
  }

  private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  private static final String[] MONTHS = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
  };

  /**
   * nginx's cookie date ({@code ngx.cookie_time}): {@code Thu, 18-Nov-10 11:27:35 GMT}, with a
   * two-digit year up to 2037 (old Netscape), four digits after.
   */
  static String cookieTime(long epochSeconds) {
    ZonedDateTime t = Instant.ofEpochSecond(epochSeconds).atZone(ZoneOffset.UTC);
    int year = t.getYear();
    return String.format(
        Locale.ROOT,
        year > 2037 ? "%s, %02d-%s-%d %02d:%02d:%02d GMT" : "%s, %02d-%s-%02d %02d:%02d:%02d GMT",
        DAYS[t.getDayOfWeek().getValue() - 1],
        t.getDayOfMonth(),
        MONTHS[t.getMonthValue() - 1],
        year > 2037 ? year : year % 100,
        t.getHour(),
        t.getMinute(),
        t.getSecond());
  }
}
