package org.apigw.plugins.logging;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apigw.plugin.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends JSON lines to one file, off the event loops. {@link #append} only queues the entry;
 * a drain on the writer executor (one thread for all files, so each file's lines keep their
 * order) encodes whatever is queued and writes it in one call. Before each drain the file is
 * checked to still be the one open: if it was renamed or deleted (log rotation), it is closed
 * and {@code path} is opened again, created if missing.
 *
 * <p>At most {@code maxQueued} entries wait; beyond that new ones are dropped and counted, so a
 * stalled disk cannot exhaust memory. Thread-safe.
 */
final class FileAppender {

  private static final Logger log = LoggerFactory.getLogger(FileAppender.class);

  private final Path path;
  private final Executor writer;
  private final int maxQueued;
  private final Queue<ObjectNode> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();

  // writer thread only
  private FileChannel channel;
  private Object fileKey;
  private String lastError;

  FileAppender(Path path, Executor writer, int maxQueued) {
    this.path = path;
    this.writer = writer;
    this.maxQueued = maxQueued;
  }

  /** Queues one entry; never waits. */
  void append(ObjectNode entry) {
    if (queued.incrementAndGet() > maxQueued) {
      queued.decrementAndGet();
      if (dropped.incrementAndGet() % 10_000 == 1) {
        log.error("file-logger: {} entries queued for {}; dropping entries (disk too slow?)", maxQueued, path);
      }
      return;
    }
    queue.add(entry);
    if (draining.compareAndSet(false, true)) {
      writer.execute(this::drain);
    }
  }

  /** Lines written so far. */
  long written() {
    return written.get();
  }

  /** Entries dropped because the queue was full or the file could not be written. */
  long dropped() {
    return dropped.get();
  }

  private void drain() {
    while (true) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
      int lines = 0;
      ObjectNode entry;
      while ((entry = queue.poll()) != null) {
        queued.decrementAndGet();
        try {
          Json.MAPPER.writeValue(out, entry);
          out.write('\n');
          lines++;
        } catch (IOException e) {
          dropped.incrementAndGet(); // cannot happen with an in-memory stream
        }
      }
      if (lines > 0) {
        write(out.toByteArray(), lines);
      }
      draining.set(false);
      // an entry queued after the poll loop but before the flag cleared found draining=true and
      // left it to us: take the flag back and go round again
      if (queue.isEmpty() || !draining.compareAndSet(false, true)) {
        return;
      }
    }
  }

  private void write(byte[] bytes, int lines) {
    try {
      ensureOpen();
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      written.addAndGet(lines);
      lastError = null;
    } catch (IOException e) {
      dropped.addAndGet(lines);
      closeQuietly();
      String error = e.toString();
      if (!error.equals(lastError)) { // once per distinct failure, not per batch
        log.error("file-logger: failed to write {} log entries to {}: {}", lines, path, error);
        lastError = error;
      }
    }
  }

  /** Opens the file, or reopens it when the open one is no longer at {@code path}. */
  private void ensureOpen() throws IOException {
    Object current = currentKey();
    if (channel != null && current != null && current.equals(fileKey)) {
      return;
    }
    closeQuietly();
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    fileKey = currentKey();
  }

  private Object currentKey() throws IOException {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  private void closeQuietly() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        log.debug("closing {}: {}", path, e.toString());
      }
      channel = null;
      fileKey = null;
    }
  }

  /** Closes the file (writer thread). */
  void close() {
    writer.execute(this::closeQuietly);
  }
}
