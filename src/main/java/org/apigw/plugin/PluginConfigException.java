package org.apigw.plugin;

/**
 * A plugin conf that passed the JSON schema but fails a check the schema cannot express (a regex
 * that does not compile, two options that exclude each other). The message is what the Admin API
 * shows after {@code failed to check the configuration of plugin <name> err: }.
 */
public final class PluginConfigException extends RuntimeException {

  public PluginConfigException(String message) {
    super(message, null, false, false);
  }
}
