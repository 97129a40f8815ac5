package org.apigw.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An expected Admin API failure carrying the HTTP status and the exact body to send. It has no
 * stack trace: it is a result travelling through a failed future, not a bug.
 */
final class AdminError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final transient JsonNode body;

  AdminError(int status, JsonNode body) {
    super(body.toString(), null, false, false);
    this.status = status;
    this.body = body;
  }

  /** {@code {"error_msg": message}}, the shape of nearly every APISIX admin error. */
  static AdminError of(int status, String message) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("error_msg", message);
    return new AdminError(status, body);
  }

  static AdminError badRequest(String message) {
    return of(400, message);
  }

  /** 404 {@code {"message":"Key not found"}}: APISIX passes etcd's own not-found body through. */
  static AdminError keyNotFound() {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("message", "Key not found");
    return new AdminError(404, body);
  }

  int status() {
    return status;
  }

  JsonNode body() {
    return body;
  }
}
