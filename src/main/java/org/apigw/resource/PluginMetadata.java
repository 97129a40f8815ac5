package org.apigw.resource;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Node-wide settings of one plugin ({@code plugin_metadata/<plugin name>}), e.g. http-logger's
 * {@code log_format}; the conf is valid against the plugin's metadata schema.
 */
public record PluginMetadata(String id, JsonNode conf) implements Resource {}
