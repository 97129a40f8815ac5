package org.apigw.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.util.ArrayList;
import java.util.List;
import org.apigw.plugin.RequestBodyTap;
import org.junit.jupiter.api.Test;

class BodyTapsTest {

  /** Records what a tap saw, as one line per event. */
  static class Recording implements RequestBodyTap {
    final List<String> events = new ArrayList<>();

    @Override
    public void chunk(Buffer chunk) {
      events.add("chunk " + chunk);
    }

    @Override
    public void end() {
      events.add("end");
    }

    @Override
    public void abort() {
      events.add("abort");
    }
  }

  /** A source whose events the test fires by hand. */
  static final class Source implements ReadStream<Buffer> {
    Handler<Buffer> handler;
    Handler<Void> endHandler;
    Handler<Throwable> exceptionHandler;
    int paused;

    @Override public ReadStream<Buffer> handler(Handler<Buffer> h) { handler = h; return this; }
    @Override public ReadStream<Buffer> endHandler(Handler<Void> h) { endHandler = h; return this; }
    @Override public ReadStream<Buffer> exceptionHandler(Handler<Throwable> h) { exceptionHandler = h; return this; }
    @Override public ReadStream<Buffer> pause() { paused++; return this; }
    @Override public ReadStream<Buffer> resume() { paused--; return this; }
    @Override public ReadStream<Buffer> fetch(long amount) { return this; }
  }

  @Test
  void tee_copiesChunksInOrder_thenEnds_andPassesFlowControlThrough() {
    BodyTaps taps = new BodyTaps();
    Recording tap = new Recording();
    taps.add(tap);
    Source source = new Source();
    List<String> upstream = new ArrayList<>();
    ReadStream<Buffer> tee = taps.wrap(source);
    tee.handler(b -> upstream.add(b.toString()));
    tee.endHandler(v -> upstream.add("end"));
    tee.pause();
    assertEquals(1, source.paused, "pause reaches the request: back-pressure is the upstream's alone");
    source.handler.handle(Buffer.buffer("a"));
    source.handler.handle(Buffer.buffer("b"));
    source.endHandler.handle(null);
    assertEquals(List.of("a", "b", "end"), upstream);
    assertEquals(List.of("chunk a", "chunk b", "end"), tap.events);
    taps.abortUnfinished();
    assertEquals(List.of("chunk a", "chunk b", "end"), tap.events, "end and abort: exactly one of them");
  }

  @Test
  void requestOverBeforeTheBodyEnded_aborts_once() {
    BodyTaps taps = new BodyTaps();
    Recording tap = new Recording();
    taps.add(tap);
    Source source = new Source();
    ReadStream<Buffer> tee = taps.wrap(source);
    tee.handler(b -> {});
    tee.exceptionHandler(e -> {});
    source.handler.handle(Buffer.buffer("a"));
    source.exceptionHandler.handle(new RuntimeException("client reset"));
    taps.abortUnfinished();
    source.handler.handle(Buffer.buffer("late"));
    assertEquals(List.of("chunk a", "abort"), tap.events);
    Recording late = new Recording();
    taps.add(late);
    assertEquals(List.of("abort"), late.events, "a tap added after the body went cannot get it");
  }

  @Test
  void aFailingTap_isDropped_withoutTouchingTheOthers() {
    BodyTaps taps = new BodyTaps();
    List<String> failing = new ArrayList<>();
    taps.add(new Recording() {
      @Override
      public void chunk(Buffer chunk) {
        throw new IllegalStateException("broken tap");
      }

      @Override
      public void abort() {
        failing.add("abort");
      }
    });
    Recording ok = new Recording();
    taps.add(ok);
    Source source = new Source();
    List<String> upstream = new ArrayList<>();
    taps.wrap(source).handler(b -> upstream.add(b.toString()));
    source.handler.handle(Buffer.buffer("a"));
    source.handler.handle(Buffer.buffer("b"));
    taps.end();
    assertEquals(List.of("a", "b"), upstream);
    assertEquals(List.of("abort"), failing);
    assertEquals(List.of("chunk a", "chunk b", "end"), ok.events);
  }
}
