package org.apigw.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.apigw.plugin.AuthPlugin;
import org.apigw.plugin.Credential;
import org.apigw.plugin.Json;
import org.apigw.plugin.PluginChain;
import org.apigw.plugin.Plugins;
import org.apigw.resource.Consumer;
import org.apigw.resource.ConsumerCredential;
import org.apigw.resource.ConsumerGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumers of one revision as requests need them: per auth plugin, credential value →
 * {@link Credential} (one lookup per authenticated request), and per consumer the plugins it
 * adds to a route once identified — its group's merged under its own, auth plugins left out
 * (their consumer confs are credentials, not plugin runs). Built when consumers, credentials
 * or consumer groups change; immutable.
 */
public final class ConsumerIndex {

  private static final Logger log = LoggerFactory.getLogger(ConsumerIndex.class);

  /**
   * One consumer.
   *
   * @param chain the group's and the consumer's own non-auth plugins, the consumer's winning
   * @param groupMissing {@code group_id} names a group that does not exist (requests get 503)
   */
  public record Entry(Consumer consumer, PluginChain chain, boolean groupMissing) {}

  static final ConsumerIndex EMPTY = new ConsumerIndex(Map.of(), Map.of());

  private final Map<String, Map<String, Credential>> credentials;
  private final Map<String, Entry> consumers;

  private ConsumerIndex(Map<String, Map<String, Credential>> credentials, Map<String, Entry> consumers) {
    this.credentials = credentials;
    this.consumers = consumers;
  }

  /** The credential of auth plugin {@code plugin} whose identifying field is {@code value}, or null. */
  public Credential credential(String plugin, String value) {
    Map<String, Credential> byValue = credentials.get(plugin);
    return byValue == null || value == null ? null : byValue.get(value);
  }

  /** The consumer named {@code username}, or null. */
  public Entry consumer(String username) {
    return consumers.get(username);
  }

  public int size() {
    return consumers.size();
  }

  static ConsumerIndex build(
      Plugins plugins,
      SortedMap<String, StoredResource> consumerResources,
      SortedMap<String, StoredResource> credentialResources,
      SortedMap<String, StoredResource> groupResources) {
    if (plugins == null || consumerResources.isEmpty()) {
      return EMPTY;
    }
    Map<String, Map<String, Credential>> byPlugin = new HashMap<>();
    Map<String, Entry> entries = new HashMap<>(consumerResources.size() * 2);
    for (StoredResource stored : consumerResources.values()) {
      Consumer consumer = (Consumer) stored.resource();
      Map<String, JsonNode> own = new java.util.LinkedHashMap<>();
      consumer.plugins().forEach((name, conf) -> {
        if (plugins.auth(name) != null) {
          index(plugins, byPlugin, consumer, null, name, conf);
        } else {
          own.put(name, conf);
        }
      });
      ConsumerGroup group = null;
      boolean groupMissing = false;
      if (consumer.groupId() != null) {
        StoredResource g = groupResources.get(consumer.groupId());
        group = g == null ? null : (ConsumerGroup) g.resource();
        groupMissing = g == null;
      }
      List<Plugins.Source> levels = new ArrayList<>(2);
      if (group != null) {
        levels.add(new Plugins.Source("consumer_groups/" + group.id(), group.plugins()));
      }
      levels.add(new Plugins.Source("consumers/" + consumer.username(), own));
      entries.put(consumer.username(), new Entry(consumer, plugins.chain(levels), groupMissing));
    }
    for (StoredResource stored : credentialResources.values()) {
      ConsumerCredential credential = (ConsumerCredential) stored.resource();
      Entry owner = entries.get(credential.username());
      if (owner == null) {
        log.warn("credential {}: consumer {} does not exist; credential ignored", credential.id(), credential.username());
        continue;
      }
      credential.plugins().forEach((name, conf) -> {
        if (plugins.auth(name) != null) {
          index(plugins, byPlugin, owner.consumer(), credential.credentialId(), name, conf);
        }
      });
    }
    Map<String, Map<String, Credential>> frozen = new HashMap<>();
    byPlugin.forEach((name, byValue) -> frozen.put(name, Map.copyOf(byValue)));
    return new ConsumerIndex(Map.copyOf(frozen), Map.copyOf(entries));
  }

  private static void index(
      Plugins plugins,
      Map<String, Map<String, Credential>> byPlugin,
      Consumer consumer,
      String credentialId,
      String name,
      JsonNode raw) {
    AuthPlugin<Object, Object> auth = plugins.auth(name);
    String where = credentialId == null ? "consumer " + consumer.username() : "credential " + credentialId + " of consumer " + consumer.username();
    JsonNode conf = Json.without(raw, "_meta");
    JsonNode value = conf.get(auth.credentialField());
    if (value == null || !value.isTextual()) {
      log.warn("{}: {} conf has no {}; ignored", where, name, auth.credentialField());
      return;
    }
    Object typed;
    try {
      typed = auth.decodeConsumer(conf);
    } catch (RuntimeException e) {
      log.warn("{}: {} conf does not decode ({}); ignored", where, name, e.getMessage());
      return;
    }
    Credential previous =
        byPlugin.computeIfAbsent(name, n -> new HashMap<>())
            .putIfAbsent(value.textValue(), new Credential(consumer, credentialId, typed));
    if (previous != null) {
      log.warn(
          "{}: duplicate {} {} (already used by consumer {}); the first one is kept",
          where, name, auth.credentialField(), previous.consumer().username());
    }
  }
}
