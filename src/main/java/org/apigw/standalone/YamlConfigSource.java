package org.apigw.standalone;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apigw.resource.ResourceType;
import org.apigw.store.ConfigEntry;
import org.apigw.store.ConfigOrigin;
import org.apigw.store.ConfigSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Standalone mode's config source: keeps a {@link ConfigSink} equal to {@code conf/apisix.yaml}
 * by polling it every second, as APISIX does with {@code deployment.role: data_plane} and
 * {@code role_data_plane.config_provider: yaml}. No etcd is involved.
 *
 * <p>Each poll stats the file (mtime, size, inode) and reads it only when that changed, or when
 * the last read came less than {@link #RACY_MILLIS} after the mtime (a same-size rewrite within
 * the filesystem's timestamp granularity would otherwise go unseen: git's "racily clean" rule).
 * Content equal (SHA-256) to what is served only confirms it. Otherwise the text goes through
 * {@link ApisixYaml}: an incomplete file (no {@code #END}) is ignored until it is complete; a
 * refused file is logged once, naming the file and the reason, and the running config is kept;
 * a complete file replaces the whole config in one {@link ConfigSink#replaceAll} at a new
 * revision. Items become {@code /apisix/<dir>/<id>} entries, so each one is decoded, validated,
 * rejected and counted by the store exactly as an etcd value would be.
 *
 * <p>Revisions are this source's own: 1 for the first load, +1 for each load that changed
 * something. An item keeps its {@code mod_revision} while its JSON is unchanged, so the store
 * reuses it without decoding again and types nobody touched are not rebuilt.
 *
 * <p>Threading: {@link #loadAtStart()} runs on the caller before {@link #start()}; after that
 * every poll runs on the one "apisix-yaml" thread, never on an event loop. Status getters may be
 * called from any thread.
 */
public final class YamlConfigSource implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(YamlConfigSource.class);

  /** Key prefix of the entries handed to the store. */
  public static final String PREFIX = "/apisix";

  /** The file's name, in the directory of {@code conf/config.yaml}. */
  public static final String FILE_NAME = "apisix.yaml";

  static final Duration POLL_INTERVAL = Duration.ofSeconds(1);

  /** A read this close after the file's mtime does not vouch for later stats of the same mtime. */
  static final long RACY_MILLIS = 2_000;

  private final Path file;
  private final ConfigSink sink;
  private final Map<String, String> env;
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "apisix-yaml");
            t.setDaemon(true);
            return t;
          });

  // --- confined to the polling thread (the starting thread before start()) ---
  private Stat lastStat;
  private boolean statTrusted;
  private byte[] servedHash;
  private byte[] lastRefusedHash;
  private boolean missingLogged;
  private volatile long revision;
  private Map<String, Known> known = Map.of();

  // --- status, read from any thread ---
  private volatile boolean loaded;
  private volatile String problem = "";
  private volatile long lastLoadMillis;
  private final AtomicLong loads = new AtomicLong();
  private final AtomicLong refusals = new AtomicLong();

  private record Stat(long mtimeMillis, long size, Object fileKey) {}

  private record Known(byte[] value, long createRevision, long modRevision) {}

  /**
   * @param file the {@code apisix.yaml} to follow
   * @param env environment for {@code ${{VAR}}} in the file
   */
  public YamlConfigSource(Path file, ConfigSink sink, Map<String, String> env) {
    this.file = file.toAbsolutePath().normalize();
    this.sink = Objects.requireNonNull(sink, "sink");
    this.env = Map.copyOf(env);
  }

  /**
   * The first load, on the caller's thread.
   *
   * @throws IllegalStateException nothing could be loaded; the message names the file and why
   */
  public void loadAtStart() {
    poll();
    if (!loaded) {
      throw new IllegalStateException(file + ": " + problem);
    }
  }

  /** Polls every second from now on. */
  public void start() {
    long every = POLL_INTERVAL.toMillis();
    thread.scheduleWithFixedDelay(this::pollSafely, every, every, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }

  public Path file() {
    return file;
  }

  /** Successful loads (each one a new revision, or a content change that changed nothing). */
  public long loads() {
    return loads.get();
  }

  /** Complete files refused whole (unparsable, duplicate id, missing variable, ...). */
  public long refusals() {
    return refusals.get();
  }

  /**
   * Why the file as it is now is not what is served: missing, incomplete, or refused with the
   * reason; empty when the file and the served config agree.
   */
  public String problem() {
    return problem;
  }

  /** Wall-clock millis of the last load that changed the served config, 0 if none. */
  public long lastLoadMillis() {
    return lastLoadMillis;
  }

  /** The revision of the last load. */
  public long revision() {
    return revision;
  }

  private void pollSafely() {
    try {
      poll();
    } catch (RuntimeException e) {
      // an exception would cancel the schedule: log it and poll again next second
      log.error("polling {} failed; the current config keeps serving", file, e);
    }
  }

  /** One poll; package-private so tests can step it without the timer. */
  void poll() {
    Stat stat;
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      stat = new Stat(a.lastModifiedTime().toMillis(), a.size(), a.fileKey());
    } catch (NoSuchFileException e) {
      notReadable("missing");
      return;
    } catch (IOException e) {
      notReadable("cannot stat: " + e.getMessage());
      return;
    }
    if (missingLogged) {
      missingLogged = false;
      log.info("{} is back", file);
    }
    if (stat.equals(lastStat) && statTrusted) {
      confirmIfServed();
      return;
    }
    byte[] bytes;
    long readAt = System.currentTimeMillis();
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      notReadable("cannot read: " + e.getMessage());
      return;
    }
    lastStat = stat;
    statTrusted = readAt - stat.mtimeMillis() >= RACY_MILLIS;
    byte[] hash = sha256(bytes);
    if (Arrays.equals(hash, servedHash)) {
      problem = "";
      confirmIfServed();
      return;
    }
    if (Arrays.equals(hash, lastRefusedHash)) {
      return; // same content as last time: already logged
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      refuse(hash, "not UTF-8 text");
      return;
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    ApisixYaml.Result result = ApisixYaml.parse(text, env, file.getFileName().toString());
    if (result instanceof ApisixYaml.Incomplete incomplete) {
      lastRefusedHash = hash;
      problem = incomplete.reason();
      log.info("{} ignored for now: {}; {}", file, incomplete.reason(), keeping());
    } else if (result instanceof ApisixYaml.Refused refused) {
      refusals.incrementAndGet();
      refuse(hash, refused.reason());
    } else {
      load(((ApisixYaml.Complete) result).items(), hash);
    }
  }

  private void load(List<ApisixYaml.Item> items, byte[] hash) {
    long next = revision + 1;
    Map<String, Known> now = new HashMap<>();
    List<ConfigEntry> entries = new ArrayList<>(items.size());
    Map<String, Integer> notServed = new TreeMap<>();
    boolean changed = items.size() != known.size();
    for (ApisixYaml.Item item : items) {
      String key = PREFIX + "/" + item.dir() + "/" + item.id();
      byte[] value = item.json().getBytes(StandardCharsets.UTF_8);
      Known before = known.get(key);
      Known k;
      if (before != null && Arrays.equals(before.value(), value)) {
        k = before;
      } else {
        k = new Known(value, before == null ? next : before.createRevision(), next);
        changed = true;
      }
      now.put(key, k);
      entries.add(new ConfigEntry(key, value, k.createRevision(), k.modRevision()));
      if (ResourceType.fromDir(item.dir()).isEmpty()) {
        notServed.merge(item.dir(), 1, Integer::sum);
      }
    }
    if (!changed && loaded) {
      servedHash = hash; // comments or formatting only
      problem = "";
      loads.incrementAndGet();
      confirmIfServed();
      return;
    }
    if (!notServed.isEmpty()) {
      log.info("{}: not served by this build: {}", file, notServed);
    }
    sink.replaceAll(ConfigOrigin.YAML, next, 0, entries, file.getFileName().toString());
    revision = next;
    known = now;
    servedHash = hash;
    lastRefusedHash = null;
    problem = "";
    loaded = true;
    lastLoadMillis = System.currentTimeMillis();
    loads.incrementAndGet();
    log.info("loaded {} ({} items) as revision {}", file, items.size(), next);
  }

  private void refuse(byte[] hash, String reason) {
    lastRefusedHash = hash;
    problem = "refused: " + reason;
    log.error("{} refused: {}; {}", file, reason, keeping());
  }

  private void notReadable(String why) {
    lastStat = null;
    lastRefusedHash = null; // if it comes back refused, say so again
    problem = why;
    if (!missingLogged) {
      missingLogged = true;
      log.warn("{}: {}; {}", file, why, keeping());
    }
  }

  private String keeping() {
    return loaded ? "the config loaded before (revision " + revision + ") keeps serving" : "nothing is loaded yet";
  }

  private void confirmIfServed() {
    if (loaded && problem.isEmpty()) {
      sink.confirm(ConfigOrigin.YAML, revision, System.currentTimeMillis());
    }
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JRE has SHA-256", e);
    }
  }
}
