package org.apigw.router;

import java.util.HashMap;
import java.util.Map;

/** A hand-built {@link RequestView} for router tests. */
final class Req implements RequestView {
  private String method = "GET";
  private final String path;
  private String host;
  private String remoteAddr = "127.0.0.1";
  private final Map<String, String> vars = new HashMap<>();

  private Req(String path) {
    this.path = path;
  }

  static Req get(String path) {
    return new Req(path);
  }

  Req method(String m) {
    this.method = m;
    return this;
  }

  /** Sets the port-less host and the Host header ({@code http_host}). */
  Req host(String h) {
    this.host = h == null ? null : h.toLowerCase(java.util.Locale.ROOT);
    vars.put("host", this.host);
    vars.put("http_host", h);
    return this;
  }

  /** Host header with a port: host() is the part before the port. */
  Req hostHeader(String full) {
    host(full);
    int c = full.lastIndexOf(':');
    this.host = full.substring(0, c).toLowerCase(java.util.Locale.ROOT);
    return this;
  }

  Req from(String addr) {
    this.remoteAddr = addr;
    return this;
  }

  Req var(String k, String v) {
    vars.put(k, v);
    return this;
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
    return remoteAddr;
  }

  @Override
  public String var(String name) {
    if (name.equals("remote_addr")) {
      return remoteAddr;
    }
    if (name.equals("uri")) {
      return path;
    }
    if (name.equals("request_method")) {
      return method;
    }
    return vars.get(name);
  }
}
