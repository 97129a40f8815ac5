package org.apigw.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * An authentication plugin (APISIX's {@code type = "auth"}): besides its route conf it has a
 * consumer conf, configured on a consumer ({@code consumers/<name>.plugins}) or on one of its
 * credentials ({@code consumers/<name>/credentials/<id>}). Each revision indexes those confs by
 * {@link #credentialField()} so a request finds its consumer with one lookup ({@link
 * PluginContext#credential}).
 *
 * @param <C> the typed route conf
 * @param <K> the typed consumer conf
 */
public interface AuthPlugin<C, K> extends Plugin<C> {

  @Override
  default String consumerSchemaResource() {
    return "plugins/" + name() + ".consumer.json";
  }

  /**
   * The consumer conf field that identifies a consumer, e.g. key-auth {@code key}, basic-auth
   * {@code username}, jwt-auth {@code key}, hmac-auth {@code key_id}. Two consumers may not share
   * a value.
   */
  String credentialField();

  /**
   * Consumer conf fields stored encrypted in etcd when {@code
   * apisix.data_encryption.enable_encrypt_fields} is on (APISIX's {@code encrypt_fields}).
   */
  default Set<String> encryptFields() {
    return Set.of();
  }

  /**
   * Turns a schema-valid consumer conf (fields already decrypted) into the typed consumer conf.
   *
   * @throws PluginConfigException when a check beyond the schema fails
   */
  K decodeConsumer(JsonNode conf);
}
