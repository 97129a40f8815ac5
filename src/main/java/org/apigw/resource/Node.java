package org.apigw.resource;

/**
 * One upstream node. {@code host} is an IP or name without brackets (IPv6 brackets are
 * stripped at decode time); {@code priority} orders fallback groups, higher first.
 */
public record Node(String host, int port, int weight, int priority) {

  /** {@code host:port}, with brackets around IPv6 literals. */
  public String authority() {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }
}
