package org.apigw.router;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How a route uri is indexed and, when it has capture segments, matched in full. Mirrors
 * lua-resty-radixtree:
 *
 * <ul>
 *   <li>no {@code *} and no parameter segment: exact ({@link #key} is the whole uri);
 *   <li>otherwise the index key is the text before the first {@code *} or parameter segment, a
 *       prefix match;
 *   <li>capture segments are whole segments: {@code :name} ({@code [^/]+}, parameter router only)
 *       and {@code *name} (any rest, may contain {@code /} or be empty; a bare {@code *} is named
 *       {@code :ext} as lua-resty-radixtree does). When a uri has any, the request path must match
 *       the whole pattern (e.g. {@code /a/*x/b} needs the path to end in {@code /b}); a {@code *}
 *       inside a segment ({@code /foo*}) is only a prefix marker.
 * </ul>
 *
 * <p>Matching a path against the pattern allocates nothing; {@link #capture} allocates the
 * params map of the winning route.
 */
final class PathPattern {
  private static final int LIT = 0;
  private static final int PARAM = 1;
  private static final int STAR = 2;

  final String uri;
  final String key;
  final boolean exact;
  private final int[] kinds; // null when the uri has no capture segment
  private final String[] texts; // literal text, or capture name
  private final boolean exposeParams;

  private PathPattern(
      String uri, String key, boolean exact, int[] kinds, String[] texts, boolean exposeParams) {
    this.uri = uri;
    this.key = key;
    this.exact = exact;
    this.kinds = kinds;
    this.texts = texts;
    this.exposeParams = exposeParams;
  }

  /** @param params whether {@code :name} segments are parameters (radixtree_uri_with_parameter) */
  static PathPattern of(String uri, boolean params) {
    List<Integer> kinds = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    StringBuilder lit = new StringBuilder();
    int keyEnd = -1;
    int n = uri.length();
    int i = 0;
    while (i < n) {
      char c = uri.charAt(i);
      boolean segStart = i == 0 || uri.charAt(i - 1) == '/';
      if (segStart && (c == '*' || (params && c == ':'))) {
        int end = uri.indexOf('/', i);
        if (end < 0) {
          end = n;
        }
        if (keyEnd < 0) {
          keyEnd = i;
        }
        if (lit.length() > 0) {
          kinds.add(LIT);
          texts.add(lit.toString());
          lit.setLength(0);
        }
        String name = uri.substring(i + 1, end);
        if (c == '*' && name.isEmpty()) {
          name = ":ext";
        }
        kinds.add(c == '*' ? STAR : PARAM);
        texts.add(name);
        i = end;
        continue;
      }
      if (c == '*' && keyEnd < 0) {
        keyEnd = i;
      }
      lit.append(c);
      i++;
    }
    boolean captures = kinds.size() > 0;
    if (!captures) {
      return keyEnd < 0
          ? new PathPattern(uri, uri, true, null, null, false)
          : new PathPattern(uri, uri.substring(0, keyEnd), false, null, null, false);
    }
    if (lit.length() > 0) {
      kinds.add(LIT);
      texts.add(lit.toString());
    }
    int[] k = new int[kinds.size()];
    for (int j = 0; j < k.length; j++) {
      k[j] = kinds.get(j);
    }
    return new PathPattern(
        uri, uri.substring(0, keyEnd), false, k, texts.toArray(new String[0]), params);
  }

  /** True when the uri has a {@code :name} or {@code *name} segment. */
  boolean hasCaptures() {
    return kinds != null;
  }

  /** For a uri with captures: whether {@code :name} segments are parameters. */
  boolean paramSegments() {
    return exposeParams;
  }

  /** True when {@code path} (already known to start with {@link #key}) matches the uri. */
  boolean matches(String path) {
    return kinds == null || match(path, 0, 0, null);
  }

  /** The captures of a path that {@link #matches}; empty unless this is the parameter router. */
  Map<String, String> capture(String path) {
    if (kinds == null || !exposeParams) {
      return Map.of();
    }
    String[] caps = new String[kinds.length];
    match(path, 0, 0, caps);
    Map<String, String> out = new HashMap<>();
    for (int j = 0; j < kinds.length; j++) {
      if (kinds[j] != LIT && caps[j] != null) {
        out.put(texts[j], caps[j]);
      }
    }
    return java.util.Collections.unmodifiableMap(out);
  }

  private boolean match(String path, int pi, int ti, String[] caps) {
    if (ti == kinds.length) {
      return pi == path.length();
    }
    String t = texts[ti];
    switch (kinds[ti]) {
      case LIT:
        return path.startsWith(t, pi) && match(path, pi + t.length(), ti + 1, caps);
      case PARAM:
        {
          int end = path.indexOf('/', pi);
          if (end < 0) {
            end = path.length();
          }
          // [^/]+ is greedy and is followed by '/' or the end, so no shorter split can match
          if (end == pi || !match(path, end, ti + 1, caps)) {
            return false;
          }
          if (caps != null) {
            caps[ti] = path.substring(pi, end);
          }
          return true;
        }
      default: // STAR: greedy, longest first
        for (int end = path.length(); end >= pi; end--) {
          if (match(path, end, ti + 1, caps)) {
            if (caps != null) {
              caps[ti] = path.substring(pi, end);
            }
            return true;
          }
        }
        return false;
    }
  }
}
