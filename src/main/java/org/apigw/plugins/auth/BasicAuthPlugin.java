package org.apigw.plugins.auth;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.apigw.plugin.AuthPlugin;
import org.apigw.plugin.Credential;
import org.apigw.plugin.Json;
import org.apigw.plugin.Phase;
import org.apigw.plugin.PhaseResult;
import org.apigw.plugin.PluginContext;

/**
 * basic-auth (2520, rewrite): {@code Authorization: Basic base64(user:password)} (scheme in any
 * case) names the consumer whose basic-auth {@code username} it is, and the password must match
 * (compared in constant time). Whitespace inside the decoded user and password is ignored, as
 * APISIX does. Failures are 401 with {@code WWW-Authenticate: Basic realm="<realm>"}, unless
 * {@code anonymous_consumer} names a consumer to run as; {@code hide_credentials} drops the
 * header before the request goes upstream.
 */
public final class BasicAuthPlugin implements AuthPlugin<BasicAuthPlugin.Config, BasicAuthPlugin.ConsumerConf> {

  /** Typed route conf; the 401s are built once. */
  public record Config(
      boolean hideCredentials,
      String anonymousConsumer,
      PhaseResult.Respond missing,
      PhaseResult.Respond malformed,
      PhaseResult.Respond denied) {}

  /** Typed consumer conf. */
  public record ConsumerConf(String username, byte[] password) {}

  /** A decoded header, or why it could not be decoded. */
  record UserPassword(String username, String password) {}

  @Override
  public String name() {
    return "basic-auth";
  }

  @Override
  public int priority() {
    return 2520;
  }

  @Override
  public Set<Phase> phases() {
    return Set.of(Phase.REWRITE);
  }

  @Override
  public String credentialField() {
    return "username";
  }

  @Override
  public Set<String> encryptFields() {
    return Set.of("password");
  }

  @Override
  public Config decode(JsonNode conf) {
    Map<String, String> challenge = AuthResult.challenge("Basic", Json.text(conf, "realm", "basic"));
    return new Config(
        Json.bool(conf, "hide_credentials", false),
        Json.text(conf, "anonymous_consumer", null),
        AuthResult.unauthorized(challenge, "Missing authorization in request"),
        AuthResult.unauthorized(challenge, "Invalid authorization in request"),
        AuthResult.unauthorized(challenge, "Invalid user authorization"));
  }

  @Override
  public ConsumerConf decodeConsumer(JsonNode conf) {
    return new ConsumerConf(
        conf.get("username").asText(), conf.get("password").asText().getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public PhaseResult rewrite(Config conf, PluginContext ctx) {
    String header = ctx.header("Authorization");
    Credential found = null;
    PhaseResult.Respond failure;
    if (header == null) {
      failure = conf.missing();
    } else {
      UserPassword presented = parse(header);
      if (presented == null) {
        failure = conf.malformed();
      } else {
        failure = conf.denied();
        Credential candidate = ctx.credential(name(), presented.username());
        if (candidate != null
            && MessageDigest.isEqual(
                ((ConsumerConf) candidate.conf()).password(),
                presented.password().getBytes(StandardCharsets.UTF_8))) {
          found = candidate;
          if (conf.hideCredentials()) {
            ctx.removeHeader("Authorization");
          }
        }
      }
    }
    return AuthResult.finish(name(), ctx, found, failure, conf.anonymousConsumer());
  }

  /** {@code Basic <base64(user:password)>}, or null when it is not that. */
  static UserPassword parse(String header) {
    String h = header.strip();
    if (h.length() < 7 || !h.regionMatches(true, 0, "Basic", 0, 5) || !Character.isWhitespace(h.charAt(5))) {
      return null;
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(h.substring(6).strip()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      return null;
    }
    return new UserPassword(
        decoded.substring(0, colon).replaceAll("\\s+", ""), decoded.substring(colon + 1).replaceAll("\\s+", ""));
  }
}
