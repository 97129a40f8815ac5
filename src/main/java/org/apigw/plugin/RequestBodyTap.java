package org.apigw.plugin;

import io.vertx.core.buffer.Buffer;

/**
 * Receives a copy of the request body while the gateway streams it upstream (proxy-mirror). The
 * tap sees the same chunks in the same order, on the request's event loop, and must neither
 * block nor slow the request down: it cannot push back, so it buffers or gives up on its own.
 *
 * <p>Exactly one of {@link #end} or {@link #abort} is called, once.
 */
public interface RequestBodyTap {

  /** The next chunk; the buffer is shared with the upstream write and must not be modified. */
  void chunk(Buffer chunk);

  /** The whole body went upstream (an empty body ends at once). */
  void end();

  /**
   * The body will not arrive whole: no upstream could be reached, the gateway or the upstream
   * answered before reading it, or the client went away.
   */
  void abort();
}
