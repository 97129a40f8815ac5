package org.apigw.router;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code radixtree_host_uri}, the default: routes with hosts are indexed per host, each host with
 * its own {@link UriIndex}; routes without hosts go into one more {@link UriIndex}.
 *
 * <p>Lookup order, as in APISIX's two-level router: the request host's exact bucket, then wildcard
 * buckets from the longest matching suffix to the shortest ({@code *.b.foo.com}, {@code *.foo.com},
 * ..., {@code *}), and only if no route in any of them accepts the request, the host-less routes.
 * So a host route beats a host-less one regardless of priority, and a host route that fails a
 * filter falls back to host-less routes. Route hosts that carry a port ({@code foo.com:8080}) are
 * looked up first, with the full Host header.
 */
final class HostUriRouter<T> implements Router<T> {
  private final HostIndex<T> hosts; // null when no route has hosts
  private final HostIndex<T> hostsWithPort; // null when no route host has a port
  private final UriIndex<T> hostless;

  private HostUriRouter(HostIndex<T> hosts, HostIndex<T> hostsWithPort, UriIndex<T> hostless) {
    this.hosts = hosts;
    this.hostsWithPort = hostsWithPort;
    this.hostless = hostless;
  }

  static <T> HostUriRouter<T> build(List<RouteSpec<T>> routes) {
    Map<String, UriIndex.Builder<T>> plain = new LinkedHashMap<>();
    Map<String, UriIndex.Builder<T>> withPort = new LinkedHashMap<>();
    UriIndex.Builder<T> hostless = new UriIndex.Builder<>();
    int order = 0;
    for (RouteSpec<T> route : routes) {
      for (String uri : route.uris()) {
        RouteEntry<T> e = new RouteEntry<>(route, PathPattern.of(uri, false), order++, false);
        if (route.hosts().isEmpty()) {
          hostless.add(e);
          continue;
        }
        for (String h : route.hosts()) {
          String host = h.toLowerCase(Locale.ROOT);
          Map<String, UriIndex.Builder<T>> m = RouteEntry.hasPort(host) ? withPort : plain;
          m.computeIfAbsent(host, k -> new UriIndex.Builder<>()).add(e);
        }
      }
    }
    return new HostUriRouter<>(
        HostIndex.build(plain), HostIndex.build(withPort), hostless.build());
  }

  @Override
  public Match<T> match(RequestView request) {
    String path = request.path();
    if (hostsWithPort != null) {
      String full = RouteEntry.fullHost(request);
      if (full != null) {
        Match<T> m = hostsWithPort.match(full, request, path);
        if (m != null) {
          return m;
        }
      }
    }
    if (hosts != null) {
      String host = request.host();
      if (host != null) {
        Match<T> m = hosts.match(host, request, path);
        if (m != null) {
          return m;
        }
      }
    }
    return hostless.match(request, path);
  }

  /** Exact hosts in a hash map; {@code *.suffix} hosts in a suffix trie (longest first). */
  static final class HostIndex<T> {
    private final Map<String, UriIndex<T>> exact;
    private final PrefixTrie<UriIndex<T>> wildcard; // keyed by ".suffix"; "" for a bare "*"

    private HostIndex(Map<String, UriIndex<T>> exact, PrefixTrie<UriIndex<T>> wildcard) {
      this.exact = exact;
      this.wildcard = wildcard;
    }

    static <T> HostIndex<T> build(Map<String, UriIndex.Builder<T>> byHost) {
      if (byHost.isEmpty()) {
        return null;
      }
      Map<String, UriIndex<T>> exact = new HashMap<>();
      List<Map.Entry<String, UriIndex.Builder<T>>> wild = new ArrayList<>();
      for (Map.Entry<String, UriIndex.Builder<T>> e : byHost.entrySet()) {
        if (e.getKey().startsWith("*")) {
          wild.add(e);
        } else {
          exact.put(e.getKey(), e.getValue().build());
        }
      }
      PrefixTrie<UriIndex<T>> trie = null;
      if (!wild.isEmpty()) {
        trie = new PrefixTrie<>(true);
        for (Map.Entry<String, UriIndex.Builder<T>> e : wild) {
          trie.put(e.getKey().substring(1), e.getValue().build());
        }
        trie.freeze();
      }
      return new HostIndex<>(exact, trie);
    }

    Match<T> match(String host, RequestView r, String path) {
      UriIndex<T> idx = exact.get(host);
      if (idx != null) {
        Match<T> m = idx.match(r, path);
        if (m != null) {
          return m;
        }
      }
      if (wildcard != null) {
        for (PrefixTrie.Node<UriIndex<T>> n = wildcard.deepest(host); n != null; n = n.up) {
          Match<T> m = n.value.match(r, path);
          if (m != null) {
            return m;
          }
        }
      }
      return null;
    }
  }
}
