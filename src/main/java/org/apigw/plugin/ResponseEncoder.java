package org.apigw.plugin;

import io.vertx.core.buffer.Buffer;

/**
 * A content coding applied to the response after every plugin's header_filter and body_filter,
 * as nginx's gzip filter runs after APISIX's Lua filters: plugins such as response-rewrite and
 * the loggers see the body uncompressed, and the decision sees the final status and headers.
 *
 * <p>Registered from a header_filter with {@link PluginContext#encodeResponseBody}; used on the
 * request's event loop only.
 */
public interface ResponseEncoder {

  /**
   * Called once, after all header filters: true to encode this response (the encoder sets
   * Content-Encoding and removes Content-Length itself), false to leave it as it is.
   */
  boolean begin(PluginContext ctx);

  /** Encodes the next piece of the body; {@code last} on the final call. May return empty. */
  Buffer encode(Buffer chunk, boolean last);

  /** Frees what the encoder holds; called once when the request ends, complete or not. */
  void close();
}
