package org.apigw.router;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apigw.collect.PersistentHashMap;

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
 *
 * <p>Immutable; {@link #edit} rebuilds only the per-host indexes of the hosts it touches.
 */
final class HostUriRouter<T> implements EditableRouter<T> {
  private static final HostUriRouter<?> EMPTY =
      new HostUriRouter<>(HostIndex.empty(), HostIndex.empty(), UriIndex.empty());

  private final HostIndex<T> hosts;
  private final HostIndex<T> hostsWithPort;
  private final UriIndex<T> hostless;

  private HostUriRouter(HostIndex<T> hosts, HostIndex<T> hostsWithPort, UriIndex<T> hostless) {
    this.hosts = hosts;
    this.hostsWithPort = hostsWithPort;
    this.hostless = hostless;
  }

  @SuppressWarnings("unchecked")
  static <T> HostUriRouter<T> empty() {
    return (HostUriRouter<T>) EMPTY;
  }

  @Override
  public RouteEntry<T> entry(RouteSpec<T> route, int uriIndex, int order) {
    return new RouteEntry<>(route, PathPattern.of(route.uris().get(uriIndex), false), order, uriIndex, false);
  }

  @Override
  public HostUriRouter<T> edit(Collection<RouteEntry<T>> removed, Collection<RouteEntry<T>> added) {
    Edits<T> plain = new Edits<>();
    Edits<T> withPort = new Edits<>();
    Edits<T> none = new Edits<>();
    split(removed, plain, withPort, none, true);
    split(added, plain, withPort, none, false);
    UriIndex<T> nextHostless = none.byHost.isEmpty() ? hostless : none.applyTo("", hostless);
    return new HostUriRouter<>(hosts.edit(plain), hostsWithPort.edit(withPort), nextHostless);
  }

  /** Files each entry under every host of its route (lower-cased), or as host-less. */
  private static <T> void split(
      Collection<RouteEntry<T>> entries, Edits<T> plain, Edits<T> withPort, Edits<T> none, boolean removal) {
    for (RouteEntry<T> e : entries) {
      if (e.route.hosts().isEmpty()) {
        none.add("", e, removal);
        continue;
      }
      for (String h : e.route.hosts()) {
        String host = h.toLowerCase(Locale.ROOT);
        (RouteEntry.hasPort(host) ? withPort : plain).add(host, e, removal);
      }
    }
  }

  @Override
  public Match<T> match(RequestView request) {
    String path = request.path();
    if (!hostsWithPort.isEmpty()) {
      String full = RouteEntry.fullHost(request);
      if (full != null) {
        Match<T> m = hostsWithPort.match(full, request, path);
        if (m != null) {
          return m;
        }
      }
    }
    if (!hosts.isEmpty()) {
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

  /** Entries to take out of and put into each host's index during one edit. */
  private static final class Edits<T> {
    final Map<String, List<RouteEntry<T>>[]> byHost = new HashMap<>();

    @SuppressWarnings("unchecked")
    void add(String host, RouteEntry<T> e, boolean removal) {
      List<RouteEntry<T>>[] lists =
          byHost.computeIfAbsent(host, h -> new List[] {new ArrayList<>(), new ArrayList<>()});
      lists[removal ? 0 : 1].add(e);
    }

    UriIndex<T> applyTo(String host, UriIndex<T> index) {
      List<RouteEntry<T>>[] lists = byHost.get(host);
      return index.edit(lists[0], lists[1]);
    }
  }

  /** Exact hosts in a hash map; {@code *.suffix} hosts in a suffix trie (longest first). */
  static final class HostIndex<T> {
    private static final HostIndex<?> EMPTY =
        new HostIndex<>(PersistentHashMap.empty(), PrefixTrie.empty(true));

    /** Matches the per-host indexes the suffix trie offers; a constant, so no allocation. */
    private static final PrefixTrie.Probe<UriIndex<Object>, RequestView, String, Match<Object>> INDEX =
        UriIndex::match;

    private final PersistentHashMap<String, UriIndex<T>> exact;
    private final PrefixTrie<UriIndex<T>> wildcard; // keyed by ".suffix"; "" for a bare "*"

    private HostIndex(PersistentHashMap<String, UriIndex<T>> exact, PrefixTrie<UriIndex<T>> wildcard) {
      this.exact = exact;
      this.wildcard = wildcard;
    }

    @SuppressWarnings("unchecked")
    static <T> HostIndex<T> empty() {
      return (HostIndex<T>) EMPTY;
    }

    boolean isEmpty() {
      return exact.isEmpty() && wildcard.size() == 0;
    }

    HostIndex<T> edit(Edits<T> edits) {
      if (edits.byHost.isEmpty()) {
        return this;
      }
      PersistentHashMap<String, UriIndex<T>> ex = exact;
      Map<String, UriIndex<T>> fresh = exact.isEmpty() ? new HashMap<>() : null; // first build: bulk
      PrefixTrie<UriIndex<T>> wild = wildcard;
      for (String host : edits.byHost.keySet()) {
        if (host.startsWith("*")) {
          String suffix = host.substring(1);
          UriIndex<T> old = wild.get(suffix);
          UriIndex<T> now = edits.applyTo(host, old == null ? UriIndex.empty() : old);
          wild = now.isEmpty() ? wild.without(suffix) : wild.with(suffix, now);
        } else if (fresh != null) {
          UriIndex<T> now = edits.applyTo(host, UriIndex.empty());
          if (!now.isEmpty()) {
            fresh.put(host, now);
          }
        } else {
          UriIndex<T> old = ex.get(host);
          UriIndex<T> now = edits.applyTo(host, old == null ? UriIndex.empty() : old);
          ex = now.isEmpty() ? ex.without(host) : ex.with(host, now);
        }
      }
      return new HostIndex<>(fresh != null ? PersistentHashMap.copyOf(fresh) : ex, wild);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    Match<T> match(String host, RequestView r, String path) {
      UriIndex<T> idx = exact.get(host);
      if (idx != null) {
        Match<T> m = idx.match(r, path);
        if (m != null) {
          return m;
        }
      }
      if (wildcard.size() == 0) {
        return null;
      }
      return (Match<T>) wildcard.longestFirst(host, r, path, (PrefixTrie.Probe) INDEX);
    }
  }
}
