package org.apigw.testing;

import com.github.dockerjava.api.DockerClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.FixedHostPortGenericContainer;
import org.testcontainers.containers.GenericContainer;

/**
 * The Testcontainers way to run etcd for {@link EtcdProcess}, used only where no etcd binary is
 * installed and a Docker engine answers (these machines have no engine; CI uses Debian's
 * etcd-server). The client port is bound to a fixed host port so that kill, restart and wipe
 * keep the endpoint, as the process-based fixture does.
 */
final class EtcdContainer {

  private static final String IMAGE = "quay.io/coreos/etcd:v3.5.17";

  private final int hostPort;
  private GenericContainer<?> container;

  EtcdContainer(int hostPort) {
    this.hostPort = hostPort;
  }

  /** True when Testcontainers finds a Docker engine (about 200 ms to say no). */
  static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException e) {
      return false;
    }
  }

  @SuppressWarnings({"deprecation", "resource"}) // fixed host ports are the point: restarts keep the endpoint
  void create() {
    container =
        new FixedHostPortGenericContainer<>(IMAGE)
            .withFixedExposedPort(hostPort, 2379)
            .withCommand(
                "etcd", "--name", "apigw-test", "--data-dir", "/etcd-data",
                "--listen-client-urls", "http://0.0.0.0:2379",
                "--advertise-client-urls", "http://127.0.0.1:" + hostPort,
                "--log-level", "warn");
    container.start();
  }

  boolean running() {
    return container != null && client().inspectContainerCmd(container.getContainerId()).exec().getState().getRunning();
  }

  long pid() {
    return client().inspectContainerCmd(container.getContainerId()).exec().getState().getPidLong();
  }

  /** KILL stops the container (its data stays); STOP/CONT pause and unpause it. */
  void signal(String name) {
    String id = container.getContainerId();
    switch (name) {
      case "KILL" -> client().killContainerCmd(id).withSignal("KILL").exec();
      case "STOP" -> client().pauseContainerCmd(id).exec();
      case "CONT" -> {
        if (Boolean.TRUE.equals(client().inspectContainerCmd(id).exec().getState().getPaused())) {
          client().unpauseContainerCmd(id).exec();
        }
      }
      default -> throw new IllegalArgumentException("unsupported signal for a container: " + name);
    }
  }

  /** Starts the stopped container again: same data, same port. */
  void startAgain() {
    client().startContainerCmd(container.getContainerId()).exec();
  }

  /** Removes the container and its data, then creates a fresh one (a new, empty cluster). */
  void wipe() {
    destroy();
    create();
  }

  String etcdctl(List<String> args) {
    List<String> command = new ArrayList<>(List.of("etcdctl", "--endpoints=http://127.0.0.1:2379"));
    command.addAll(args);
    try {
      Container.ExecResult result = container.execInContainer(command.toArray(String[]::new));
      if (result.getExitCode() != 0) {
        throw new AssertionError("etcdctl " + String.join(" ", args) + " failed: " + result.getStderr());
      }
      return result.getStdout();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  void destroy() {
    if (container != null) {
      container.stop();
      container = null;
    }
  }

  private static DockerClient client() {
    return DockerClientFactory.instance().client();
  }
}
