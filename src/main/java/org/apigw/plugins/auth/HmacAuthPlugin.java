package org.apigw.plugins.auth;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apigw.plugin.AuthPlugin;
import org.apigw.plugin.Credential;
import org.apigw.plugin.Json;
import org.apigw.plugin.Phase;
import org.apigw.plugin.PhaseResult;
import org.apigw.plugin.PluginConfigException;
import org.apigw.plugin.PluginContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * hmac-auth (2530, rewrite), APISIX 3.x semantics: {@code Authorization: Signature
 * keyId="…",algorithm="hmac-sha256",headers="@request-target date …",signature="<base64>"} names
 * the consumer whose hmac-auth {@code key_id} it is, and the signature must be the HMAC, under that
 * consumer's {@code secret_key}, of the signing string {@link HmacSignature#signingString}
 * describes. The algorithm must be one of {@code allowed_algorithms}; the {@code Date} (or {@code
 * X-Date}) header must lie within {@code clock_skew} seconds of now; every name in {@code
 * signed_headers} must be among the signed ones.
 *
 * <p>Failures are 401 with {@code WWW-Authenticate: hmac realm="<realm>"} (unless {@code
 * anonymous_consumer} names a consumer to run as). As in APISIX, a missing or non-{@code
 * Signature} header is named in the body ({@code client request can't be validated: missing
 * Authorization header}) while every later failure answers only {@code client request can't be
 * validated}, so a caller cannot probe which key ids exist; the reason is logged.
 *
 * <p>{@code validate_request_body} is refused when true: the rewrite phase runs before the
 * request body is read, and checking the {@code Digest} header there would mean buffering every
 * body in memory ahead of the upstream, which this gateway streams.
 */
public final class HmacAuthPlugin implements AuthPlugin<HmacAuthPlugin.Config, HmacAuthPlugin.ConsumerConf> {

  private static final Logger log = LoggerFactory.getLogger(HmacAuthPlugin.class);
  private static final String PREFIX = "client request can't be validated";

  /** Typed route conf; the 401s are built once. */
  public record Config(
      Set<String> allowedAlgorithms,
      int clockSkew,
      List<String> signedHeaders,
      boolean hideCredentials,
      String anonymousConsumer,
      PhaseResult.Respond missingHeader,
      PhaseResult.Respond notSignature,
      PhaseResult.Respond invalid) {}

  /** Typed consumer conf. */
  public record ConsumerConf(String keyId, byte[] secretKey) {}

  private final Clock clock;

  public HmacAuthPlugin() {
    this(Clock.systemUTC());
  }

  /** With the clock the {@code Date} header is compared against (tests pin it). */
  public HmacAuthPlugin(Clock clock) {
    this.clock = clock;
  }

  @Override
  public String name() {
    return "hmac-auth";
  }

  @Override
  public int priority() {
    return 2530;
  }

  @Override
  public Set<Phase> phases() {
    return Set.of(Phase.REWRITE);
  }

  @Override
  public String credentialField() {
    return "key_id";
  }

  @Override
  public Set<String> encryptFields() {
    return Set.of("secret_key");
  }

  @Override
  public Config decode(JsonNode conf) {
    if (Json.bool(conf, "validate_request_body", false)) {
      throw new PluginConfigException(
          "property \"validate_request_body\" validation failed: true is not supported: the request body is not"
              + " read before the rewrite phase, so its Digest cannot be checked there");
    }
    Map<String, String> challenge = AuthResult.challenge("hmac", Json.text(conf, "realm", "hmac"));
    List<String> allowed = conf.has("allowed_algorithms")
        ? Json.strings(conf, "allowed_algorithms")
        : List.of("hmac-sha1", "hmac-sha256", "hmac-sha512");
    return new Config(
        Set.copyOf(allowed),
        Json.integer(conf, "clock_skew", 300),
        Json.strings(conf, "signed_headers"),
        Json.bool(conf, "hide_credentials", false),
        Json.text(conf, "anonymous_consumer", null),
        AuthResult.unauthorized(challenge, PREFIX + ": missing Authorization header"),
        AuthResult.unauthorized(challenge, PREFIX + ": Authorization header does not start with 'Signature'"),
        AuthResult.unauthorized(challenge, PREFIX));
  }

  @Override
  public ConsumerConf decodeConsumer(JsonNode conf) {
    return new ConsumerConf(
        conf.get("key_id").asText(), conf.get("secret_key").asText().getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public PhaseResult rewrite(Config conf, PluginContext ctx) {
    String header = ctx.header("Authorization");
    Credential found = null;
    PhaseResult.Respond failure;
    if (header == null) {
      failure = conf.missingHeader();
    } else if (!header.startsWith("Signature")) {
      failure = conf.notSignature();
    } else {
      failure = conf.invalid();
      HmacSignature sig = HmacSignature.parse(header);
      Credential candidate = sig.keyId() == null ? null : ctx.credential(name(), sig.keyId());
      String reason = validate(conf, ctx, sig, candidate);
      if (reason == null) {
        found = candidate;
      } else {
        log.info("hmac-auth: {}: {}", PREFIX, reason);
      }
    }
    PhaseResult result = AuthResult.finish(name(), ctx, found, failure, conf.anonymousConsumer());
    if (result == PhaseResult.CONTINUE && conf.hideCredentials()) {
      ctx.removeHeader("Authorization");
    }
    return result;
  }

  /** Why {@code sig} does not authenticate {@code candidate}, in APISIX's order; null when it does. */
  private String validate(Config conf, PluginContext ctx, HmacSignature sig, Credential candidate) {
    if (sig.keyId() == null || sig.signature() == null) {
      return "keyId or signature missing";
    }
    if (sig.algorithm() == null) {
      return "algorithm missing";
    }
    if (candidate == null) {
      return "Invalid key_id";
    }
    if (!conf.allowedAlgorithms().contains(sig.algorithm())) {
      return "Invalid algorithm";
    }
    String skew = checkDate(conf.clockSkew(), ctx);
    if (skew != null) {
      return skew;
    }
    if (!conf.signedHeaders().isEmpty()) {
      if (sig.headers() == null) {
        return "headers missing";
      }
      for (String required : conf.signedHeaders()) {
        if (!sig.headers().contains(required)) {
          return "expected header \"" + required + "\" missing in signing";
        }
      }
    }
    byte[] presented;
    try {
      presented = Base64.getDecoder().decode(sig.signature());
    } catch (IllegalArgumentException e) {
      return "Invalid signature";
    }
    String signingString = sig.signingString(ctx::header, ctx.method(), ctx.var("request_uri"));
    byte[] expected = hmac(sig.algorithm(), ((ConsumerConf) candidate.conf()).secretKey(), signingString);
    // constant time: a timing leak would let a caller forge a signature byte by byte
    return MessageDigest.isEqual(expected, presented) ? null : "Invalid signature";
  }

  /** Why the request's {@code Date} (or {@code X-Date}) is unusable or too far from now; else null. */
  private String checkDate(int clockSkew, PluginContext ctx) {
    String date = ctx.header("Date");
    if (date == null) {
      date = ctx.header("X-Date");
    }
    if (date == null) {
      return "Date header missing. failed to validate clock skew";
    }
    long sent;
    try {
      sent = ZonedDateTime.parse(date.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toEpochSecond();
    } catch (DateTimeParseException e) {
      return "Invalid GMT format time";
    }
    long now = clock.millis() / 1000;
    return Math.abs(now - sent) > clockSkew ? "Clock skew exceeded" : null;
  }

  /** The HMAC of {@code signingString}; {@code algorithm} is one the schema allows. */
  static byte[] hmac(String algorithm, byte[] secret, String signingString) {
    String jca = switch (algorithm) {
      case "hmac-sha1" -> "HmacSHA1";
      case "hmac-sha256" -> "HmacSHA256";
      case "hmac-sha512" -> "HmacSHA512";
      default -> throw new IllegalArgumentException("unsupported hmac algorithm " + algorithm);
    };
    try {
      Mac mac = Mac.getInstance(jca);
      mac.init(new SecretKeySpec(secret, jca));
      return mac.doFinal(signingString.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("JDK without " + jca, e); // every JDK ships these three
    }
  }
}
