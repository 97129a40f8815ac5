package lib;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real upstream HTTP server on a free loopback port ({@code com.sun.net.httpserver}). Every
 * answer is JSON naming the server and echoing what it received:
 *
 * <pre>{"server":"u1","method":"POST","path":"/a","query":"x=1","headers":{"host":"..."},
 *  "body":"...","body_length":3,"body_sha256":"..."}</pre>
 *
 * Behaviour per server (builder) or per request (query arguments, which the gateway forwards):
 * {@code delay_ms=N} waits before answering, {@code status=N} answers with that status,
 * {@code stream_bytes=N} streams N bytes of {@link Bytes#pattern} instead of the JSON (with the
 * echo in {@code X-Echo-*} headers). {@code body} is only echoed when under 64 KiB.
 */
public final class Upstream implements AutoCloseable {

  static {
    // without it the JDK server's separate header and body writes meet delayed ACKs: ~40 ms a request
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private final String name;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "upstream");
    t.setDaemon(true);
    return t;
  });
  private final AtomicInteger hits = new AtomicInteger();
  /** Echo of the last request answered (body included only under 64 KiB), for mirror checks. */
  private volatile ObjectNode last;
  private volatile long delayMs;
  private volatile int fixedStatus;

  private Upstream(String name, long delayMs, int fixedStatus) {
    this.name = name;
    this.delayMs = delayMs;
    this.fixedStatus = fixedStatus;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  public static Upstream start(String name) {
    return new Upstream(name, 0, 0);
  }

  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Builder for the per-server options. */
  public static final class Builder {
    private final String name;
    private long delayMs;
    private int status;

    Builder(String name) {
      this.name = name;
    }

    public Builder delayMs(long ms) {
      this.delayMs = ms;
      return this;
    }

    public Builder status(int s) {
      this.status = s;
      return this;
    }

    public Upstream start() {
      return new Upstream(name, delayMs, status);
    }
  }

  public String name() {
    return name;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code 127.0.0.1:port}, the node key of an APISIX upstream. */
  public String node() {
    return "127.0.0.1:" + port();
  }

  public int hits() {
    return hits.get();
  }

  public void resetHits() {
    hits.set(0);
  }

  /**
   * What the last request that was read in full looked like: the echo document (method, path,
   * query, headers, body_length, body_sha256, ...), or null before the first one.
   */
  public ObjectNode lastRequest() {
    return last;
  }

  public void delayMs(long ms) {
    this.delayMs = ms;
  }

  public void fixedStatus(int status) {
    this.fixedStatus = status;
  }

  private void handle(HttpExchange ex) throws IOException {
    hits.incrementAndGet();
    try (ex) {
      Map<String, String> args = parseQuery(ex.getRequestURI().getRawQuery());
      // read (and hash) the body as it streams in
      MessageDigest sha = Bytes.sha256();
      long length = 0;
      byte[] head = new byte[64 * 1024];
      int headLen = 0;
      try (InputStream in = ex.getRequestBody()) {
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = in.read(buf)) > 0) {
          sha.update(buf, 0, n);
          if (headLen < head.length) {
            int c = Math.min(n, head.length - headLen);
            System.arraycopy(buf, 0, head, headLen, c);
            headLen += c;
          }
          length += n;
        }
      }
      long delay = args.containsKey("delay_ms") ? Long.parseLong(args.get("delay_ms")) : delayMs;
      if (delay > 0) {
        try {
          Thread.sleep(delay); // the upstream being slow is the behaviour under test
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      int status = args.containsKey("status") ? Integer.parseInt(args.get("status")) : fixedStatus > 0 ? fixedStatus : 200;
      String bodySha = HexFormat.of().formatHex(sha.digest());
      ex.getResponseHeaders().add("X-Upstream-Name", name);
      ex.getResponseHeaders().add("X-Echo-Body-Length", Long.toString(length));
      ex.getResponseHeaders().add("X-Echo-Body-Sha256", bodySha);
      if (args.containsKey("stream_bytes")) {
        long total = Long.parseLong(args.get("stream_bytes"));
        ex.getResponseHeaders().add("Content-Type", "application/octet-stream");
        ex.sendResponseHeaders(status, 0); // chunked
        try (OutputStream out = ex.getResponseBody(); InputStream src = Bytes.pattern(total)) {
          src.transferTo(out);
        }
        return;
      }
      ObjectNode echo = Json.MAPPER.createObjectNode();
      echo.put("server", name);
      echo.put("method", ex.getRequestMethod());
      echo.put("path", ex.getRequestURI().getRawPath());
      echo.put("query", ex.getRequestURI().getRawQuery());
      ObjectNode headers = echo.putObject("headers");
      for (Map.Entry<String, List<String>> h : ex.getRequestHeaders().entrySet()) {
        headers.put(h.getKey().toLowerCase(java.util.Locale.ROOT), String.join(", ", h.getValue()));
      }
      if (length <= head.length) {
        echo.put("body", new String(head, 0, headLen, StandardCharsets.UTF_8));
      }
      echo.put("body_length", length);
      echo.put("body_sha256", bodySha);
      last = echo;
      byte[] out = Json.write(echo).getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      if (status == 204 || status == 304 || "HEAD".equals(ex.getRequestMethod())) {
        ex.sendResponseHeaders(status, -1);
      } else {
        ex.sendResponseHeaders(status, out.length);
        ex.getResponseBody().write(out);
      }
    } catch (IOException e) {
      // the client (the gateway) went away, e.g. after its read timeout: nothing to answer
    }
  }

  private static Map<String, String> parseQuery(String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        out.put(pair.substring(0, eq), pair.substring(eq + 1));
      }
    }
    return out;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
