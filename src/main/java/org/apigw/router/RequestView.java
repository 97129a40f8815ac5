package org.apigw.router;

import org.apigw.expr.VarResolver;

/** The parts of a request the router matches on. Implemented by the proxy over the live request. */
public interface RequestView extends VarResolver {

  /** Upper-case method, e.g. {@code GET}. */
  String method();

  /** Normalized path without query: percent-decoded, dot segments resolved, {@code //} merged. */
  String path();

  /** Lower-case host without port (from the Host header), or null. */
  String host();

  /** Client address as text (IPv4 dotted or IPv6), never null. */
  String remoteAddr();
}
