package org.apigw.plugin;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apigw.expr.Expr;

/**
 * The plugins one request runs, resolved when a revision is built: for a route, service ⊕
 * plugin_config ⊕ route merged (the most specific conf of each name wins); for global rules, all
 * rules' plugins. Entries are sorted by priority, highest first ({@code _meta.priority}
 * overrides), and split per phase so a request only walks the plugins that hook that phase.
 *
 * <p>Immutable and value-based; shared by every request of the revision. {@link #EMPTY} is the
 * chain of a route without plugins.
 */
public final class PluginChain {

  /**
   * One configured plugin.
   *
   * @param conf the typed conf from {@link Plugin#decode}
   * @param filter {@code _meta.filter}: the plugin runs only when it matches; null = always
   * @param errorResponse {@code _meta.error_response}: replaces the body of the plugin's
   *     rejections; null = keep
   * @param stateKey owner and raw conf, for {@link PluginState}
   */
  public record Entry(
      Plugin<Object> plugin,
      Object conf,
      int priority,
      Expr filter,
      Buffer errorResponse,
      PluginState.Key stateKey) {

    public String name() {
      return plugin.name();
    }
  }

  private static final Entry[] NONE = new Entry[0];

  public static final PluginChain EMPTY = new PluginChain(List.of());

  private final List<Entry> entries;
  private final Map<Phase, Entry[]> byPhase = new EnumMap<>(Phase.class);
  private final Entry[] rewrite;
  private final Entry[] access;
  private final Entry[] beforeProxy;
  private final Entry[] headerFilter;
  private final Entry[] bodyFilter;
  private final Entry[] log;

  private PluginChain(List<Entry> sorted) {
    this.entries = List.copyOf(sorted);
    for (Phase phase : Phase.values()) {
      List<Entry> in = new ArrayList<>();
      for (Entry e : sorted) {
        if (e.plugin().phases().contains(phase)) {
          in.add(e);
        }
      }
      byPhase.put(phase, in.isEmpty() ? NONE : in.toArray(NONE));
    }
    rewrite = byPhase.get(Phase.REWRITE);
    access = byPhase.get(Phase.ACCESS);
    beforeProxy = byPhase.get(Phase.BEFORE_PROXY);
    headerFilter = byPhase.get(Phase.HEADER_FILTER);
    bodyFilter = byPhase.get(Phase.BODY_FILTER);
    log = byPhase.get(Phase.LOG);
  }

  /** Sorts {@code entries} by priority (stable: equal priorities keep their order). */
  public static PluginChain of(List<Entry> entries) {
    if (entries.isEmpty()) {
      return EMPTY;
    }
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparingInt(Entry::priority).reversed());
    return new PluginChain(sorted);
  }

  /**
   * This chain with {@code top}'s entries added, each replacing an entry of the same name here
   * (a consumer's plugins over a route's).
   */
  public PluginChain overriddenBy(PluginChain top) {
    if (top.isEmpty()) {
      return this;
    }
    List<Entry> merged = new ArrayList<>(entries.size() + top.entries.size());
    for (Entry e : entries) {
      if (!top.has(e.name())) {
        merged.add(e);
      }
    }
    merged.addAll(top.entries);
    return of(merged);
  }

  /** True when an entry is named {@code name}. */
  public boolean has(String name) {
    for (Entry e : entries) {
      if (e.name().equals(name)) {
        return true;
      }
    }
    return false;
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** All entries, highest priority first. */
  public List<Entry> entries() {
    return entries;
  }

  /** The entries hooking {@code phase}, highest priority first. Do not modify the array. */
  public Entry[] phase(Phase phase) {
    return switch (phase) {
      case REWRITE -> rewrite;
      case ACCESS -> access;
      case BEFORE_PROXY -> beforeProxy;
      case HEADER_FILTER -> headerFilter;
      case BODY_FILTER -> bodyFilter;
      case LOG -> log;
    };
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("PluginChain[");
    for (int i = 0; i < entries.size(); i++) {
      b.append(i == 0 ? "" : ", ").append(entries.get(i).name());
    }
    return b.append(']').toString();
  }
}
