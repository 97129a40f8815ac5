package org.apigw.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apigw.router.RequestView;
import org.apigw.router.RouteSpec;

/**
 * The APISIX-like route mix every benchmark uses, end to end (benchmark/bench.py writes the same
 * routes to etcd) and in JMH. Route {@code i} is, by {@code i % 4}:
 *
 * <ol start="0">
 *   <li>exact {@code /api/v1/s<i>/items}, methods GET and POST;
 *   <li>prefix {@code /static/s<i>/*};
 *   <li>parameter {@code /users/:uid/s<i>/orders} (a parameter only for {@code
 *       radixtree_uri_with_parameter}; other routers see a literal path);
 *   <li>host {@code /host/s<i>} with {@code hosts: ["h<i>.example.com"]}.
 * </ol>
 *
 * All routes point at {@code upstream_id: "1"}. Ids are {@code m<i>}.
 */
final class RouteMix {
  private RouteMix() {}

  static String uri(int i) {
    switch (i % 4) {
      case 0:
        return "/api/v1/s" + i + "/items";
      case 1:
        return "/static/s" + i + "/*";
      case 2:
        return "/users/:uid/s" + i + "/orders";
      default:
        return "/host/s" + i;
    }
  }

  static List<String> methods(int i) {
    return i % 4 == 0 ? List.of("GET", "POST") : List.of();
  }

  static List<String> hosts(int i) {
    return i % 4 == 3 ? List.of("h" + i + ".example.com") : List.of();
  }

  static List<RouteSpec<String>> specs(int n) {
    List<RouteSpec<String>> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(new RouteSpec<>("m" + i, List.of(uri(i)), methods(i), hosts(i), List.of(), null, 0, "m" + i));
    }
    return out;
  }

  /** The route as the Admin API would store it under {@code /apisix/routes/m<i>}. */
  static byte[] json(int i, String uriOverride) {
    StringBuilder b = new StringBuilder(160);
    b.append("{\"id\":\"m").append(i).append("\",\"uri\":\"").append(uriOverride == null ? uri(i) : uriOverride).append('"');
    if (!methods(i).isEmpty()) {
      b.append(",\"methods\":[\"GET\",\"POST\"]");
    }
    if (!hosts(i).isEmpty()) {
      b.append(",\"hosts\":[\"").append(hosts(i).get(0)).append("\"]");
    }
    b.append(",\"upstream_id\":\"1\",\"create_time\":1700000000,\"update_time\":1700000000}");
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * A request that route {@code i} (and no route before it) matches.
   *
   * @param params whether the router treats {@code :uid} as a parameter
   */
  static View request(int i, boolean params) {
    switch (i % 4) {
      case 0:
        return new View("GET", "/api/v1/s" + i + "/items", "bench.local");
      case 1:
        return new View("GET", "/static/s" + i + "/css/site.css", "bench.local");
      case 2:
        return new View("GET", params ? "/users/42/s" + i + "/orders" : "/users/:uid/s" + i + "/orders", "bench.local");
      default:
        return new View("GET", "/host/s" + i, "h" + i + ".example.com");
    }
  }

  /** A fixed request; {@code var} answers the few variables a router may ask for. */
  static final class View implements RequestView {
    private final String method;
    private final String path;
    private final String host;

    View(String method, String path, String host) {
      this.method = method;
      this.path = path;
      this.host = host;
    }

    @Override
    public String method() {
      return method;
    }

    @Override
    public String path() {
      return path;
    }

    @Override
    public String host() {
      return host;
    }

    @Override
    public String remoteAddr() {
      return "127.0.0.1";
    }

    @Override
    public String var(String name) {
      switch (name) {
        case "uri":
          return path;
        case "host":
          return host;
        case "http_host":
          return host;
        case "request_method":
          return method;
        case "remote_addr":
          return "127.0.0.1";
        default:
          return null;
      }
    }
  }
}
