package org.apigw.router;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.apigw.expr.Expr;

/** A fluent {@link RouteSpec} builder for tests; the payload is the id. */
final class R {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String id;
  private final List<String> uris = new ArrayList<>();
  private List<String> methods = List.of();
  private List<String> hosts = List.of();
  private List<String> remoteAddrs = List.of();
  private Expr vars;
  private int priority;

  private R(String id, String... uris) {
    this.id = id;
    this.uris.addAll(List.of(uris));
  }

  static R route(String id, String... uris) {
    return new R(id, uris);
  }

  R methods(String... m) {
    methods = List.of(m);
    return this;
  }

  R hosts(String... h) {
    hosts = List.of(h);
    return this;
  }

  R remoteAddrs(String... a) {
    remoteAddrs = List.of(a);
    return this;
  }

  R priority(int p) {
    priority = p;
    return this;
  }

  /** vars in JSON with ' for ". */
  R vars(String json) {
    try {
      vars = Expr.compile(JSON.readTree(json.replace('\'', '"')));
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
    return this;
  }

  RouteSpec<String> spec() {
    return new RouteSpec<>(id, uris, methods, hosts, remoteAddrs, vars, priority, id);
  }

  static Router<String> router(String kind, R... routes) {
    List<RouteSpec<String>> specs = new ArrayList<>();
    for (R r : routes) {
      specs.add(r.spec());
    }
    return Router.build(kind, specs);
  }

  /** The id of the matched route, or null. */
  static String id(Router<String> router, Req req) {
    Match<String> m = router.match(req);
    return m == null ? null : m.route().payload();
  }
}
