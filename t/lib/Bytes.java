package lib;

import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A deterministic byte pattern of any length, streamed without holding it in memory. */
public final class Bytes {
  private Bytes() {}

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** Byte {@code i} of the pattern. */
  static byte at(long i) {
    return (byte) ((i * 31 + (i >>> 13)) & 0xff);
  }

  public static InputStream pattern(long length) {
    return new InputStream() {
      private long pos;

      @Override
      public int read() {
        return pos < length ? at(pos++) & 0xff : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (pos >= length) {
          return -1;
        }
        int n = (int) Math.min(len, length - pos);
        for (int i = 0; i < n; i++) {
          b[off + i] = at(pos++);
        }
        return n;
      }
    };
  }

  /** SHA-256 (hex) of the first {@code length} bytes of the pattern. */
  public static String patternSha256(long length) {
    return digest(pattern(length)).sha256();
  }

  /** Length and SHA-256 (hex) of a stream. */
  public record Digest(long length, String sha256) {}

  /** Counts and hashes a whole stream, and closes it. */
  public static Digest digest(InputStream in) {
    MessageDigest sha = sha256();
    long total = 0;
    try (in) {
      byte[] buf = new byte[64 * 1024];
      int n;
      while ((n = in.read(buf)) > 0) {
        sha.update(buf, 0, n);
        total += n;
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return new Digest(total, HexFormat.of().formatHex(sha.digest()));
  }
}
