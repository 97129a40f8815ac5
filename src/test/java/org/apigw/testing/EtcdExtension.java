package org.apigw.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real etcd per test class:
 *
 * <pre>{@code
 * @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
 * ... ETCD.etcd().endpoint() ...
 * }</pre>
 */
public final class EtcdExtension implements BeforeAllCallback, AfterAllCallback {

  private EtcdProcess etcd;

  @Override
  public void beforeAll(ExtensionContext context) {
    etcd = EtcdProcess.start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (etcd != null) {
      etcd.close();
    }
  }

  public EtcdProcess etcd() {
    if (etcd == null) {
      throw new IllegalStateException("etcd is started in @BeforeAll; register the extension as static");
    }
    return etcd;
  }
}
