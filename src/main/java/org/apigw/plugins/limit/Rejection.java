package org.apigw.plugins.limit;

import org.apigw.plugin.PhaseResult;

/** The answer of a limit plugin that refuses a request, built once per conf. */
public final class Rejection {

  private Rejection() {}

  /**
   * {@code rejected_code} with {@code {"error_msg":"<rejected_msg>"}}, or with the gateway's own
   * page for that status when there is no message (APISIX returns the bare code then).
   */
  public static PhaseResult.Respond of(int code, String message) {
    return message == null ? PhaseResult.respond(code) : PhaseResult.message(code, "error_msg", message);
  }
}
