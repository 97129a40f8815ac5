package org.apigw.plugins.auth;

import java.util.Map;
import org.apigw.plugin.Credential;
import org.apigw.plugin.PhaseResult;
import org.apigw.plugin.PluginContext;
import org.apigw.resource.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every auth plugin does once it has looked for a consumer: attach the one it found, or
 * fall back to {@code anonymous_consumer}, or refuse with 401 and the plugin's challenge.
 */
final class AuthResult {

  private static final Logger log = LoggerFactory.getLogger(AuthResult.class);

  private AuthResult() {}

  /** The headers of an auth plugin's 401: JSON, and {@code WWW-Authenticate: <scheme> realm="<realm>"}. */
  static Map<String, String> challenge(String scheme, String realm) {
    return Map.of("Content-Type", "application/json", "WWW-Authenticate", scheme + " realm=\"" + realm + "\"");
  }

  /** A 401 {@code {"message":"<message>"}} with the plugin's challenge; built once per conf. */
  static PhaseResult.Respond unauthorized(Map<String, String> challenge, String message) {
    return new PhaseResult.Respond(401, challenge, PhaseResult.message(401, "message", message).body());
  }

  /**
   * @param found the consumer's credential, null when authentication failed
   * @param failure the 401 to answer when it failed and there is no anonymous consumer
   * @param anonymous {@code anonymous_consumer}, or null
   */
  static PhaseResult finish(
      String plugin, PluginContext ctx, Credential found, PhaseResult.Respond failure, String anonymous) {
    if (found != null) {
      ctx.attachConsumer(found);
      return PhaseResult.CONTINUE;
    }
    if (anonymous == null) {
      return failure;
    }
    Consumer consumer = ctx.consumerNamed(anonymous);
    if (consumer == null) {
      log.error(
          "{} failed to authenticate the request, code: 401. error: anonymous consumer {} not found",
          plugin, anonymous);
      return PhaseResult.message(401, "message", "Invalid user authorization");
    }
    ctx.attachConsumer(new Credential(consumer, null, null));
    return PhaseResult.CONTINUE;
  }
}
