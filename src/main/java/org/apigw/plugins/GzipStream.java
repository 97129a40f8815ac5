package org.apigw.plugins;

import io.vertx.core.buffer.Buffer;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A gzip member (RFC 1952) produced piece by piece: a fixed header, raw deflate output for each
 * input chunk as the compressor releases it, then the CRC-32 and length trailer. Only the
 * compressor's window is held, never the body, so a response of any size streams through.
 *
 * <p>Not thread-safe: one instance per response, used on its event loop. {@link #close} frees
 * the native compressor and is safe to call more than once.
 */
final class GzipStream {

  /** Magic, deflate, no flags, mtime 0, no extra flags, OS 3 (Unix) — what nginx writes. */
  private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};

  private final Deflater deflater;
  private final CRC32 crc = new CRC32();
  private final byte[] scratch;
  private boolean headerWritten;
  private boolean finished;
  private boolean closed;

  /**
   * @param level 1 (fastest) .. 9 (smallest)
   * @param bufferSize bytes of compressed output gathered per deflate call
   */
  GzipStream(int level, int bufferSize) {
    this.deflater = new Deflater(level, true); // raw deflate: the gzip framing is written here
    this.scratch = new byte[bufferSize];
  }

  /**
   * Compresses {@code chunk}; with {@code last} also flushes the compressor and appends the
   * trailer. Returns what is ready to send, possibly nothing: the compressor keeps small inputs
   * until it has a block worth emitting, as nginx's gzip filter does.
   */
  Buffer update(Buffer chunk, boolean last) {
    if (finished || closed) {
      throw new IllegalStateException("gzip stream already " + (closed ? "closed" : "finished"));
    }
    Buffer out = Buffer.buffer();
    if (!headerWritten) {
      out.appendBytes(HEADER);
      headerWritten = true;
    }
    if (chunk.length() > 0) {
      byte[] input = chunk.getBytes();
      crc.update(input);
      deflater.setInput(input);
      while (!deflater.needsInput()) {
        drain(out);
      }
    }
    if (last) {
      deflater.finish();
      while (!deflater.finished()) {
        drain(out);
      }
      out.appendIntLE((int) crc.getValue());
      out.appendIntLE((int) deflater.getBytesRead()); // ISIZE: input length modulo 2^32
      finished = true;
      close();
    }
    return out;
  }

  private void drain(Buffer out) {
    int n = deflater.deflate(scratch, 0, scratch.length, Deflater.NO_FLUSH);
    if (n > 0) {
      out.appendBytes(scratch, 0, n);
    }
  }

  void close() {
    if (!closed) {
      closed = true;
      deflater.end();
    }
  }
}
