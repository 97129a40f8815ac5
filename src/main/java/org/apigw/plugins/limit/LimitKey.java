package org.apigw.plugins.limit;

import org.apigw.plugin.PluginConfigException;
import org.apigw.plugin.PluginContext;
import org.apigw.plugin.Template;

/**
 * Which request value a limit counts by, as APISIX's limit plugins resolve {@code key} with
 * {@code key_type}:
 *
 * <ul>
 *   <li>{@code var}: the variable named {@code key} ({@code remote_addr}, {@code http_x_user},
 *       {@code arg_a}, {@code consumer_name}, …);
 *   <li>{@code var_combination}: {@code key} is a template such as {@code "$remote_addr
 *       $http_x_user"}; it counts as absent when none of its variables has a value;
 *   <li>{@code constant}: {@code key} itself, so every request shares one counter.
 * </ul>
 *
 * An absent value falls back to {@code $remote_addr}, so a client cannot escape its limit by
 * leaving a header out. Immutable.
 */
public final class LimitKey {

  /** The {@code key_type} values. */
  public enum Type {
    VAR,
    VAR_COMBINATION,
    CONSTANT
  }

  private final Type type;
  private final String key;
  private final Template template; // only for VAR_COMBINATION

  private LimitKey(Type type, String key) {
    this.type = type;
    this.key = key;
    this.template = type == Type.VAR_COMBINATION ? Template.compile(key) : null;
  }

  /**
   * @param keyType a schema-valid {@code key_type} ({@code var} when null)
   * @param key the {@code key} field
   */
  public static LimitKey of(String keyType, String key) {
    Type type =
        switch (keyType == null ? "var" : keyType) {
          case "var" -> Type.VAR;
          case "var_combination" -> Type.VAR_COMBINATION;
          case "constant" -> Type.CONSTANT;
          default -> throw new PluginConfigException("key_type: unknown value \"" + keyType + "\"");
        };
    return new LimitKey(type, key);
  }

  public Type type() {
    return type;
  }

  /** The value this request is counted under; never null. */
  public String resolve(PluginContext ctx) {
    String value =
        switch (type) {
          case CONSTANT -> key;
          case VAR -> ctx.var(key);
          case VAR_COMBINATION -> combination(ctx);
        };
    if (value == null) {
      value = ctx.var("remote_addr");
    }
    return value == null ? "" : value;
  }

  /** The template resolved, or null when none of its variables had a value (APISIX's n_resolved == 0). */
  private String combination(PluginContext ctx) {
    int[] resolved = {0};
    String value =
        template.resolve(
            name -> {
              String v = ctx.var(name);
              if (v != null) {
                resolved[0]++;
              }
              return v;
            },
            null);
    return resolved[0] == 0 ? null : value;
  }

  @Override
  public String toString() {
    return type.name().toLowerCase(java.util.Locale.ROOT) + ":" + key;
  }
}
