package org.apigw.plugin;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What a {@code rewrite}, {@code access} or {@code before_proxy} hook returns: go on with the next
 * plugin, end the request with a response, or come back later (a delay).
 *
 * <p>Responses a plugin always gives (a fixed rejection) should be built once, at decode time,
 * and returned as the same instance on every request.
 */
public sealed interface PhaseResult {

  /** Go on with the next plugin. */
  PhaseResult CONTINUE = Continue.INSTANCE;

  /** The singleton behind {@link #CONTINUE}. */
  enum Continue implements PhaseResult {
    INSTANCE
  }

  /**
   * End the request with this response; the remaining rewrite/access plugins do not run, the
   * response still goes through {@code header_filter}, {@code body_filter} and {@code log}.
   *
   * @param headers set on the response (may be empty, never null)
   * @param body null for none: the gateway then answers its own page for that status, as nginx
   *     does for {@code ngx.exit(status)}
   */
  record Respond(int status, Map<String, String> headers, Buffer body) implements PhaseResult {}

  /** The hook finishes later; the future's value is its real result. */
  record Async(Future<PhaseResult> result) implements PhaseResult {}

  static Respond respond(int status) {
    return new Respond(status, Map.of(), null);
  }

  /** A JSON body such as {@code {"message":"..."}}, prepared once by the caller. */
  static Respond json(int status, String json) {
    return new Respond(
        status, Map.of("Content-Type", "application/json"), Buffer.buffer(json.getBytes(StandardCharsets.UTF_8)));
  }

  /** {@code {"<field>":"<text>"}} with the text JSON-escaped. */
  static Respond message(int status, String field, String text) {
    return json(status, "{" + Json.quote(field) + ":" + Json.quote(text) + "}");
  }
}
