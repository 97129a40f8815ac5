package lib;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A small HTTP/1.1 client over {@code java.net.http} for talking to the gateway's proxy, Admin
 * and Control ports. The Host header may be set (the JDK restricts it unless told otherwise).
 */
public final class Http {

  static {
    // must run before the first HttpClient is created in this JVM
    System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host,connection,content-length");
  }

  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  private Http() {}

  public static Req to(String baseUrl, String pathAndQuery) {
    return new Req(URI.create(baseUrl + pathAndQuery));
  }

  /** A request being built; {@link #send()} performs it. */
  public static final class Req {
    private final URI uri;
    private String method = "GET";
    private final Map<String, String> headers = new LinkedHashMap<>();
    private HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.noBody();
    private Duration timeout = Duration.ofSeconds(20);

    Req(URI uri) {
      this.uri = uri;
    }

    public Req method(String m) {
      this.method = m;
      return this;
    }

    public Req header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    public Req host(String host) {
      return header("Host", host);
    }

    public Req body(String text) {
      this.body =
          text == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8);
      return this;
    }

    /** A streamed body of unknown length (sent chunked). */
    public Req body(Supplier<InputStream> stream) {
      this.body = HttpRequest.BodyPublishers.ofInputStream(stream);
      return this;
    }

    public Req timeout(Duration t) {
      this.timeout = t;
      return this;
    }

    private HttpRequest build() {
      HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout).method(method, body);
      headers.forEach(b::header);
      return b.build();
    }

    public Response send() {
      try {
        HttpResponse<byte[]> r = CLIENT.send(build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Response(r.statusCode(), r.headers(), r.body());
      } catch (IOException e) {
        throw new UncheckedIOException(method + " " + uri + " failed: " + e, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }

    /** Sends and hands back the response body as a stream (for huge bodies). */
    public HttpResponse<InputStream> sendStreaming() {
      try {
        return CLIENT.send(build(), HttpResponse.BodyHandlers.ofInputStream());
      } catch (IOException e) {
        throw new UncheckedIOException(method + " " + uri + " failed: " + e, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }

    public Response get() {
      return method("GET").send();
    }
  }

  /** A complete response. */
  public record Response(int status, HttpHeaders headers, byte[] bytes) {
    public String body() {
      return new String(bytes, StandardCharsets.UTF_8);
    }

    public JsonNode json() {
      return Json.parse(body());
    }

    public String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    @Override
    public String toString() {
      String b = body();
      return status + " " + (b.length() > 2000 ? b.substring(0, 2000) + "…" : b);
    }
  }
}
