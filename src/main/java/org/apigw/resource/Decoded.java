package org.apigw.resource;

/** Outcome of decoding one etcd value: the resource, or why it was refused. */
public sealed interface Decoded {

  record Accepted(Resource resource) implements Decoded {}

  /** {@code reason} names the field at fault, e.g. {@code invalid configuration: property "uri" ...}. */
  record Rejected(String reason) implements Decoded {}
}
