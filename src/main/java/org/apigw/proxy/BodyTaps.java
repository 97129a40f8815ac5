package org.apigw.proxy;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.util.ArrayList;
import java.util.List;
import org.apigw.plugin.RequestBodyTap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request body taps of one request ({@link RequestBodyTap}): hands each tap the chunks
 * that go upstream, then exactly one {@code end} or {@code abort}. A tap that throws is dropped
 * (aborted) so it can never break the request it copies.
 *
 * <p>Confined to the request's event loop.
 */
final class BodyTaps {

  private static final Logger log = LoggerFactory.getLogger(BodyTaps.class);

  private final List<RequestBodyTap> taps = new ArrayList<>(1);
  private boolean done;

  void add(RequestBodyTap tap) {
    if (done) {
      tap.abort(); // registered too late: the body has gone already
      return;
    }
    taps.add(tap);
  }

  /** The request body as the upstream reads it, copying every chunk to the taps on the way. */
  ReadStream<Buffer> wrap(ReadStream<Buffer> body) {
    return new Tee(body);
  }

  /** The request has no body: the taps are complete at once. */
  void end() {
    finish(true);
  }

  /** The request is over: taps still waiting for the rest of the body are aborted. */
  void abortUnfinished() {
    finish(false);
  }

  private void chunk(Buffer chunk) {
    for (int i = 0; i < taps.size(); i++) {
      RequestBodyTap tap = taps.get(i);
      try {
        tap.chunk(chunk);
      } catch (RuntimeException e) {
        log.warn("request body tap failed, dropping it: {}", e.toString());
        taps.remove(i--);
        abortQuietly(tap);
      }
    }
  }

  private void finish(boolean complete) {
    if (done) {
      return;
    }
    done = true;
    for (RequestBodyTap tap : taps) {
      if (complete) {
        try {
          tap.end();
        } catch (RuntimeException e) {
          log.warn("request body tap failed at the end: {}", e.toString());
        }
      } else {
        abortQuietly(tap);
      }
    }
  }

  private static void abortQuietly(RequestBodyTap tap) {
    try {
      tap.abort();
    } catch (RuntimeException e) {
      log.warn("request body tap failed to abort: {}", e.toString());
    }
  }

  /** Delegates flow control to the request; only the data, end and error events are observed. */
  private final class Tee implements ReadStream<Buffer> {
    private final ReadStream<Buffer> source;

    Tee(ReadStream<Buffer> source) {
      this.source = source;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> handler) {
      source.handler(handler == null ? null : chunk -> {
        if (!done) {
          chunk(chunk);
        }
        handler.handle(chunk);
      });
      return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> handler) {
      source.endHandler(handler == null ? null : v -> {
        end();
        handler.handle(v);
      });
      return this;
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
      source.exceptionHandler(handler == null ? null : e -> {
        abortUnfinished();
        handler.handle(e);
      });
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
  }
}
