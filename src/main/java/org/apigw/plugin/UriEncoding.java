package org.apigw.plugin;

import java.nio.charset.StandardCharsets;

/** Percent-encoding of a path as APISIX's {@code uri_safe_encode}: reserved characters kept. */
public final class UriEncoding {

  private static final boolean[] SAFE = new boolean[128];

  static {
    for (char c = 'a'; c <= 'z'; c++) {
      SAFE[c] = true;
    }
    for (char c = 'A'; c <= 'Z'; c++) {
      SAFE[c] = true;
    }
    for (char c = '0'; c <= '9'; c++) {
      SAFE[c] = true;
    }
    for (char c : "-._~!$&'()*+,;=:@/%".toCharArray()) {
      SAFE[c] = true;
    }
  }

  private UriEncoding() {}

  public static String encode(String text) {
    int i = 0;
    while (i < text.length() && text.charAt(i) < 128 && SAFE[text.charAt(i)]) {
      i++;
    }
    if (i == text.length()) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, i);
    for (byte b : text.substring(i).getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c < 128 && SAFE[c]) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return out.toString();
  }
}
