package org.apigw.plugins.logging;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.buffer.Buffer;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apigw.expr.Expr;
import org.apigw.expr.ExprException;
import org.apigw.plugin.Json;
import org.apigw.plugin.Phase;
import org.apigw.plugin.PhaseResult;
import org.apigw.plugin.Plugin;
import org.apigw.plugin.PluginConfigException;
import org.apigw.plugin.PluginContext;

/**
 * file-logger (399, log): appends each request's log entry to {@code path} as one JSON line,
 * for requests that pass {@code match} (a vars expression; none = all). A relative path is
 * resolved against the gateway's working directory.
 *
 * <p>The request path only builds the entry; one writer thread encodes and writes the queued
 * entries of every file in batches ({@link FileAppender}), reopening a file moved away by
 * rotation. Confs naming the same file share its appender.
 */
public final class FileLoggerPlugin implements Plugin<FileLoggerPlugin.Config> {

  /** Entries that may wait for the disk, per file. */
  static final int MAX_QUEUED = 100_000;

  /**
   * Typed conf.
   *
   * @param match null when every request is logged
   */
  public record Config(Path path, LogEntries.Options entries, Expr match) {}

  private final ConcurrentHashMap<Path, FileAppender> appenders = new ConcurrentHashMap<>();
  private final ExecutorService writer =
      Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "file-logger-writer");
        t.setDaemon(true);
        return t;
      });

  @Override
  public String name() {
    return "file-logger";
  }

  @Override
  public int priority() {
    return 399;
  }

  @Override
  public Set<Phase> phases() {
    return Set.of(Phase.REWRITE, Phase.BODY_FILTER, Phase.LOG);
  }

  @Override
  public String metadataSchemaResource() {
    return LogEntries.METADATA_SCHEMA;
  }

  /** {@code plugin_metadata/file-logger}: the {@code log_format} for confs without their own. */
  @Override
  public Object decodeMetadata(JsonNode conf) {
    return LogEntries.Metadata.decode(conf);
  }

  @Override
  public Config decode(JsonNode conf) {
    Path path;
    try {
      path = Path.of(Json.text(conf, "path", "")).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw new PluginConfigException("path: " + e.getMessage());
    }
    Expr match = null;
    JsonNode rules = conf.get("match");
    if (rules != null && rules.size() > 0) {
      try {
        match = Expr.compile(rules);
      } catch (ExprException e) {
        throw new PluginConfigException("match: " + e.getMessage());
      }
    }
    return new Config(path, LogEntries.Options.decode(conf), match);
  }

  @Override
  public PhaseResult rewrite(Config conf, PluginContext ctx) {
    LogEntries.wantBodies(ctx, conf.entries());
    return PhaseResult.CONTINUE;
  }

  @Override
  public Buffer bodyFilter(Config conf, PluginContext ctx, Buffer chunk, boolean last) {
    return LogEntries.collectResponse(ctx, conf.entries(), chunk);
  }

  @Override
  public void log(Config conf, PluginContext ctx) {
    if (conf.match() != null && !conf.match().test(ctx)) {
      return;
    }
    appender(conf.path()).append(LogEntries.build(ctx, conf.entries(), name()));
  }

  FileAppender appender(Path path) {
    return appenders.computeIfAbsent(path, p -> new FileAppender(p, writer, MAX_QUEUED));
  }
}
