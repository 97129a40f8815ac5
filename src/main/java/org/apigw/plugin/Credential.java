package org.apigw.plugin;

import org.apigw.resource.Consumer;

/**
 * A consumer as an auth plugin finds it: who it is and the consumer conf that matched.
 *
 * @param consumer the consumer the credential belongs to
 * @param id the credential's id, or null when the conf sits in the consumer's own {@code plugins}
 * @param conf the plugin's typed consumer conf ({@link AuthPlugin#decodeConsumer})
 */
public record Credential(Consumer consumer, String id, Object conf) {}
