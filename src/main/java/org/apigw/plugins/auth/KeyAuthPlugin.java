package org.apigw.plugins.auth;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Set;
import org.apigw.plugin.AuthPlugin;
import org.apigw.plugin.Credential;
import org.apigw.plugin.Json;
import org.apigw.plugin.Phase;
import org.apigw.plugin.PhaseResult;
import org.apigw.plugin.PluginContext;
import org.apigw.plugin.QueryArgs;

/**
 * key-auth (2500, rewrite): the key from header {@code header} (default {@code apikey}), else from
 * query argument {@code query}, names the consumer whose key-auth {@code key} it is. A missing or
 * unknown key is a 401 with {@code WWW-Authenticate: apikey realm="<realm>"}, unless {@code
 * anonymous_consumer} names a consumer to run as. {@code hide_credentials} removes the key from
 * where it was found before the request goes upstream.
 */
public final class KeyAuthPlugin implements AuthPlugin<KeyAuthPlugin.Config, KeyAuthPlugin.ConsumerConf> {

  /** Typed route conf; the 401s are built once. */
  public record Config(
      String header,
      String query,
      boolean hideCredentials,
      String anonymousConsumer,
      PhaseResult.Respond missing,
      PhaseResult.Respond invalid) {}

  /** Typed consumer conf. */
  public record ConsumerConf(String key) {}

  @Override
  public String name() {
    return "key-auth";
  }

  @Override
  public int priority() {
    return 2500;
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
    return Set.of("key");
  }

  @Override
  public Config decode(JsonNode conf) {
    Map<String, String> challenge = AuthResult.challenge("apikey", Json.text(conf, "realm", "key"));
    return new Config(
        Json.text(conf, "header", "apikey"),
        Json.text(conf, "query", "apikey"),
        Json.bool(conf, "hide_credentials", false),
        Json.text(conf, "anonymous_consumer", null),
        AuthResult.unauthorized(challenge, "Missing API key in request"),
        AuthResult.unauthorized(challenge, "Invalid API key in request"));
  }

  @Override
  public ConsumerConf decodeConsumer(JsonNode conf) {
    return new ConsumerConf(conf.get("key").asText());
  }

  @Override
  public PhaseResult rewrite(Config conf, PluginContext ctx) {
    boolean fromHeader = true;
    String key = ctx.header(conf.header());
    if (key == null) {
      fromHeader = false;
      key = QueryArgs.first(ctx.query(), conf.query());
    }
    Credential found = null;
    PhaseResult.Respond failure = conf.missing();
    if (key != null) {
      found = ctx.credential(name(), key);
      failure = conf.invalid();
      if (found != null && conf.hideCredentials()) {
        if (fromHeader) {
          ctx.removeHeader(conf.header());
        } else {
          ctx.setQuery(QueryArgs.without(ctx.query(), conf.query()));
        }
      }
    }
    return AuthResult.finish(name(), ctx, found, failure, conf.anonymousConsumer());
  }
}
