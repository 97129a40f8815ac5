package org.apigw.plugins.auth;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.PublicKey;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.spec.SecretKeySpec;
import org.apigw.plugin.AuthPlugin;
import org.apigw.plugin.Credential;
import org.apigw.plugin.Json;
import org.apigw.plugin.Phase;
import org.apigw.plugin.PhaseResult;
import org.apigw.plugin.PluginConfigException;
import org.apigw.plugin.PluginContext;
import org.apigw.plugin.QueryArgs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * jwt-auth (2510, rewrite): a JWS token, from header {@code header} (an optional {@code Bearer }
 * or {@code bearer } prefix is dropped), else query argument {@code query}, else cookie {@code
 * cookie}, names its consumer by claim {@code key_claim_name}; the token must be signed with that
 * consumer's {@code algorithm} and key, and its {@code exp}/{@code nbf} (those listed in {@code
 * claims_to_verify}, when present) must hold, give or take the consumer's {@code
 * lifetime_grace_period}. Failures are 401 with {@code WWW-Authenticate: Bearer realm="<realm>"}
 * unless {@code anonymous_consumer} names a consumer to run as.
 *
 * <p>Unlike APISIX, which verifies with whatever {@code alg} the token's header names, the header's
 * {@code alg} must equal the consumer's {@code algorithm}: otherwise a token could choose how its
 * own signature is checked (e.g. an HMAC keyed with a consumer's public key).
 *
 * <p>{@code hide_credentials} removes the token from where it was read as soon as it is read, as
 * APISIX does, so not even a rejected token reaches the upstream through {@code
 * anonymous_consumer}. {@code store_in_ctx} keeps the verified payload (a Jackson {@link JsonNode})
 * in request attribute {@value #PAYLOAD_ATTR}.
 *
 * <p>The HS* consumer {@code secret} is required: APISIX generates a random one when it is absent,
 * but a secret nobody knows cannot sign a token, so such a consumer could never authenticate.
 * The consumer's {@code exp} and {@code private_key} are accepted for compatibility with confs
 * written for APISIX's signing endpoint, which this gateway does not have; {@code private_key} is
 * stored encrypted like {@code secret} so it never sits in etcd in clear text.
 */
public final class JwtAuthPlugin implements AuthPlugin<JwtAuthPlugin.Config, JwtAuthPlugin.ConsumerConf> {

  /** Request attribute holding the verified payload when {@code store_in_ctx} is on. */
  public static final String PAYLOAD_ATTR = "jwt_auth_payload";

  private static final Logger log = LoggerFactory.getLogger(JwtAuthPlugin.class);

  /** Typed route conf; the 401s are built once. */
  public record Config(
      String header,
      String query,
      String cookie,
      boolean hideCredentials,
      String keyClaimName,
      boolean verifyExp,
      boolean verifyNbf,
      boolean storeInCtx,
      String anonymousConsumer,
      PhaseResult.Respond missing,
      PhaseResult.Respond invalid,
      PhaseResult.Respond missingKey,
      PhaseResult.Respond invalidKey,
      PhaseResult.Respond notVerified) {}

  /**
   * Typed consumer conf.
   *
   * @param userKey the {@code key} a token names in its {@code key_claim_name} claim
   * @param verificationKey the HMAC secret ({@link SecretKeySpec}) or the public key
   */
  public record ConsumerConf(String userKey, JwtAlgorithm algorithm, Key verificationKey, long lifetimeGracePeriod) {}

  private final Clock clock;

  public JwtAuthPlugin() {
    this(Clock.systemUTC());
  }

  /** With the clock {@code exp} and {@code nbf} are compared against (tests pin it). */
  public JwtAuthPlugin(Clock clock) {
    this.clock = clock;
  }

  @Override
  public String name() {
    return "jwt-auth";
  }

  @Override
  public int priority() {
    return 2510;
  }

  @Override
  public Set<Phase> phases() {
    return Set.of(Phase.REWRITE);
  }

  @Override
  public String credentialField() {
    return "key";
  }

  @Override
  public Set<String> encryptFields() {
    return Set.of("secret", "private_key");
  }

  @Override
  public Config decode(JsonNode conf) {
    Map<String, String> challenge = AuthResult.challenge("Bearer", Json.text(conf, "realm", "jwt"));
    List<String> claims = conf.has("claims_to_verify") ? Json.strings(conf, "claims_to_verify") : List.of("exp", "nbf");
    return new Config(
        Json.text(conf, "header", "authorization"),
        Json.text(conf, "query", "jwt"),
        Json.text(conf, "cookie", "jwt"),
        Json.bool(conf, "hide_credentials", false),
        Json.text(conf, "key_claim_name", "key"),
        claims.contains("exp"),
        claims.contains("nbf"),
        Json.bool(conf, "store_in_ctx", false),
        Json.text(conf, "anonymous_consumer", null),
        AuthResult.unauthorized(challenge, "Missing JWT token in request"),
        AuthResult.unauthorized(challenge, "JWT token invalid"),
        AuthResult.unauthorized(challenge, "missing user key in JWT token"),
        AuthResult.unauthorized(challenge, "Invalid user key in JWT token"),
        AuthResult.unauthorized(challenge, "failed to verify jwt"));
  }

  @Override
  public ConsumerConf decodeConsumer(JsonNode conf) {
    JwtAlgorithm alg = JwtAlgorithm.valueOf(Json.text(conf, "algorithm", "HS256"));
    long grace = conf.path("lifetime_grace_period").asLong(0);
    return new ConsumerConf(conf.get("key").asText(), alg, verificationKey(conf, alg), grace);
  }

  private static Key verificationKey(JsonNode conf, JwtAlgorithm alg) {
    if (alg.isHmac()) {
      String secret = Json.text(conf, "secret", null);
      if (secret == null) {
        throw new PluginConfigException("property \"secret\" is required when \"algorithm\" is \"" + alg + "\"");
      }
      byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
      if (Json.bool(conf, "base64_secret", false)) {
        try {
          bytes = Base64.getDecoder().decode(secret);
        } catch (IllegalArgumentException e) {
          bytes = new byte[0];
        }
        if (bytes.length == 0) {
          throw new PluginConfigException("base64_secret required but the secret is not in base64 format");
        }
      }
      return new SecretKeySpec(bytes, alg.jcaName());
    }
    String pem = Json.text(conf, "public_key", null);
    if (pem == null) {
      throw new PluginConfigException("property \"public_key\" is required when \"algorithm\" is \"" + alg + "\"");
    }
    PublicKey key = PemPublicKeys.parse(pem, PemPublicKeys.keyAlgorithm(alg));
    String mismatch = alg.keyMismatch(key);
    if (mismatch != null) {
      throw new PluginConfigException("invalid public_key: " + mismatch);
    }
    return key;
  }

  @Override
  public PhaseResult rewrite(Config conf, PluginContext ctx) {
    Outcome outcome = authenticate(conf, ctx);
    return AuthResult.finish(name(), ctx, outcome.found(), outcome.failure(), conf.anonymousConsumer());
  }

  /** The consumer the request's token authenticates, or the 401 that says why there is none. */
  private record Outcome(Credential found, PhaseResult.Respond failure) {
    static Outcome failed(PhaseResult.Respond failure) {
      return new Outcome(null, failure);
    }
  }

  private Outcome authenticate(Config conf, PluginContext ctx) {
    String raw = fetchToken(conf, ctx);
    if (raw == null) {
      return Outcome.failed(conf.missing());
    }
    JwtToken token = JwtToken.parse(raw);
    if (token == null) {
      log.info("jwt-auth: JWT token invalid: not three base64url parts with a JSON object header and payload");
      return Outcome.failed(conf.invalid());
    }
    JsonNode userKey = token.payload().get(conf.keyClaimName());
    if (userKey == null || userKey.isNull()) {
      return Outcome.failed(conf.missingKey());
    }
    // a non-string claim never equals a consumer's key, as in APISIX's lookup by Lua value
    Credential candidate = userKey.isTextual() ? ctx.credential(name(), userKey.textValue()) : null;
    if (candidate == null) {
      return Outcome.failed(conf.invalidKey());
    }
    ConsumerConf consumer = (ConsumerConf) candidate.conf();
    String reason;
    if (!consumer.algorithm().name().equals(token.alg())) {
      reason = "algorithm " + token.alg() + " is not the consumer's " + consumer.algorithm();
    } else if (!consumer.algorithm().verify(consumer.verificationKey(), token.signingInput(), token.signature())) {
      reason = "signature mismatch";
    } else {
      reason = JwtClaims.check(
          token.payload(), conf.verifyExp(), conf.verifyNbf(), consumer.lifetimeGracePeriod(), clock.millis() / 1000.0);
    }
    if (reason != null) {
      log.info("jwt-auth: failed to verify jwt of consumer {}: {}", candidate.consumer().username(), reason);
      return Outcome.failed(conf.notVerified());
    }
    if (conf.storeInCtx()) {
      ctx.attr(PAYLOAD_ATTR, token.payload());
    }
    return new Outcome(candidate, null);
  }

  /**
   * The token from the header, else the query argument, else the cookie; removed from there when
   * {@code hide_credentials} is on. Null when none carries one.
   */
  static String fetchToken(Config conf, PluginContext ctx) {
    String header = ctx.header(conf.header());
    if (header != null) {
      if (conf.hideCredentials()) {
        ctx.removeHeader(conf.header());
      }
      return header.startsWith("Bearer ") || header.startsWith("bearer ") ? header.substring(7) : header;
    }
    String query = ctx.query();
    String arg = QueryArgs.first(query, conf.query());
    if (arg != null) {
      if (conf.hideCredentials()) {
        ctx.setQuery(QueryArgs.without(query, conf.query()));
      }
      return arg;
    }
    String cookies = ctx.header("Cookie");
    String cookie = Cookies.value(cookies, conf.cookie());
    if (cookie != null && conf.hideCredentials()) {
      String rest = Cookies.without(cookies, conf.cookie());
      if (rest == null) {
        ctx.removeHeader("Cookie");
      } else {
        ctx.setHeader("Cookie", rest);
      }
    }
    return cookie;
  }
}
