package org.apigw.router;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apigw.expr.CidrMatcher;
import org.apigw.expr.Expr;

/**
 * One (route, uri) pair as indexed: the uri's {@link PathPattern} plus the route's filters,
 * precompiled. Filters run in lua-resty-radixtree's order: methods, remote_addrs, hosts, vars.
 */
final class RouteEntry<T> {

  /**
   * Bucket order: priority DESC, then longer original uri, then input order. Input order is
   * {@link #order} for a router built from a list (each entry has its own); a {@link RouteTable}
   * gives every entry order 0, so its input order is route id, then the uri's position in the
   * route: the order its routes would have in a list sorted by id, without numbering them all.
   */
  static final Comparator<RouteEntry<?>> ORDER =
      Comparator.<RouteEntry<?>>comparingInt(e -> -e.route.priority())
          .thenComparingInt(e -> -e.pattern.uri.length())
          .thenComparingInt(e -> e.order)
          .thenComparing(e -> e.route.id())
          .thenComparingInt(e -> e.uriIndex);

  final RouteSpec<T> route;
  final PathPattern pattern;
  final int order;
  /** Position of {@link #pattern}'s uri in the route's uris. */
  final int uriIndex;
  private final String[] methods; // null = any
  private final CidrMatcher remoteAddrs; // null = any
  private final HostFilter hosts; // null = any
  private final Expr vars; // null = always

  RouteEntry(RouteSpec<T> route, PathPattern pattern, int order, int uriIndex, boolean filterHosts) {
    this.route = route;
    this.pattern = pattern;
    this.order = order;
    this.uriIndex = uriIndex;
    if (route.methods().isEmpty()) {
      this.methods = null;
    } else {
      this.methods = new String[route.methods().size()];
      for (int i = 0; i < methods.length; i++) {
        methods[i] = route.methods().get(i).toUpperCase(Locale.ROOT);
      }
    }
    if (route.remoteAddrs().isEmpty()) {
      this.remoteAddrs = null;
    } else {
      try {
        this.remoteAddrs = CidrMatcher.parse(route.remoteAddrs());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("route " + route.id() + ": " + e.getMessage(), e);
      }
    }
    this.hosts = filterHosts && !route.hosts().isEmpty() ? new HostFilter(route.hosts()) : null;
    this.vars = route.vars();
  }

  /** Methods, remote_addrs, hosts and vars, in that order. */
  boolean accepts(RequestView r) {
    if (methods != null && !hasMethod(r.method())) {
      return false;
    }
    if (remoteAddrs != null && !remoteAddrs.matches(r.remoteAddr())) {
      return false;
    }
    if (hosts != null && !hosts.matches(r)) {
      return false;
    }
    return vars == null || vars.test(r);
  }

  private boolean hasMethod(String m) {
    if (m == null) {
      return false;
    }
    for (String s : methods) {
      if (s.equals(m)) {
        return true;
      }
    }
    return false;
  }

  Match<T> toMatch(String path) {
    return new Match<>(route, pattern.uri, pattern.capture(path));
  }

  /**
   * True when a route host carries a port ({@code foo.com:8080}, {@code [::1]:8080}); such a host
   * is compared with the full Host header instead of the port-less host.
   */
  static boolean hasPort(String host) {
    int colon = host.lastIndexOf(':');
    if (colon < 0) {
      return false;
    }
    if (host.startsWith("[")) {
      return colon > host.indexOf(']');
    }
    return host.indexOf(':') == colon;
  }

  /** The Host header, lower-cased only when it needs to be (no allocation in the common case). */
  static String fullHost(RequestView r) {
    String h = r.var("http_host");
    if (h == null) {
      return null;
    }
    for (int i = 0; i < h.length(); i++) {
      char c = h.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        return h.toLowerCase(Locale.ROOT);
      }
    }
    return h;
  }

  /**
   * A route's hosts as a filter (radixtree_uri): exact, or {@code *.suffix} meaning ends-with
   * {@code .suffix} ({@code *.foo.com} matches {@code a.foo.com}, {@code a.b.foo.com}, not {@code
   * foo.com}); a bare {@code *} matches any host. Hosts with a port compare with the Host header.
   */
  static final class HostFilter {
    private final String[] exact;
    private final String[] suffixes;
    private final String[] exactWithPort;
    private final String[] suffixesWithPort;

    HostFilter(List<String> hosts) {
      List<String> e = new ArrayList<>();
      List<String> s = new ArrayList<>();
      List<String> ep = new ArrayList<>();
      List<String> sp = new ArrayList<>();
      for (String h : hosts) {
        String host = h.toLowerCase(Locale.ROOT);
        boolean port = hasPort(host);
        if (host.startsWith("*")) {
          (port ? sp : s).add(host.substring(1));
        } else {
          (port ? ep : e).add(host);
        }
      }
      exact = e.toArray(new String[0]);
      suffixes = s.toArray(new String[0]);
      exactWithPort = ep.toArray(new String[0]);
      suffixesWithPort = sp.toArray(new String[0]);
    }

    boolean matches(RequestView r) {
      if (exact.length + suffixes.length > 0) {
        String host = r.host();
        if (host != null && matches(host, exact, suffixes)) {
          return true;
        }
      }
      if (exactWithPort.length + suffixesWithPort.length > 0) {
        String full = fullHost(r);
        return full != null && matches(full, exactWithPort, suffixesWithPort);
      }
      return false;
    }

    private static boolean matches(String host, String[] exact, String[] suffixes) {
      for (String h : exact) {
        if (h.equals(host)) {
          return true;
        }
      }
      for (String s : suffixes) {
        if (host.endsWith(s)) {
          return true;
        }
      }
      return false;
    }
  }
}
