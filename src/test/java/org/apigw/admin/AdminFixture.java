package org.apigw.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.DeleteOption;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apigw.config.GatewayConfig;
import org.apigw.plugin.PluginCatalog;
import org.apigw.resource.ResourceCodec;

/** Builds admin servers and reads etcd directly, for the admin tests. */
final class AdminFixture {
  private AdminFixture() {}

  static final String ADMIN_KEY = "edd1c9f034335f136f87ad84b625c8f1";
  static final String VIEWER_KEY = "4054f7cf07e344346cd3f287985e76a2";

  /** A catalog with a few plugins enabled whose confs are all accepted. */
  static final PluginCatalog PLUGINS =
      new PluginCatalog() {
        private final Set<String> names = Set.of("limit-count", "proxy-rewrite", "key-auth");

        @Override
        public boolean isEnabled(String name) {
          return names.contains(name);
        }

        @Override
        public Optional<String> check(String name, JsonNode conf) {
          return names.contains(name) ? Optional.empty() : Optional.of("unknown plugin [" + name + "]");
        }

        @Override
        public Set<String> enabled() {
          return names;
        }
      };

  static GatewayConfig.Admin settings(
      boolean keyRequired, List<GatewayConfig.AdminKey> keys, List<String> allowAdmin) {
    return new GatewayConfig.Admin(
        new GatewayConfig.Listen("127.0.0.1", 0), keys, keyRequired, allowAdmin, "v3");
  }

  static GatewayConfig.Admin openSettings() {
    return settings(false, List.of(), List.of("127.0.0.0/24"));
  }

  static List<GatewayConfig.AdminKey> standardKeys() {
    return List.of(
        new GatewayConfig.AdminKey("admin", ADMIN_KEY, "admin"),
        new GatewayConfig.AdminKey("viewer", VIEWER_KEY, "viewer"));
  }

  static AdminApi start(Vertx vertx, GatewayConfig.Admin settings, Client etcd, Duration timeout) {
    AdminApi api =
        new AdminApi(vertx, settings, "/apisix", etcd, new ResourceCodec(PLUGINS), PLUGINS, timeout);
    await(api.listen());
    return api;
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  /** The raw stored value, or null. */
  static KeyValue raw(Client etcd, String key) {
    try {
      List<KeyValue> kvs = etcd.getKVClient().get(bytes(key)).get(10, TimeUnit.SECONDS).getKvs();
      return kvs.isEmpty() ? null : kvs.get(0);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static String rawString(Client etcd, String key) {
    KeyValue kv = raw(etcd, key);
    return kv == null ? null : kv.getValue().toString(StandardCharsets.UTF_8);
  }

  static void putRaw(Client etcd, String key, String value) {
    try {
      etcd.getKVClient().put(bytes(key), bytes(value)).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static void wipe(Client etcd, String prefix) {
    try {
      etcd.getKVClient()
          .delete(bytes(prefix), DeleteOption.builder().isPrefix(true).build())
          .get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
