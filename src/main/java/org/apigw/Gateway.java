package org.apigw;

import io.etcd.jetcd.Client;
import io.prometheus.client.exporter.common.TextFormat;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apigw.admin.AdminApi;
import org.apigw.config.GatewayConfig;
import org.apigw.control.ControlApi;
import org.apigw.etcd.EndpointProbe;
import org.apigw.etcd.EtcdClients;
import org.apigw.etcd.EtcdConfigSync;
import org.apigw.etcd.PrefixReader;
import org.apigw.fallback.FallbackException;
import org.apigw.fallback.FallbackObjects;
import org.apigw.fallback.FallbackUploader;
import org.apigw.fallback.S3ObjectStore;
import org.apigw.observability.Metrics;
import org.apigw.plugin.Plugins;
import org.apigw.plugins.BuiltinPlugins;
import org.apigw.plugins.prometheus.PrometheusAttr;
import org.apigw.plugins.prometheus.PrometheusExporter;
import org.apigw.plugins.prometheus.PrometheusPlugin;
import org.apigw.proxy.ProxyServer;
import org.apigw.proxy.ProxyStats;
import org.apigw.proxy.ProxySettings;
import org.apigw.resource.FieldCipher;
import org.apigw.resource.ResourceCodec;
import org.apigw.snapshot.SnapshotData;
import org.apigw.snapshot.SnapshotEntry;
import org.apigw.snapshot.SnapshotException;
import org.apigw.snapshot.SnapshotFile;
import org.apigw.snapshot.SnapshotWriter;
import org.apigw.standalone.YamlConfigSource;
import org.apigw.store.ConfigEntry;
import org.apigw.store.ConfigOrigin;
import org.apigw.store.ConfigStore;
import org.apigw.store.RuntimeConfig;
import org.apigw.store.StoredResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gateway node: wires config source, store, snapshot mirror, proxy, Admin and Control APIs
 * according to {@code deployment.role}, and owns their lifecycle.
 *
 * <p>Start-up order in etcd mode: read etcd within {@code startup_timeout}; failing that, load
 * the local snapshot and serve it while etcd keeps being retried (at once, without waiting out
 * {@code startup_timeout}, when every etcd endpoint refuses connections); failing that, the control
 * plane's copy in object storage ({@code deployment.fallback_cp}), likewise; failing that too,
 * refuse to start, saying why each source failed. In standalone mode ({@code config_provider:
 * yaml}) the config comes from {@code apisix.yaml} beside the config file and no etcd client
 * exists; a file that cannot be loaded at start refuses the start. Either way the proxy port
 * opens only once some config is loaded. A control plane with {@code fallback_cp} dumps the
 * etcd prefix to object storage.
 */
public final class Gateway implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Gateway.class);

  /** Connect timeout of the start-up probe that tells a down etcd (refused) from a slow one. */
  private static final int DOWN_PROBE_CONNECT_MILLIS = 500;

  /** Version reported in the Server header, the CLI and the Control API. */
  public static final String VERSION = versionOf();

  private final GatewayConfig config;
  private final Path prefixDir;
  private final Vertx vertx;
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private Client etcd;
  private EtcdConfigSync sync;
  private YamlConfigSource yaml;
  private ConfigStore store;
  private SnapshotWriter snapshotWriter;
  private ProxyServer proxy;
  private AdminApi admin;
  private ControlApi control;
  private PrometheusExporter exporter;
  private Metrics metrics;
  private S3ObjectStore objectStore;
  private FallbackUploader fallbackUploader;

  public Gateway(GatewayConfig config, Path prefixDir) {
    this.config = config;
    this.prefixDir = prefixDir;
    VertxOptions options =
        new VertxOptions()
            .setPreferNativeTransport(true)
            .setEventLoopPoolSize(Runtime.getRuntime().availableProcessors());
    this.vertx = Vertx.vertx(options);
    if (!vertx.isNativeTransportEnabled()) {
      log.warn("native epoll transport unavailable ({}); running on NIO", vertx.unavailableNativeTransportCause());
    }
  }

  /**
   * Starts every component this node's role needs and returns once the node is serving.
   *
   * @param takeover true when another instance holds the ports and will quit once this one
   *     serves (reload): skips the port-in-use check
   * @throws StartupException with a message a user can act on
   */
  public void start(boolean takeover) throws StartupException {
    GatewayConfig.Deployment deployment = config.deployment();
    String role = deployment.role();
    boolean proxyRole = !"control_plane".equals(role);
    boolean adminRole = !"data_plane".equals(role) && config.apisix().enableAdmin();
    boolean standalone = "yaml".equals(deployment.configProvider());
    Plugins plugins;
    try {
      plugins = new Plugins(BuiltinPlugins.create(config.pluginAttr()), config.plugins());
    } catch (IllegalArgumentException e) {
      throw new StartupException(e.getMessage()); // a malformed plugin_attr value
    }
    Object enabled = plugins.plugin("prometheus"); // null unless the plugins list names it
    PrometheusPlugin prometheus =
        enabled instanceof PrometheusPlugin p && p.attr().enableExportServer() ? p : null;
    List<Listener> listeners = new ArrayList<>();
    if (adminRole) {
      listeners.add(new Listener("admin port", deployment.admin().adminListen()));
    }
    if (config.apisix().enableControl()) {
      listeners.add(new Listener("control port", config.apisix().control()));
    }
    if (prometheus != null) {
      listeners.add(
          new Listener(
              "prometheus port", new GatewayConfig.Listen(prometheus.attr().exportIp(), prometheus.attr().exportPort())));
    }
    if (proxyRole) {
      config.apisix().nodeListen().forEach(at -> listeners.add(Listener.proxy(at)));
    }
    Listener.refuseSharedPorts(listeners);
    if (!takeover) {
      refuseTakenPorts(listeners);
    }
    GatewayConfig.DataEncryption encryption = config.apisix().dataEncryption();
    ResourceCodec codec =
        new ResourceCodec(plugins, FieldCipher.of(encryption.keyring(), encryption.enableEncryptFields()));
    if (standalone) {
      startStandalone(codec, plugins);
    } else {
      startFromEtcd(proxyRole, codec, plugins);
    }
    ProxyStats proxyStats = proxyRole ? new ProxyStats() : null;
    metrics = new Metrics(store, sync, yaml, snapshotWriter, fallbackUploader, proxyStats, VERSION);
    try {
      if (proxyRole) {
        proxy = new ProxyServer(vertx, proxyStats);
        String server = config.apisix().enableServerTokens() ? "APISIX/" + VERSION : "APISIX";
        await(
            proxy.start(
                config.apisix().nodeListen(), Runtime.getRuntime().availableProcessors(), store::current,
                new ProxySettings(server, config.apisix().deleteUriTailSlash())),
            "proxy listeners " + config.apisix().nodeListen());
      }
      if (adminRole) {
        GatewayConfig.Etcd etcdConfig = deployment.etcd();
        if (etcd == null) {
          etcd = EtcdClients.createOnEventLoop(etcdConfig, vertx); // after the proxy: it does not need one
        }
        admin =
            new AdminApi(
                vertx, deployment.admin(), etcdConfig.prefix(), etcd, codec, plugins,
                Duration.ofSeconds(etcdConfig.timeout()));
        await(admin.listen(), "Admin API on " + deployment.admin().adminListen());
      }
      if (config.apisix().enableControl()) {
        control = new ControlApi(vertx, store, sync, yaml, snapshotWriter, metrics, VERSION);
        await(control.listen(config.apisix().control()), "Control API on " + config.apisix().control());
      }
      if (prometheus != null) {
        PrometheusAttr attr = prometheus.attr();
        exporter =
            new PrometheusExporter(
                vertx, attr,
                List.of(prometheus::write, out -> TextFormat.write004(out, metrics.registry().metricFamilySamples())));
        await(exporter.listen(), "Prometheus exporter on " + attr.exportIp() + ":" + attr.exportPort());
      }
    } catch (StartupException e) {
      close();
      throw e;
    }
    RuntimeConfig served = store.current();
    log.info(
        "APISIX-compatible gateway {} started: role {}, config from {} at revision {}, proxy {}, admin {}",
        VERSION, role, standalone ? yaml.file() : served.origin().label(), served.revision(),
        proxyRole ? config.apisix().nodeListen() : "off", adminRole ? deployment.admin().adminListen() : "off");
  }

  /**
   * Standalone mode: config from {@code apisix.yaml} beside the config file, polled; no etcd
   * client, no snapshot mirror (the file is its own durable copy), no Admin API (data_plane).
   */
  private void startStandalone(ResourceCodec codec, Plugins plugins) throws StartupException {
    store = new ConfigStore(YamlConfigSource.PREFIX, codec, config.apisix().routerHttp(), plugins, published -> {});
    Path dir = config.file().toAbsolutePath().getParent();
    yaml = new YamlConfigSource(dir.resolve(YamlConfigSource.FILE_NAME), store, System.getenv());
    try {
      yaml.loadAtStart();
    } catch (IllegalStateException e) {
      yaml.close();
      throw new StartupException(
          "standalone mode (deployment->role_data_plane->config_provider: yaml) cannot load " + e.getMessage());
    }
    yaml.start();
  }

  private void startFromEtcd(boolean proxyRole, ResourceCodec codec, Plugins plugins) throws StartupException {
    GatewayConfig.Deployment deployment = config.deployment();
    GatewayConfig.Etcd etcdConfig = deployment.etcd();
    snapshotWriter = snapshotWriter(deployment.configSnapshot());
    store =
        new ConfigStore(
            etcdConfig.prefix(), codec, config.apisix().routerHttp(), plugins,
            published -> {
              if (snapshotWriter != null && published.origin() == ConfigOrigin.ETCD) {
                snapshotWriter.submitLazily(() -> snapshotOf(published));
              }
            });
    if (proxyRole) {
      GatewayConfig.ConfigSnapshot snapshotConfig = deployment.configSnapshot();
      SnapshotBaseline snapshot = snapshotConfig.enable() ? new SnapshotBaseline(snapshotPath(snapshotConfig)) : null;
      // with a usable snapshot, an etcd that refuses connections is not waited for: serve it at once
      boolean etcdDown =
          snapshot != null
              && snapshot.present()
              && new EndpointProbe(EtcdClients.addresses(etcdConfig), DOWN_PROBE_CONNECT_MILLIS).probe()
                  == EndpointProbe.Reachability.ALL_REFUSED
              && serveSnapshot(snapshot) != null;
      if (!etcdDown && snapshot != null) {
        // a key whose value in etcd is now bad keeps serving its snapshot value across this restart (F10)
        store.keepAside(snapshot);
      }
      sync =
          new EtcdConfigSync(
              () -> EtcdClients.create(etcdConfig, false), EtcdClients.addresses(etcdConfig),
              etcdConfig.prefix(), store, Duration.ofSeconds(etcdConfig.timeout()),
              Duration.ofSeconds(etcdConfig.resyncDelay()));
      if (etcdDown) {
        sync.startRefused("connection refused on every endpoint " + etcdConfig.hosts());
      } else {
        // etcd's values are validated as they arrive: compile the schemas while the read is under way
        Thread compile = new Thread(codec::prepareValidation, "schema-compile");
        compile.setDaemon(true);
        compile.start();
        sync.start();
      }
      awaitConfig(etcdConfig, snapshotConfig, deployment.fallbackCp(), snapshot, etcdDown);
    } else if (deployment.fallbackCp() != null) {
      etcd = EtcdClients.createOnEventLoop(etcdConfig, vertx);
      startFallbackDump(etcdConfig, deployment.fallbackCp());
    }
  }

  /**
   * Waits for etcd's first full read; on timeout serves the snapshot already loaded, or else the
   * copy in object storage; with neither, refuses to start naming why each source failed.
   *
   * <p>With a snapshot loaded and every etcd endpoint refusing connections outright, the snapshot
   * is served at once: nothing listens there, so waiting out {@code startup_timeout} would only
   * delay serving, and the sync re-reads etcd as soon as it accepts connections again (within a
   * probe interval). An etcd that is slow or silent (connect timeouts, no answer) still gets the
   * whole {@code startup_timeout}, so a node started beside a loaded etcd serves fresh config.
   */
  private void awaitConfig(
      GatewayConfig.Etcd etcdConfig,
      GatewayConfig.ConfigSnapshot snapshotConfig,
      GatewayConfig.FallbackCp fallbackCp,
      SnapshotBaseline snapshot,
      boolean etcdDown)
      throws StartupException {
    if (!etcdDown) {
      try {
        sync.firstSync().get(etcdConfig.startupTimeout(), TimeUnit.SECONDS);
        return;
      } catch (TimeoutException e) {
        // fall through to the snapshot
      } catch (ExecutionException e) {
        throw new StartupException("reading config from etcd failed: " + e.getCause().getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StartupException("interrupted while waiting for etcd");
      }
    }
    String etcdError = sync.status().lastError();
    String why =
        etcdDown
            ? "etcd " + etcdConfig.hosts() + " refused the connection on every endpoint (not listening)"
            : "etcd " + etcdConfig.hosts() + " did not answer within startup_timeout ("
                + etcdConfig.startupTimeout() + " s)" + (etcdError.isEmpty() ? "" : ": " + etcdError);
    SnapshotFile.Loaded loaded = snapshot == null ? null : etcdDown ? snapshot.load() : serveSnapshot(snapshot);
    if (loaded != null) {
      if (store.current().origin() != ConfigOrigin.SNAPSHOT) {
        return; // etcd answered just after the deadline
      }
      SnapshotData data = loaded.data();
      long age = Duration.between(data.writtenAt(), Instant.now()).toSeconds();
      log.warn(
          "{}; serving the config snapshot {} (revision {}, {} keys, written {} s ago) and retrying etcd in the background",
          why, loaded.source(), data.revision(), data.entries().size(), age);
      return;
    }
    String snapshotWhy =
        snapshotConfig.enable()
            ? "no usable config snapshot: " + snapshot.problem()
            : "the config snapshot is disabled (deployment.config_snapshot.enable)";
    if (fallbackCp == null) {
      throw new StartupException(
          why + "; " + snapshotWhy
              + "; no fallback in object storage (deployment.fallback_cp is not configured); refusing to start");
    }
    FallbackObjects.Fetched fetched;
    try (S3ObjectStore s3 = S3ObjectStore.create(fallbackCp.awsS3())) {
      log.warn("{}; {}; reading the fallback config from object storage", why, snapshotWhy);
      fetched = new FallbackObjects(s3, etcdConfig.prefix()).download();
    } catch (FallbackException | RuntimeException e) {
      throw new StartupException(
          why + "; " + snapshotWhy + "; no usable fallback config in object storage: " + e.getMessage()
              + "; refusing to start");
    }
    SnapshotData data = fetched.data();
    store.replaceAll(
        ConfigOrigin.FALLBACK, data.revision(), data.clusterId(), configEntries(data), "object-storage fallback");
    store.confirm(ConfigOrigin.FALLBACK, data.revision(), data.writtenAt().toEpochMilli());
    if (store.current().origin() != ConfigOrigin.FALLBACK) {
      return; // etcd answered meanwhile
    }
    long age = Duration.between(data.writtenAt(), Instant.now()).toSeconds();
    log.warn(
        "serving the fallback config {} (revision {}, {} keys, dumped {} s ago) and retrying etcd in the background",
        fetched.object(), data.revision(), data.entries().size(), age);
  }

  /** Control plane: dump the etcd prefix to object storage now and then on cron_spec's schedule. */
  private void startFallbackDump(GatewayConfig.Etcd etcdConfig, GatewayConfig.FallbackCp fallbackCp) {
    objectStore = S3ObjectStore.create(fallbackCp.awsS3());
    Duration rpcTimeout = Duration.ofSeconds(etcdConfig.timeout());
    fallbackUploader =
        new FallbackUploader(
            new FallbackObjects(objectStore, etcdConfig.prefix()),
            () -> PrefixReader.read(etcd, etcdConfig.prefix(), rpcTimeout),
            fallbackCp.cronSpec(),
            java.time.Clock.systemUTC());
    fallbackUploader.start();
    log.info(
        "dumping {} to {} now and on cron_spec '{}'", etcdConfig.prefix(),
        objectStore.describe(new FallbackObjects(objectStore, etcdConfig.prefix()).pointerKey()),
        fallbackCp.cronSpec());
  }

  /** Serves the snapshot (decoded without validation, see ConfigStore); null when it is unusable. */
  private SnapshotFile.Loaded serveSnapshot(SnapshotBaseline snapshot) {
    SnapshotFile.Loaded loaded = snapshot.load();
    if (loaded != null) {
      SnapshotData data = loaded.data();
      store.replaceAll(ConfigOrigin.SNAPSHOT, data.revision(), data.clusterId(), configEntries(data), "start-up baseline");
      // the snapshot's revision was last known current when it was written, not now
      store.confirm(ConfigOrigin.SNAPSHOT, data.revision(), data.writtenAt().toEpochMilli());
    }
    return loaded;
  }

  private static List<ConfigEntry> configEntries(SnapshotData data) {
    List<ConfigEntry> entries = new ArrayList<>(data.entries().size());
    for (SnapshotEntry entry : data.entries()) {
      entries.add(SnapshotBaseline.toConfigEntry(entry));
    }
    return entries;
  }

  private SnapshotWriter snapshotWriter(GatewayConfig.ConfigSnapshot snapshot) {
    if (!snapshot.enable()) {
      return null;
    }
    return SnapshotWriter.builder(snapshotPath(snapshot))
        .minInterval(Duration.ofMillis(snapshot.minIntervalMs()))
        .start();
  }

  private Path snapshotPath(GatewayConfig.ConfigSnapshot snapshot) {
    return prefixDir.resolve(snapshot.path()).toAbsolutePath().normalize();
  }

  private static SnapshotData snapshotOf(RuntimeConfig config) {
    List<SnapshotEntry> entries = new ArrayList<>();
    for (org.apigw.resource.ResourceType type : org.apigw.resource.ResourceType.values()) {
      for (StoredResource stored : config.all(type).values()) {
        entries.add(
            new SnapshotEntry(
                stored.key(), new String(stored.raw(), StandardCharsets.UTF_8), stored.createRevision(),
                stored.modRevision()));
      }
    }
    return SnapshotData.of(config.revision(), config.clusterId(), Instant.now(), entries);
  }

  /** The proxy, Admin and Control ports bind with SO_REUSEPORT (for reload), so check first. */
  private static void refuseTakenPorts(List<Listener> listeners) throws StartupException {
    for (Listener listener : listeners) {
      GatewayConfig.Listen listen = listener.at();
      String host = "0.0.0.0".equals(listen.ip()) || "::".equals(listen.ip()) ? "127.0.0.1" : listen.ip();
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(host, listen.port()), 200);
        throw new StartupException(
            listener.name() + " " + listen.port() + " (" + listen.ip() + ") is already in use by another process");
      } catch (IOException free) {
        // nothing listens there: good
      }
    }
  }

  private static <T> T await(Future<T> future, String what) throws StartupException {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new StartupException("cannot start " + what + ": " + e.getCause().getMessage());
    } catch (TimeoutException e) {
      throw new StartupException("starting " + what + " took over 30 s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartupException("interrupted while starting " + what);
    }
  }

  public ConfigStore store() {
    return store;
  }

  /**
   * Stops accepting, lets requests in flight finish for up to {@code grace}, then releases
   * everything. A zero grace is the fast stop.
   */
  public void shutdown(Duration grace) {
    try {
      if (proxy != null) {
        proxy.stop(grace).toCompletionStage().toCompletableFuture().get(grace.toMillis() + 5000, TimeUnit.MILLISECONDS);
      }
    } catch (Exception e) {
      log.warn("proxy did not stop cleanly: {}", e.toString());
    }
    close();
  }

  @Override
  public void close() {
    if (admin != null) {
      admin.close();
    }
    if (control != null) {
      control.close();
    }
    if (exporter != null) {
      exporter.close();
    }
    if (sync != null) {
      sync.close();
    }
    if (yaml != null) {
      yaml.close();
    }
    if (fallbackUploader != null) {
      fallbackUploader.close();
    }
    if (objectStore != null) {
      objectStore.close();
    }
    if (snapshotWriter != null) {
      snapshotWriter.close(); // flushes the latest applied revision
    }
    if (etcd != null) {
      etcd.close(); // last: it closes Vert.x too (createOnEventLoop)
    }
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("Vert.x did not close cleanly: {}", e.toString());
    }
  }

  private static String versionOf() {
    String version = Gateway.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }

  /** Start-up could not complete; the message says why and what the node did. */
  public static final class StartupException extends Exception {
    private static final long serialVersionUID = 1L;

    public StartupException(String message) {
      super(message);
    }
  }
}
