package org.apigw.proxy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * nginx's {@code $uri}: the request path percent-decoded, with {@code //} merged and {@code .}
 * and {@code ..} segments resolved. Routing and the path sent upstream both use it, so the
 * gateway and the upstream never disagree on what a path means.
 */
final class PathNormalizer {

  private PathNormalizer() {}

  /**
   * @return the normalized path, or null when the path is not valid (bad percent-encoding, a
   *     decoded NUL, or {@code ..} above the root) — the proxy answers 400
   */
  static String normalize(String rawPath) {
    if (rawPath == null || rawPath.isEmpty() || rawPath.charAt(0) != '/') {
      return null;
    }
    if (isPlain(rawPath)) {
      return rawPath; // the common case: nothing to decode, merge or resolve
    }
    String decoded = decode(rawPath);
    if (decoded == null) {
      return null;
    }
    StringBuilder out = new StringBuilder(decoded.length());
    int i = 0;
    int n = decoded.length();
    while (i < n) {
      // at a '/'; skip repeated slashes
      while (i < n && decoded.charAt(i) == '/') {
        i++;
      }
      int end = decoded.indexOf('/', i);
      if (end < 0) {
        end = n;
      }
      String segment = decoded.substring(i, end);
      boolean last = end == n;
      if (segment.equals(".")) {
        if (last) {
          out.append('/');
        }
      } else if (segment.equals("..")) {
        int cut = out.lastIndexOf("/");
        if (cut < 0) {
          return null; // above the root
        }
        out.setLength(cut);
        if (last) {
          out.append('/');
        }
      } else if (!segment.isEmpty()) {
        out.append('/').append(segment);
      } else if (last) {
        out.append('/'); // trailing slash
      }
      i = end;
    }
    return out.length() == 0 ? "/" : out.toString();
  }

  private static boolean isPlain(String path) {
    char prev = 0;
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '%' || (c == '/' && prev == '/') || (c == '.' && prev == '/')) {
        return false;
      }
      prev = c;
    }
    return true;
  }

  private static String decode(String raw) {
    if (raw.indexOf('%') < 0) {
      return raw;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= raw.length()) {
          return null;
        }
        int hi = Character.digit(raw.charAt(i + 1), 16);
        int lo = Character.digit(raw.charAt(i + 2), 16);
        if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
          return null;
        }
        bytes.write(hi << 4 | lo);
        i += 2;
      } else if (c < 0x80) {
        bytes.write(c);
      } else {
        byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        bytes.write(utf8, 0, utf8.length);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /** Percent-encodes what may not appear raw in a request path, for the request sent upstream. */
  static String encode(String path) {
    StringBuilder out = null;
    byte[] bytes = null;
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (!allowedRaw(c)) {
        bytes = path.getBytes(StandardCharsets.UTF_8);
        break;
      }
    }
    if (bytes == null) {
      return path;
    }
    out = new StringBuilder(bytes.length + 16);
    for (byte b : bytes) {
      int c = b & 0xff;
      if (c < 0x80 && allowedRaw((char) c)) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }

  /** RFC 3986 pchar plus '/': unreserved, sub-delims, ':' and '@'. */
  private static boolean allowedRaw(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || "-._~!$&'()*+,;=:@/".indexOf(c) >= 0;
  }
}
