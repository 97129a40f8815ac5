package org.apigw.proxy;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * The request body as it streams upstream, keeping a copy of its first {@code limit} bytes for
 * the loggers' {@code include_req_body}. Only used when a plugin asked for the body, so other
 * requests stream as before, without copies.
 *
 * <p>Confined to the request's event loop.
 */
final class CapturedBody implements ReadStream<Buffer> {

  private final ReadStream<Buffer> source;
  private final int limit;
  private final Buffer copy = Buffer.buffer();

  CapturedBody(ReadStream<Buffer> source, int limit) {
    this.source = source;
    this.limit = limit;
  }

  /** What was copied so far. */
  Buffer copy() {
    return copy;
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> handler) {
    if (handler == null) {
      source.handler(null);
      return this;
    }
    source.handler(chunk -> {
      int room = limit - copy.length();
      if (room > 0) {
        copy.appendBuffer(chunk, 0, Math.min(room, chunk.length()));
      }
      handler.handle(chunk);
    });
    return this;
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    source.exceptionHandler(handler);
    return this;
  }

  @Override
  public ReadStream<Buffer> pause() {
    source.pause();
    return this;
  }

  @Override
  public ReadStream<Buffer> resume() {
    source.resume();
    return this;
  }

  @Override
  public ReadStream<Buffer> fetch(long amount) {
    source.fetch(amount);
    return this;
  }

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
    source.endHandler(endHandler);
    return this;
  }
}
