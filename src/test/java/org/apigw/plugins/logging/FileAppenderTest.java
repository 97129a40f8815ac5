package org.apigw.plugins.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apigw.plugin.Json;
import org.apigw.testing.Deadline;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileAppenderTest {

  @TempDir Path dir;
  final ExecutorService writer = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() throws InterruptedException {
    writer.shutdown();
    writer.awaitTermination(5, TimeUnit.SECONDS);
  }

  static ObjectNode entry(int n) {
    return Json.MAPPER.createObjectNode().put("n", n);
  }

  static List<String> lines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file) : List.of();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void appendsJsonLines_inOrder_creatingDirectories() {
    Path file = dir.resolve("sub/access.log");
    FileAppender appender = new FileAppender(file, writer, 1000);
    for (int i = 0; i < 500; i++) {
      appender.append(entry(i));
    }
    Deadline.await(Duration.ofSeconds(10), "500 lines", () -> appender.written() == 500);
    List<String> lines = lines(file);
    assertEquals(500, lines.size());
    for (int i = 0; i < 500; i++) {
      assertEquals("{\"n\":" + i + "}", lines.get(i));
    }
  }

  @Test
  void fileRotatedAway_isReopened() throws IOException {
    Path file = dir.resolve("access.log");
    FileAppender appender = new FileAppender(file, writer, 1000);
    appender.append(entry(1));
    Deadline.await(Duration.ofSeconds(10), "first line", () -> appender.written() == 1);
    Path rotated = dir.resolve("access.log.1");
    Files.move(file, rotated);
    appender.append(entry(2));
    Deadline.await(Duration.ofSeconds(10), "second line", () -> appender.written() == 2);
    assertEquals(List.of("{\"n\":1}"), lines(rotated));
    assertEquals(List.of("{\"n\":2}"), lines(file), "a new file at the path, not the renamed one");
  }

  @Test
  void fullQueue_dropsInsteadOfGrowing() throws Exception {
    Path file = dir.resolve("slow.log");
    ExecutorService stalled = Executors.newSingleThreadExecutor();
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    stalled.execute(() -> {
      try {
        release.await(); // the disk is stuck
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    FileAppender appender = new FileAppender(file, stalled, 10);
    for (int i = 0; i < 15; i++) {
      appender.append(entry(i));
    }
    assertEquals(5, appender.dropped());
    release.countDown();
    Deadline.await(Duration.ofSeconds(10), "queued lines", () -> appender.written() == 10);
    assertEquals(10, lines(file).size());
    stalled.shutdown();
  }
}
