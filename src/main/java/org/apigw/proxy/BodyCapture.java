package org.apigw.proxy;

import io.vertx.core.buffer.Buffer;
import org.apigw.plugin.RequestBodyTap;

/**
 * Keeps the first bytes of the request body as it streams upstream, for the loggers'
 * {@code include_req_body}. Registered only when a plugin asks, so other requests stream without
 * copies. What was copied stays readable even if the body never arrived whole.
 *
 * <p>Confined to the request's event loop.
 */
final class BodyCapture implements RequestBodyTap {

  private final Buffer copy = Buffer.buffer();
  private int limit;

  BodyCapture(int limit) {
    this.limit = limit;
  }

  /** Another plugin asked for more: the largest limit wins. */
  void atLeast(int bytes) {
    limit = Math.max(limit, bytes);
  }

  Buffer copy() {
    return copy;
  }

  @Override
  public void chunk(Buffer chunk) {
    int room = limit - copy.length();
    if (room > 0) {
      copy.appendBuffer(chunk, 0, Math.min(room, chunk.length()));
    }
  }

  @Override
  public void end() {}

  @Override
  public void abort() {}
}
