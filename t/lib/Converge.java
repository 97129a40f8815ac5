package lib;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.apigw.testing.Deadline;
import org.apigw.testing.EtcdProcess;

/** "The gateway serves exactly what etcd holds": compares the Control API with etcdctl. */
public final class Converge {
  private Converge() {}

  /** {@code etcdctl get --prefix <dir>}: key → parsed value, skipping {@code init_dir} placeholders. */
  public static Map<String, JsonNode> inEtcd(EtcdProcess etcd, String dir) {
    return parse(etcd.etcdctl("get", "--prefix", dir));
  }

  /** Like {@link #inEtcd(EtcdProcess, String)}, as etcd held it at {@code revision}. */
  public static Map<String, JsonNode> inEtcdAt(EtcdProcess etcd, String dir, long revision) {
    return parse(etcd.etcdctl("get", "--prefix", dir, "--rev=" + revision));
  }

  private static Map<String, JsonNode> parse(String out) {
    String[] lines = out.split("\n");
    Map<String, JsonNode> map = new TreeMap<>();
    for (int i = 0; i + 1 < lines.length; i += 2) {
      if (lines[i].endsWith("/")) {
        continue;
      }
      String value = lines[i + 1];
      map.put(lines[i], value.startsWith("{") && isJson(value)
          ? Json.parse(value) : com.fasterxml.jackson.databind.node.TextNode.valueOf(value));
    }
    return map;
  }

  private static boolean isJson(String s) {
    try {
      Json.MAPPER.readTree(s);
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** {@code GET /v1/<type>} of the control API: key → value. */
  public static Map<String, JsonNode> served(GatewayProcess gw, String type) {
    Map<String, JsonNode> map = new TreeMap<>();
    for (JsonNode item : gw.control("/v1/" + type)) {
      map.put(item.path("key").asText(), item.path("value"));
    }
    return map;
  }

  /** Waits until the gateway's routes equal etcd's, value by value, nothing extra, nothing missing. */
  public static Duration routes(GatewayProcess gw, EtcdProcess etcd, Duration timeout) {
    long t0 = System.nanoTime();
    Deadline.untilPasses(timeout, () -> {
      assertEquals(inEtcd(etcd, "/apisix/routes/"), served(gw, "routes"), "served routes vs etcd");
      return null;
    });
    return Duration.ofNanos(System.nanoTime() - t0);
  }
}
