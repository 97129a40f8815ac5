package org.apigw.plugins;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayDeque;
import org.apigw.plugin.RequestBodyTap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One mirrored copy of a request, sent on its own and never waited for: the client's request
 * goes on whatever happens here, and a failure is only logged.
 *
 * <p>The body arrives as the original streams upstream ({@link RequestBodyTap}), and the mirror
 * cannot slow that stream down. Chunks the mirror is not ready for (still connecting, or its
 * write queue full) wait in a queue of at most {@code maxPending} bytes; when the mirror falls
 * further behind than that, it is given up (reset, logged) rather than buffering without bound
 * or holding back the real request. A mirror that keeps up gets bodies of any size.
 *
 * <p>Confined to the event loop of the request it copies (the client belongs to that loop).
 */
final class MirrorRequest implements RequestBodyTap {

  private static final Logger log = LoggerFactory.getLogger(MirrorRequest.class);

  private final String target;
  private final long maxPending;
  private final boolean chunked;
  private final ArrayDeque<Buffer> pending = new ArrayDeque<>();
  private long pendingBytes;
  private HttpClientRequest request;
  /** The whole body has been handed over. */
  private boolean bodyEnded;
  /** The mirror request has been ended (all of it written or queued in the connection). */
  private boolean sent;
  /** Given up (or failed): everything after is ignored. */
  private boolean dead;

  private MirrorRequest(String target, long maxPending, boolean chunked) {
    this.target = target;
    this.maxPending = maxPending;
    this.chunked = chunked;
  }

  /**
   * Starts connecting at once; the body follows through the returned tap.
   *
   * @param chunked the original body has no Content-Length (sent chunked as well)
   */
  static MirrorRequest start(HttpClient client, RequestOptions options, boolean chunked, long maxPending) {
    String target = options.getMethod() + " " + (Boolean.TRUE.equals(options.isSsl()) ? "https" : "http") + "://"
        + options.getHost() + ":" + options.getPort() + options.getURI();
    MirrorRequest mirror = new MirrorRequest(target, maxPending, chunked);
    client.request(options).onComplete(mirror::connected);
    return mirror;
  }

  private void connected(AsyncResult<HttpClientRequest> ar) {
    if (ar.failed()) {
      fail("could not connect", ar.cause());
      return;
    }
    HttpClientRequest connected = ar.result();
    if (dead) {
      connected.reset();
      return;
    }
    request = connected;
    if (chunked) {
      request.setChunked(true);
    }
    request.exceptionHandler(e -> fail("request failed", e));
    request.response().onComplete(this::answered);
    flush();
  }

  private void answered(AsyncResult<io.vertx.core.http.HttpClientResponse> ar) {
    if (ar.failed()) {
      if (!dead) {
        fail("no response", ar.cause());
      }
      return;
    }
    var response = ar.result();
    response.handler(ignored -> {}); // the mirror's answer is not used: read and drop it
    Future<Void> done = response.end();
    done.onComplete(v -> log.debug("mirror {} answered {}", target, response.statusCode()));
  }

  @Override
  public void chunk(Buffer chunk) {
    if (dead) {
      return;
    }
    if (request != null && pending.isEmpty() && !request.writeQueueFull()) {
      request.write(chunk);
      return;
    }
    pending.add(chunk);
    pendingBytes += chunk.length();
    if (pendingBytes > maxPending) {
      giveUp("the mirror fell more than " + maxPending + " bytes behind the request body");
      return;
    }
    if (request != null) {
      request.drainHandler(v -> flush());
    }
  }

  @Override
  public void end() {
    if (dead) {
      return;
    }
    bodyEnded = true;
    if (request != null && pending.isEmpty()) {
      send();
    }
  }

  @Override
  public void abort() {
    if (!dead) {
      log.debug("mirror {} abandoned: the original request's body did not go upstream whole", target);
      stop();
    }
  }

  /** Writes what waits while the mirror takes it; ends the request once all is written. */
  private void flush() {
    if (dead || sent) {
      return;
    }
    while (!pending.isEmpty() && !request.writeQueueFull()) {
      Buffer next = pending.poll();
      pendingBytes -= next.length();
      request.write(next);
    }
    if (!pending.isEmpty()) {
      request.drainHandler(v -> flush());
    } else if (bodyEnded) {
      send();
    }
  }

  private void send() {
    if (!sent) {
      sent = true;
      request.end();
    }
  }

  private void giveUp(String why) {
    log.warn("mirror {} given up: {}", target, why);
    stop();
  }

  private void fail(String what, Throwable cause) {
    if (!dead) {
      log.warn("mirror {} failed ({}): {}", target, what, cause.toString());
      stop();
    }
  }

  private void stop() {
    dead = true;
    pending.clear();
    pendingBytes = 0;
    if (request != null) {
      request.reset();
    }
  }
}
