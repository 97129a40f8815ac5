package org.apigw.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A blocking test client for the Admin API. Every response is checked for the two headers
 * APISIX always sends ({@code Content-Type: application/json}, {@code X-API-VERSION: v3}).
 */
final class AdminHttp {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String base;

  AdminHttp(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  record Resp(int status, String raw, JsonNode json) {
    String errorMsg() {
      return json == null ? null : json.path("error_msg").asText(null);
    }
  }

  Resp get(String path, String... headers) {
    return send("GET", path, null, headers);
  }

  Resp put(String path, String body, String... headers) {
    return send("PUT", path, body, headers);
  }

  Resp post(String path, String body, String... headers) {
    return send("POST", path, body, headers);
  }

  Resp patch(String path, String body, String... headers) {
    return send("PATCH", path, body, headers);
  }

  Resp delete(String path, String... headers) {
    return send("DELETE", path, null, headers);
  }

  Resp send(String method, String path, String body, String... headers) {
    try {
      return sendAsync(method, path, body, headers).get();
    } catch (Exception e) {
      throw new AssertionError(method + " " + path + " failed", e);
    }
  }

  CompletableFuture<Resp> sendAsync(String method, String path, String body, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(20))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return CLIENT
        .sendAsync(b.build(), HttpResponse.BodyHandlers.ofString())
        .thenApply(
            r -> {
              assertEquals(
                  "application/json",
                  r.headers().firstValue("Content-Type").orElse(null),
                  "Content-Type of " + method + " " + path);
              assertEquals(
                  "v3", r.headers().firstValue("X-API-VERSION").orElse(null), "X-API-VERSION");
              return new Resp(r.statusCode(), r.body(), parse(r.body()));
            });
  }

  static JsonNode parse(String raw) {
    if (raw == null || raw.isEmpty()) {
      return null;
    }
    try {
      return JSON.readTree(raw);
    } catch (IOException e) {
      return null;
    }
  }
}
